//! The kernel's sockets and message loop: shell (requests), control (interrupt, shutdown),
//! IOPub (everything the notebook shows), stdin (`input()`), heartbeat.
//!
//! Threads: tokio tasks own the sockets; evcxr runs cells on a blocking thread (it blocks while
//! cargo compiles and while the cell runs); the output thread of [`crate::outputs`] forwards what
//! cells print. All IOPub traffic goes through one channel to one task, so messages leave in the
//! order they were made: `busy`, `execute_input`, the cell's streams and displays (flushed before
//! the cell's result), `execute_result`, then the reply on shell, then `idle`.

use crate::connection::ConnectionInfo;
use crate::offsets::{byte_offset, char_offset};
use crate::outputs::{Forwarder, Publisher, DISPLAY_ENV, DISPLAY_PROTOCOL};
use crate::report::error_contents;
use crate::wire::{Message, Signer, PROTOCOL_VERSION};
use anyhow::{Context as _, Result};
use evcxr::{CommandContext, EvalCallbacks, EvalContext, EvalOutputs};
use serde_json::{json, Map, Value};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use zeromq::{SocketRecv as _, SocketSend as _, ZmqMessage};

/// evcxr's evaluation state, once started.
struct Evaluator {
    context: Mutex<CommandContext>,
    /// The evaluation process (evcxr swaps in a fresh one after it dies; the handle stays valid).
    process: Arc<Mutex<std::process::Child>>,
    forwarder: Forwarder,
}

struct Kernel {
    signer: Signer,
    session: String,
    publisher: Publisher,
    evaluator: tokio::sync::watch::Receiver<Option<Arc<Evaluator>>>,
    stdin: tokio::sync::Mutex<zeromq::RouterSocket>,
    execution_count: AtomicU32,
    executing: AtomicBool,
    interrupted: AtomicBool,
    input_cancelled: tokio::sync::Notify,
    runtime: tokio::runtime::Handle,
}

/// Binds the sockets, starts evcxr and serves until a `shutdown_request`.
pub fn run(info: &ConnectionInfo) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(serve(info))
}

async fn bind<S: zeromq::Socket>(info: &ConnectionInfo, port: u16) -> Result<S> {
    let mut socket = S::new();
    let endpoint = info.endpoint(port);
    socket
        .bind(&endpoint)
        .await
        .with_context(|| format!("cannot bind {endpoint}"))?;
    Ok(socket)
}

fn frames(message: &Message, signer: &Signer) -> ZmqMessage {
    ZmqMessage::try_from(message.encode(signer)).expect("an encoded message has frames")
}

async fn serve(info: &ConnectionInfo) -> Result<()> {
    let signer = Signer::new(&info.key);
    let session = uuid::Uuid::new_v4().to_string();
    let mut shell: zeromq::RouterSocket = bind(info, info.shell_port).await?;
    let mut control: zeromq::RouterSocket = bind(info, info.control_port).await?;
    let stdin: zeromq::RouterSocket = bind(info, info.stdin_port).await?;
    let mut iopub: zeromq::PubSocket = bind(info, info.iopub_port).await?;
    let mut heartbeat: zeromq::RepSocket = bind(info, info.hb_port).await?;

    let (iopub_tx, mut iopub_rx) = tokio::sync::mpsc::unbounded_channel::<Message>();
    let iopub_signer = signer.clone();
    tokio::spawn(async move {
        while let Some(message) = iopub_rx.recv().await {
            if let Err(e) = iopub.send(frames(&message, &iopub_signer)).await {
                eprintln!("glassbox kernel: iopub send failed: {e}");
            }
        }
    });
    tokio::spawn(async move {
        while let Ok(ping) = heartbeat.recv().await {
            if heartbeat.send(ping).await.is_err() {
                break;
            }
        }
    });

    let publisher = Publisher {
        iopub: iopub_tx,
        session: session.clone(),
        parent: Arc::new(Mutex::new(None)),
    };
    let (evaluator_tx, evaluator) = tokio::sync::watch::channel(None);
    let kernel = Arc::new(Kernel {
        signer,
        session,
        publisher: publisher.clone(),
        evaluator,
        stdin: tokio::sync::Mutex::new(stdin),
        execution_count: AtomicU32::new(0),
        executing: AtomicBool::new(false),
        interrupted: AtomicBool::new(false),
        input_cancelled: tokio::sync::Notify::new(),
        runtime: tokio::runtime::Handle::current(),
    });

    // evcxr compiles a first crate before it is ready: the sockets answer kernel_info meanwhile.
    tokio::task::spawn_blocking(move || match start_evaluator(publisher) {
        Ok(evaluator) => {
            let _ = evaluator_tx.send(Some(Arc::new(evaluator)));
        }
        Err(e) => {
            eprintln!("glassbox kernel: evcxr did not start: {e:#}");
            std::process::exit(1);
        }
    });

    let shell_kernel = Arc::clone(&kernel);
    tokio::spawn(async move {
        loop {
            match shell.recv().await {
                Ok(request) => shell_kernel.on_shell(request, &mut shell).await,
                Err(e) => eprintln!("glassbox kernel: shell receive failed: {e}"),
            }
        }
    });
    loop {
        let request = control.recv().await?;
        match Message::decode(request.into_vec(), &kernel.signer) {
            Ok(request) => kernel.on_control(request, &mut control).await,
            Err(e) => eprintln!("glassbox kernel: control message dropped: {e:#}"),
        }
    }
}

