//! Hub downloads against a real HTTP server on loopback that speaks the Hub's URL layout
//! (`/{repo}/resolve/main/{file}`, `X-Repo-Commit`, `X-Linked-Etag` = sha256, LFS redirects).
#![cfg(feature = "download")]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use glassbox::models::Hub;
use glassbox::{models::Checkpoint, ErrorKind, Vgg11, Vgg16};
use sha2::{Digest, Sha256};

const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

/// How the server answers the Hub URL of the file.
#[derive(Clone)]
enum Reply {
    /// 200 with the Hub headers and the body.
    File,
    /// 302 with the Hub headers to `http://localhost:{port}/cdn/blob` (another host, as the
    /// Hub's CDN is), which serves the body.
    Redirect,
    /// The Hub headers claim this sha256 instead of the body's.
    WrongHash(String),
    /// Sends this many body bytes of the announced length, then closes.
    Drop(usize),
    /// As `File`, but ignores `Range` headers (always sends the whole file).
    NoRanges,
}

struct Server {
    url: String,
    requests: Arc<AtomicUsize>,
    /// The `Range` header of every request, in order.
    ranges: Arc<Mutex<Vec<Option<String>>>>,
}

fn serve(body: Vec<u8>, reply: Reply) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let count = requests.clone();
    let ranges = Arc::new(Mutex::new(Vec::new()));
    let seen = ranges.clone();
    // Another host name for the same server, as the Hub's CDN is another host.
    let cdn = url.replace("127.0.0.1", "localhost");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let mut line = String::new();
            let mut range = None;
            while reader.read_line(&mut line).is_ok() && line != "\r\n" && !line.is_empty() {
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("range: ") {
                    range = Some(value.trim().to_string());
                }
                line.clear();
            }
            count.fetch_add(1, Ordering::SeqCst);
            seen.lock().unwrap().push(range.clone());
            // `bytes={start}-`, honoured (206) unless the reply ignores ranges.
            let start = range
                .as_deref()
                .and_then(|r| {
                    r.strip_prefix("bytes=")?
                        .strip_suffix('-')?
                        .parse::<usize>()
                        .ok()
                })
                .filter(|&s| s < body.len() && !matches!(reply, Reply::NoRanges));
            let path = request_line.split(' ').nth(1).unwrap_or("").to_string();
            let sha = hex(&Sha256::digest(&body));
            let hub = |etag: &str| {
                format!(
                    "X-Repo-Commit: {COMMIT}\r\nX-Linked-Etag: \"{etag}\"\r\nX-Linked-Size: {}\r\n",
                    body.len()
                )
            };
            let ok = |headers: String, body: &[u8]| {
                let (status, part) = match start {
                    Some(s) => (
                        format!(
                            "206 Partial Content\r\nContent-Range: bytes {s}-{}/{}",
                            body.len() - 1,
                            body.len()
                        ),
                        &body[s..],
                    ),
                    None => ("200 OK".to_string(), body),
                };
                let mut out = format!(
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\n{headers}Connection: close\r\n\r\n",
                    part.len()
                )
                .into_bytes();
                out.extend(part);
                out
            };
            let response = match (&reply, path.as_str()) {
                (_, "/org/tiny/resolve/main/model.safetensors") => match &reply {
                    Reply::File | Reply::NoRanges => ok(hub(&sha), &body),
                    Reply::Redirect => format!(
                        "HTTP/1.1 302 Found\r\n{}Location: {cdn}/cdn/blob\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        hub(&sha)
                    )
                    .into_bytes(),
                    Reply::WrongHash(other) => ok(hub(other), &body),
                    Reply::Drop(keep) => {
                        let mut full = ok(hub(&sha), &body);
                        full.truncate(full.len() - body.len() + keep);
                        full
                    }
                },
                (Reply::Redirect, "/cdn/blob") => ok(String::new(), &body),
                _ => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
            };
            // HEAD (Python's huggingface_hub asks for the metadata first): headers only.
            let response = if request_line.starts_with("HEAD ") {
                let end = response
                    .windows(4)
                    .position(|w| w == b"\r\n\r\n")
                    .map_or(response.len(), |i| i + 4);
                response[..end].to_vec()
            } else {
                response
            };
            stream.write_all(&response).ok();
            stream.flush().ok();
        }
    });
    Server {
        url,
        requests,
        ranges,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn cache(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("glassbox-hub-{}-{name}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    dir
}

/// A small safetensors file, as the served "model".
fn model_bytes() -> Vec<u8> {
    let path = cache("model").with_extension("safetensors");
    let tensors = [(
        "fc.weight".to_string(),
        vec![2, 3],
        vec![0.5f32, -1.0, 2.0, 3.5, 0.0, 1.25],
    )];
    glassbox::models::write_safetensors(&path, &tensors).unwrap();
    std::fs::read(path).unwrap()
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path.display().to_string());
        }
    }
    out
}

