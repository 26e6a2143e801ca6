//! Hub downloads against a real HTTP server on loopback that speaks the Hub's URL layout
//! (`/{repo}/resolve/main/{file}`, `X-Repo-Commit`, `X-Linked-Etag` = sha256, LFS redirects).
#![cfg(feature = "download")]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use glassbox::models::Hub;
use glassbox::{Checkpoint, ErrorKind, Vgg11, Vgg16};
use sha2::{Digest, Sha256};

const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

/// How the server answers the Hub URL of the file.
#[derive(Clone)]
enum Reply {
    /// 200 with the Hub headers and the body.
    File,
    /// 302 with the Hub headers to `/cdn/blob`, which serves the body (as LFS files do).
    Redirect,
    /// The Hub headers claim this sha256 instead of the body's.
    WrongHash(String),
    /// Sends this many body bytes of the announced length, then closes.
    Drop(usize),
}

struct Server {
    url: String,
    requests: Arc<AtomicUsize>,
}

fn serve(body: Vec<u8>, reply: Reply) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let count = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok() && line != "\r\n" && !line.is_empty() {
                line.clear();
            }
            count.fetch_add(1, Ordering::SeqCst);
            let path = request_line.split(' ').nth(1).unwrap_or("").to_string();
            let sha = hex(&Sha256::digest(&body));
            let hub = |etag: &str| {
                format!(
                    "X-Repo-Commit: {COMMIT}\r\nX-Linked-Etag: \"{etag}\"\r\nX-Linked-Size: {}\r\n",
                    body.len()
                )
            };
            let ok = |headers: String, body: &[u8]| {
                let mut out = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n{headers}Connection: close\r\n\r\n",
                    body.len()
                )
                .into_bytes();
                out.extend(body);
                out
            };
            let response = match (&reply, path.as_str()) {
                (_, "/org/tiny/resolve/main/model.safetensors") => match &reply {
                    Reply::File => ok(hub(&sha), &body),
                    Reply::Redirect => format!(
                        "HTTP/1.1 302 Found\r\n{}Location: /cdn/blob\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
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
            stream.write_all(&response).ok();
            stream.flush().ok();
        }
    });
    Server { url, requests }
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
    assert_eq!(files_under(&dir), Vec::<String>::new());
}

#[test]
fn a_dropped_connection_caches_nothing_and_the_next_try_succeeds() {
    let body = model_bytes();
    let server = serve(body.clone(), Reply::Drop(body.len() / 2));
    let dir = cache("drop");
    let e = Hub::new(&dir)
        .endpoint(&server.url)
        .file("org/tiny", "model.safetensors")
        .unwrap_err();
    assert!(e.to_string().contains("nothing was cached"), "{e}");
    assert_eq!(files_under(&dir), Vec::<String>::new());
    let good = serve(body.clone(), Reply::File);
    let path = Hub::new(&dir)
        .endpoint(&good.url)
        .file("org/tiny", "model.safetensors")
        .unwrap();
    assert_eq!(std::fs::read(path).unwrap(), body);
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