fn start_evaluator(publisher: Publisher) -> Result<Evaluator> {
    let mut command = std::process::Command::new(std::env::current_exe()?);
    command.env(DISPLAY_ENV, DISPLAY_PROTOCOL);
    let (eval_context, outputs) =
        EvalContext::with_subprocess_command(command).map_err(|e| anyhow::anyhow!("{e}"))?;
    let forwarder = Forwarder::start(outputs.stdout, outputs.stderr, publisher);
    let mut context = CommandContext::with_eval_context(eval_context);
    // evcxr's config folder: init.evcxr (`:opt 2`) and prelude.rs.
    if let Err(e) = context.execute(":load_config") {
        eprintln!("glassbox kernel: :load_config failed: {e}");
    }
    let process = context.process_handle();
    Ok(Evaluator {
        context: Mutex::new(context),
        process,
        forwarder,
    })
}

impl Kernel {
    async fn evaluator(&self) -> Arc<Evaluator> {
        let mut rx = self.evaluator.clone();
        let ready = rx
            .wait_for(Option::is_some)
            .await
            .expect("the evaluator's sender lives");
        Arc::clone(ready.as_ref().expect("waited for Some"))
    }

    fn status(&self, parent: &Message, state: &str) {
        let message = parent.child(&self.session, "status", json!({ "execution_state": state }));
        let _ = self.publisher.iopub.send(message);
    }

    fn publish(&self, parent: &Message, msg_type: &str, content: Value) {
        let _ = self
            .publisher
            .iopub
            .send(parent.child(&self.session, msg_type, content));
    }

    async fn on_shell(self: &Arc<Self>, raw: ZmqMessage, shell: &mut zeromq::RouterSocket) {
        let request = match Message::decode(raw.into_vec(), &self.signer) {
            Ok(request) => request,
            Err(e) => return eprintln!("glassbox kernel: shell message dropped: {e:#}"),
        };
        self.status(&request, "busy");
        let content = match request.msg_type() {
            "kernel_info_request" => Some(kernel_info()),
            "execute_request" => Some(self.execute(&request).await),
            "complete_request" => Some(self.complete(&request).await),
            "inspect_request" => Some(self.inspect(&request).await),
            "is_complete_request" => Some(json!({ "status": "complete" })),
            "history_request" => Some(json!({ "status": "ok", "history": [] })),
            "comm_info_request" => Some(json!({ "status": "ok", "comms": {} })),
            "comm_open" => {
                // No comm targets: close it at once, as the spec asks.
                let comm_id = request.content["comm_id"].clone();
                self.publish(
                    &request,
                    "comm_close",
                    json!({ "comm_id": comm_id, "data": {} }),
                );
                None
            }
            "comm_msg" | "comm_close" => None,
            "shutdown_request" => {
                let reply = request.reply(&self.session, shutdown_content(&request));
                let _ = shell.send(frames(&reply, &self.signer)).await;
                self.shut_down().await;
                None
            }
            other => {
                eprintln!("glassbox kernel: unknown shell message `{other}`");
                None
            }
        };
        if let Some(content) = content {
            let reply = request.reply(&self.session, content);
            if let Err(e) = shell.send(frames(&reply, &self.signer)).await {
                eprintln!("glassbox kernel: shell reply failed: {e}");
            }
        }
        self.status(&request, "idle");
    }