#[test]
fn first_call_downloads_and_the_second_is_served_from_the_cache() {
    for reply in [Reply::File, Reply::Redirect] {
        let body = model_bytes();
        let server = serve(body.clone(), reply.clone());
        let dir = cache(if matches!(reply, Reply::File) {
            "first"
        } else {
            "lfs"
        });
        let hub = Hub::new(&dir).endpoint(&server.url);
        let path = hub.file("org/tiny", "model.safetensors").unwrap();
        let after_first = server.requests.load(Ordering::SeqCst);
        assert_eq!(
            after_first,
            if matches!(reply, Reply::File) { 1 } else { 2 }
        );
        assert_eq!(std::fs::read(&path).unwrap(), body);
        let checkpoint = Checkpoint::open(&path).unwrap();
        assert_eq!(checkpoint.tensor("fc.weight").unwrap()[3], 3.5);
        // Python's layout: snapshot → blob named by sha256, refs/main → commit.
        let repo = dir.join("models--org--tiny");
        assert_eq!(
            path,
            repo.join("snapshots")
                .join(COMMIT)
                .join("model.safetensors")
        );
        let sha = hex(&Sha256::digest(&body));
        assert_eq!(
            std::fs::read_link(&path).unwrap(),
            Path::new("../../blobs").join(&sha)
        );
        assert_eq!(
            std::fs::read_to_string(repo.join("refs/main")).unwrap(),
            COMMIT
        );
        // Second call, and an offline client on the same cache: no request.
        assert_eq!(hub.file("org/tiny", "model.safetensors").unwrap(), path);
        let offline = Hub::new(&dir).offline(true);
        assert_eq!(offline.file("org/tiny", "model.safetensors").unwrap(), path);
        assert_eq!(server.requests.load(Ordering::SeqCst), after_first);
        std::fs::remove_dir_all(dir).ok();
    }
}

#[test]
fn a_bad_hash_is_an_error_and_caches_nothing() {
    let server = serve(model_bytes(), Reply::WrongHash("ab".repeat(32)));
    let dir = cache("hash");
    let e = Hub::new(&dir)
        .endpoint(&server.url)
        .file("org/tiny", "model.safetensors")
        .unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Download { .. }), "{e}");
    let message = e.to_string();
    assert!(
        message.contains("sha256") && message.contains(&"ab".repeat(32)),
        "{message}"
    );
    assert_eq!(entries(&dir), Vec::<String>::new());
}

/// Every file under `dir` that is not bookkeeping (`.locks/`).
fn entries(dir: &Path) -> Vec<String> {
    let locks = dir.join(".locks").display().to_string();
    let mut files = files_under(dir);
    files.retain(|f| !f.starts_with(&locks));
    files
}

#[test]
fn a_dropped_connection_caches_nothing_and_the_next_call_resumes() {
    let body = model_bytes();
    let half = body.len() / 2;
    let server = serve(body.clone(), Reply::Drop(half));
    let dir = cache("drop");
    let hub = Hub::new(&dir).endpoint(&server.url);
    let e = hub.file("org/tiny", "model.safetensors").unwrap_err();
    assert!(
        e.to_string().contains("nothing was cached") && e.to_string().contains("resume"),
        "{e}"
    );
    // Only the named partial is left: no blob, no snapshot, and offline there is no file.
    let sha = hex(&Sha256::digest(&body));
    let partial = dir.join(format!("models--org--tiny/blobs/{sha}.incomplete"));
    assert_eq!(entries(&dir), vec![partial.display().to_string()]);
    assert_eq!(std::fs::read(&partial).unwrap(), body[..half]);
    assert!(Hub::new(&dir)
        .offline(true)
        .file("org/tiny", "model.safetensors")
        .is_err());
    assert_eq!(hub.cached("org/tiny", "model.safetensors").unwrap(), None);

    // The next call asks for the rest only and ends with the whole, verified file.
    for (reply, name) in [(Reply::File, "resumed"), (Reply::Redirect, "resumed-lfs")] {
        let dir2 = cache(name);
        let repo_blobs = dir2.join("models--org--tiny/blobs");
        std::fs::create_dir_all(&repo_blobs).unwrap();
        std::fs::copy(&partial, repo_blobs.join(format!("{sha}.incomplete"))).unwrap();
        let good = serve(body.clone(), reply);
        let path = Hub::new(&dir2)
            .endpoint(&good.url)
            .file("org/tiny", "model.safetensors")
            .unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), body);
        let ranges = good.ranges.lock().unwrap().clone();
        assert_eq!(
            ranges.last().unwrap().as_deref(),
            Some(format!("bytes={half}-").as_str())
        );
        assert_eq!(
            entries(&dir2).len(),
            3,
            "blob, snapshot, ref: {:?}",
            entries(&dir2)
        );
        assert_eq!(
            Hub::new(&dir2)
                .cached("org/tiny", "model.safetensors")
                .unwrap(),
            Some(path)
        );
    }
}

#[test]
fn a_server_without_ranges_or_a_corrupt_partial_restarts_cleanly() {
    let body = model_bytes();
    let sha = hex(&Sha256::digest(&body));
    // A server that ignores `Range` sends everything again: the partial is overwritten.
    let dir = cache("noranges");
    let blobs = dir.join("models--org--tiny/blobs");
    std::fs::create_dir_all(&blobs).unwrap();
    std::fs::write(blobs.join(format!("{sha}.incomplete")), &body[..10]).unwrap();
    let server = serve(body.clone(), Reply::NoRanges);
    let path = Hub::new(&dir)
        .endpoint(&server.url)
        .file("org/tiny", "model.safetensors")
        .unwrap();
    assert_eq!(std::fs::read(path).unwrap(), body);

    // A partial holding garbage fails the sha256 once, is removed, and the next call is whole.
    let dir = cache("garbage");
    let blobs = dir.join("models--org--tiny/blobs");
    std::fs::create_dir_all(&blobs).unwrap();
    let partial = blobs.join(format!("{sha}.incomplete"));
    std::fs::write(&partial, vec![0xAB; body.len() / 2]).unwrap();
    let server = serve(body.clone(), Reply::File);
    let hub = Hub::new(&dir).endpoint(&server.url);
    let e = hub.file("org/tiny", "model.safetensors").unwrap_err();
    assert!(e.to_string().contains("sha256"), "{e}");
    assert_eq!(entries(&dir), Vec::<String>::new());
    let path = hub.file("org/tiny", "model.safetensors").unwrap();
    assert_eq!(std::fs::read(path).unwrap(), body);

    // A partial at least as long as the file is not trusted either.
    let dir = cache("toolong");
    let blobs = dir.join("models--org--tiny/blobs");
    std::fs::create_dir_all(&blobs).unwrap();
    std::fs::write(
        blobs.join(format!("{sha}.incomplete")),
        vec![0; body.len() + 5],
    )
    .unwrap();
    let server = serve(body.clone(), Reply::File);
    let path = Hub::new(&dir)
        .endpoint(&server.url)
        .file("org/tiny", "model.safetensors")
        .unwrap();
    assert_eq!(std::fs::read(path).unwrap(), body);
    assert!(server.ranges.lock().unwrap().iter().all(Option::is_none));
}

#[test]
fn a_second_downloader_waits_for_the_lock_then_finds_the_blob() {
    let body = model_bytes();
    let sha = hex(&Sha256::digest(&body));
    let dir = cache("lock");
    // Hold the lock Python's huggingface_hub would hold while it downloads.
    let locks = dir.join(".locks/models--org--tiny");
    std::fs::create_dir_all(&locks).unwrap();
    let held = std::fs::File::create(locks.join(format!("{sha}.lock"))).unwrap();
    held.lock().unwrap();
    let server = serve(body.clone(), Reply::Redirect);
    let hub = Hub::new(&dir).endpoint(&server.url);
    let waiting = std::thread::spawn(move || hub.file("org/tiny", "model.safetensors"));
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        !waiting.is_finished(),
        "the download must wait for the lock"
    );
    // The other downloader finishes: the blob appears, then the lock is released.
    let blobs = dir.join("models--org--tiny/blobs");
    std::fs::create_dir_all(&blobs).unwrap();
    std::fs::write(blobs.join(&sha), &body).unwrap();
    held.unlock().unwrap();
    let path = waiting.join().unwrap().unwrap();
    assert_eq!(std::fs::read(path).unwrap(), body);
    // Only the Hub's metadata request was made: the blob was not fetched again.
    assert_eq!(server.requests.load(Ordering::SeqCst), 1);
}

#[test]
fn offline_with_an_empty_cache_names_the_file_the_place_and_the_variable() {
    let dir = cache("offline");
    let e = Hub::new(&dir)
        .offline(true)
        .file("org/tiny", "model.safetensors")
        .unwrap_err();
    let message = e.to_string();
    assert!(message.contains("org/tiny/model.safetensors"), "{message}");
    let place = dir.join("models--org--tiny/snapshots/<commit>/model.safetensors");
    assert!(message.contains(&place.display().to_string()), "{message}");
    assert!(
        message.contains("HF_HUB_OFFLINE") && message.contains("HF_HUB_CACHE"),
        "{message}"
    );
    // A missing file online is its own clear error.
    let server = serve(Vec::new(), Reply::File);
    let e = Hub::new(&dir)
        .endpoint(&server.url)
        .file("org/tiny", "nope.bin")
        .unwrap_err();
    assert!(e.to_string().contains("no such file"), "{e}");
}