    async fn on_control(self: &Arc<Self>, request: Message, control: &mut zeromq::RouterSocket) {
        let content = match request.msg_type() {
            "kernel_info_request" => kernel_info(),
            "interrupt_request" => {
                self.interrupt();
                json!({ "status": "ok" })
            }
            "shutdown_request" => {
                let reply = request.reply(&self.session, shutdown_content(&request));
                let _ = control.send(frames(&reply, &self.signer)).await;
                self.shut_down().await;
                return;
            }
            other => {
                eprintln!("glassbox kernel: unknown control message `{other}`");
                return;
            }
        };
        let reply = request.reply(&self.session, content);
        if let Err(e) = control.send(frames(&reply, &self.signer)).await {
            eprintln!("glassbox kernel: control reply failed: {e}");
        }
    }

    /// Stops the running cell by ending evcxr's evaluation process (Rust code cannot be stopped
    /// from outside otherwise); evcxr starts a new one. Between cells nothing is stopped, so
    /// variables survive a stray interrupt.
    fn interrupt(&self) {
        if !self.executing.load(Ordering::SeqCst) {
            return;
        }
        self.interrupted.store(true, Ordering::SeqCst);
        self.input_cancelled.notify_waiters();
        if let Some(evaluator) = self.evaluator.borrow().as_ref() {
            let mut process = evaluator.process.lock().unwrap_or_else(|e| e.into_inner());
            let _ = process.kill();
        }
    }