#[test]
fn pretrained_vggs_name_timm_repositories() {
    let dir = cache("vgg");
    let hub = Hub::new(&dir).offline(true);
    let e = Vgg16::pretrained_from(&hub).unwrap_err();
    assert!(
        e.to_string()
            .contains("timm/vgg16.tv_in1k/model.safetensors"),
        "{e}"
    );
    let e = Vgg11::pretrained_from(&hub).unwrap_err();
    assert!(
        e.to_string()
            .contains("timm/vgg11.tv_in1k/model.safetensors"),
        "{e}"
    );
}

#[test]
fn cached_pretrained_reads_the_cache_only_and_never_hides_a_bad_file() {
    // The only test here that reads the environment (the others pass their cache explicitly).
    let dir = cache("env");
    std::env::set_var("HF_HUB_CACHE", &dir);
    std::env::set_var("HF_ENDPOINT", "http://127.0.0.1:9"); // a request would fail loudly
    assert!(Vgg11::cached_pretrained().unwrap().is_none());
    // A cached file that is not VGG11's weights is an error, not a silent fallback.
    let repo = dir.join("models--timm--vgg11.tv_in1k");
    let snapshot = repo.join("snapshots").join(COMMIT);
    std::fs::create_dir_all(&snapshot).unwrap();
    std::fs::create_dir_all(repo.join("refs")).unwrap();
    std::fs::write(repo.join("refs/main"), COMMIT).unwrap();
    std::fs::write(snapshot.join("model.safetensors"), model_bytes()).unwrap();
    let e = Vgg11::cached_pretrained().unwrap_err();
    assert!(e.to_string().contains("features.0.weight"), "{e}");
    let hub = Hub::new(&dir);
    assert_eq!(
        hub.cached("timm/vgg11.tv_in1k", "model.safetensors")
            .unwrap(),
        Some(snapshot.join("model.safetensors"))
    );
    assert!(hub.cached("timm/../x", "model.safetensors").is_err());
}

/// Runs `code` with `$GLASSBOX_PYTHON` (which has `huggingface_hub`, as in `make test`) and
/// returns its stdout, or `None` (saying why) when no Python was given.
fn python(code: &str, env: &[(&str, &str)]) -> Option<String> {
    let Some(python) = std::env::var_os("GLASSBOX_PYTHON") else {
        assert!(
            std::env::var_os("GLASSBOX_REQUIRE_CROSS_CHECKS").is_none(),
            "GLASSBOX_REQUIRE_CROSS_CHECKS is set but GLASSBOX_PYTHON is not: the \
             huggingface_hub cross-check cannot run"
        );
        eprintln!("skipped the huggingface_hub cross-check: set GLASSBOX_PYTHON to a python with `huggingface_hub`");
        return None;
    };
    let out = std::process::Command::new(python)
        .args(["-c", code])
        .envs(env.iter().copied())
        .env_remove("HF_HUB_OFFLINE")
        .output()
        .expect("GLASSBOX_PYTHON must be runnable");
    assert!(
        out.status.success(),
        "python failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap().trim().to_string())
}

#[test]
fn the_cache_is_shared_with_pythons_huggingface_hub_both_ways() {
    let body = model_bytes();
    // glassbox downloads; Python, offline, finds the same file.
    let server = serve(body.clone(), Reply::Redirect);
    let dir = cache("py-reads");
    let ours = Hub::new(&dir)
        .endpoint(&server.url)
        .file("org/tiny", "model.safetensors")
        .unwrap();
    let code = format!(
        "from huggingface_hub import hf_hub_download as get; \
         print(get('org/tiny', 'model.safetensors', cache_dir=r'{}', local_files_only=True))",
        dir.display()
    );
    let Some(theirs) = python(&code, &[]) else {
        return;
    };
    assert_eq!(Path::new(&theirs), ours);

    // Python downloads (as binder/postBuild does); glassbox, offline, finds it: no request.
    let server = serve(body.clone(), Reply::Redirect);
    let dir = cache("py-writes");
    let code = format!(
        "from huggingface_hub import hf_hub_download as get; \
         print(get('org/tiny', 'model.safetensors', cache_dir=r'{}'))",
        dir.display()
    );
    let theirs = python(
        &code,
        &[("HF_ENDPOINT", &server.url), ("HF_HUB_DISABLE_XET", "1")],
    )
    .unwrap();
    let offline = Hub::new(&dir).offline(true);
    let ours = offline.file("org/tiny", "model.safetensors").unwrap();
    assert_eq!(ours, Path::new(&theirs));
    assert_eq!(std::fs::read(&ours).unwrap(), body);
    assert_eq!(
        offline.cached("org/tiny", "model.safetensors").unwrap(),
        Some(ours)
    );
}