    /// Ends the evaluation process and this one (after the reply had time to leave).
    async fn shut_down(&self) {
        if let Some(evaluator) = self.evaluator.borrow().as_ref() {
            let mut process = evaluator.process.lock().unwrap_or_else(|e| e.into_inner());
            let _ = process.kill();
            let _ = process.wait();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        std::process::exit(0)
    }

    async fn execute(self: &Arc<Self>, request: &Message) -> Value {
        let code = request.content["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let silent = request.content["silent"].as_bool().unwrap_or(false);
        let store_history = !silent && request.content["store_history"].as_bool().unwrap_or(true);
        let count = if store_history {
            self.execution_count.fetch_add(1, Ordering::SeqCst) + 1
        } else {
            self.execution_count.load(Ordering::SeqCst)
        };
        *self
            .publisher
            .parent
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(request.clone());
        if !silent {
            self.publish(
                request,
                "execute_input",
                json!({ "code": code, "execution_count": count }),
            );
        }
        let evaluator = self.evaluator().await;
        self.interrupted.store(false, Ordering::SeqCst);
        self.executing.store(true, Ordering::SeqCst);
        let kernel = Arc::clone(self);
        let cell = request.clone();
        let source = code.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            let mut callbacks = EvalCallbacks {
                input_reader: &|asked| kernel.read_input(&cell, &asked.prompt, asked.is_password),
            };
            let result = evaluator
                .context
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .execute_with_callbacks(&source, &mut callbacks);
            evaluator.forwarder.flush();
            result
        })
        .await;
        self.executing.store(false, Ordering::SeqCst);
        let interrupted = self.interrupted.swap(false, Ordering::SeqCst);
        let result = outcome.unwrap_or_else(|e| {
            Err(evcxr::Error::Message(format!(
                "the cell's thread failed: {e}"
            )))
        });
        match result {
            Ok(outputs) => {
                if !silent {
                    self.publish_result(request, &outputs, count);
                }
                json!({ "status": "ok", "execution_count": count, "user_expressions": {} })
            }
            Err(error) => {
                let errors = error_contents(&error, &code, count, interrupted);
                for content in &errors {
                    self.publish(request, "error", content.clone());
                }
                let first = errors
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| json!({"ename": "Error", "evalue": "", "traceback": []}));
                json!({
                    "status": "error",
                    "execution_count": count,
                    "ename": first["ename"],
                    "evalue": first["evalue"],
                    "traceback": first["traceback"],
                })
            }
        }
    }

    fn publish_result(&self, request: &Message, outputs: &EvalOutputs, count: u32) {
        if !outputs.is_empty() {
            let data: Map<String, Value> = outputs
                .content_by_mime_type
                .iter()
                .map(|(mime, text)| {
                    let value = if mime.ends_with("json") {
                        serde_json::from_str(text).unwrap_or_else(|_| Value::from(text.as_str()))
                    } else {
                        Value::from(text.as_str())
                    };
                    (mime.clone(), value)
                })
                .collect();
            self.publish(
                request,
                "execute_result",
                json!({ "execution_count": count, "data": data, "metadata": {} }),
            );
        }
        if let Some(took) = outputs.timing {
            let ms = took.as_millis();
            self.publish(
                request,
                "display_data",
                json!({
                    "data": {
                        "text/plain": format!("Took {ms}ms"),
                        "text/html": format!("<span style=\"color: rgba(0,0,0,0.4);\">Took {ms}ms</span>"),
                    },
                    "metadata": {},
                    "transient": {},
                }),
            );
        }
    }

    /// Called on the cell's thread when user code reads stdin (evcxr_input's `prompt`).
    fn read_input(&self, cell: &Message, prompt: &str, password: bool) -> String {
        if cell.content["allow_stdin"].as_bool() != Some(true) {
            return String::new();
        }
        self.runtime.block_on(async {
            let mut stdin = self.stdin.lock().await;
            let cancelled = self.input_cancelled.notified();
            let ask = cell.to_sender(
                &self.session,
                "input_request",
                json!({ "prompt": prompt, "password": password }),
            );
            if stdin.send(frames(&ask, &self.signer)).await.is_err() {
                return String::new();
            }
            tokio::select! {
                answer = stdin.recv() => answer
                    .ok()
                    .and_then(|raw| Message::decode(raw.into_vec(), &self.signer).ok())
                    .and_then(|reply| reply.content["value"].as_str().map(str::to_owned))
                    .unwrap_or_default(),
                () = cancelled => String::new(),
            }
        })
    }

    /// Runs `query(context, code, byte offset of the cursor)` on evcxr off the async threads;
    /// returns its answer and the request's code.
    async fn query<T: Send + 'static>(
        &self,
        request: &Message,
        query: impl FnOnce(&mut CommandContext, &str, usize) -> T + Send + 'static,
    ) -> Result<(T, String), tokio::task::JoinError> {
        let evaluator = self.evaluator().await;
        let code = request.content["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let cursor = request.content["cursor_pos"].as_u64().unwrap_or(0) as usize;
        tokio::task::spawn_blocking(move || {
            let mut context = evaluator.context.lock().unwrap_or_else(|e| e.into_inner());
            let answer = query(&mut context, &code, byte_offset(&code, cursor));
            (answer, code)
        })
        .await
    }

    async fn complete(&self, request: &Message) -> Value {
        let found = self
            .query(request, |c, code, at| c.completions(code, at))
            .await;
        let why = match found {
            Ok((Ok(completions), code)) => {
                let start = char_offset(&code, completions.start_offset);
                let end = char_offset(&code, completions.end_offset);
                let matches: Vec<&str> = completions
                    .completions
                    .iter()
                    .map(|c| c.code.as_str())
                    .collect();
                let types: Vec<Value> = completions
                    .completions
                    .iter()
                    .map(|c| json!({ "text": c.code, "type": c.kind, "signature": c.label, "start": start, "end": end }))
                    .collect();
                return json!({
                    "status": "ok",
                    "matches": matches,
                    "cursor_start": start,
                    "cursor_end": end,
                    "metadata": { "_jupyter_types_experimental": types },
                });
            }
            Ok((Err(e), _)) => e.to_string(),
            Err(e) => e.to_string(),
        };
        json!({ "status": "error", "ename": "Error", "evalue": why, "traceback": [] })
    }

    async fn inspect(&self, request: &Message) -> Value {
        let hover = self
            .query(request, |c, code, at| c.hover_at(code, at))
            .await
            .map(|(h, _)| h);
        match hover {
            Ok(Ok((plain, html))) if plain != "No documentation found" => json!({
                "status": "ok",
                "found": true,
                "data": { "text/plain": plain, "text/html": html },
                "metadata": {},
            }),
            _ => json!({ "status": "ok", "found": false, "data": {}, "metadata": {} }),
        }
    }
}

fn shutdown_content(request: &Message) -> Value {
    json!({ "status": "ok", "restart": request.content["restart"].as_bool().unwrap_or(false) })
}

/// The `kernel_info_reply` content.
pub fn kernel_info() -> Value {
    json!({
        "status": "ok",
        "protocol_version": PROTOCOL_VERSION,
        "implementation": "glassbox-kernel",
        "implementation_version": env!("CARGO_PKG_VERSION"),
        "language_info": {
            "name": "Rust",
            "version": "",
            "mimetype": "text/rust",
            "file_extension": ".rs",
            "pygments_lexer": "rust",
            "codemirror_mode": "rust",
        },
        "banner": concat!(
            "glassbox kernel ", env!("CARGO_PKG_VERSION"),
            " (evcxr 0.22): Rust cells with live display_data and update_display_data"
        ),
        "help_links": [
            { "text": "Rust std docs", "url": "https://doc.rust-lang.org/stable/std/" },
            { "text": "evcxr commands (:help)", "url": "https://github.com/evcxr/evcxr/blob/main/COMMON.md" },
        ],
    })
}
