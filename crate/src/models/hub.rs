//! Files from the Hugging Face Hub, cached the way Python's `huggingface_hub` caches them.
//!
//! The cache is shared with Python: a file either side downloaded is reused by the other.
//! Layout, under the cache folder (`HF_HUB_CACHE`, else `HF_HOME/hub`, else
//! `~/.cache/huggingface/hub`):
//!
//! ```text
//! models--{org}--{name}/blobs/{etag}                   the bytes (etag = sha256 for LFS files)
//! models--{org}--{name}/snapshots/{commit}/{file}      → ../../blobs/{etag}
//! models--{org}--{name}/refs/main                      the commit `main` pointed to
//! ```
//!
//! A cached file is returned without any request. A download streams into
//! `blobs/{etag}.incomplete`, is checked (length, and sha256 for LFS files), and only then renamed
//! into place, so a dropped connection or a bad hash never leaves a cache entry. After a dropped
//! connection the bytes so far are kept and the next call asks only for the rest (an HTTP range;
//! the sha256 of the whole file still decides); a bad hash removes them. While a blob downloads,
//! `.locks/models--{org}--{name}/{etag}.lock` is held (an OS file lock, the one Python takes
//! too), so two kernels fetching the same weights download them once.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::download_progress::Progress;
use crate::{Error, ErrorKind, Result};

/// The revision files are taken from.
const REVISION: &str = "main";

/// A Hugging Face Hub client: where the cache is, which server, and whether to go online.
///
/// # Example
/// ```
/// use glassbox::models::Hub;
/// let cache = std::env::temp_dir().join("glassbox-doc-hub");
/// let hub = Hub::new(&cache).offline(true);
/// let e = hub.file("timm/vgg16.tv_in1k", "model.safetensors").unwrap_err();
/// assert!(e.to_string().contains("HF_HUB_OFFLINE"));
/// # Ok::<(), glassbox::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Hub {
    cache: PathBuf,
    endpoint: String,
    offline: bool,
}

/// Downloads (or finds in the cache) `filename` of the model repository `repo_id`, configured
/// from the environment like Python's `huggingface_hub`; returns its local path.
///
/// Honours `HF_HUB_CACHE` / `HF_HOME` (cache folder), `HF_HUB_OFFLINE` (no network) and
/// `HF_ENDPOINT` (another server or a mirror). See [`Hub::file`].
///
/// # Errors
/// As [`Hub::file`].
pub fn hub_file(repo_id: &str, filename: &str) -> Result<PathBuf> {
    Hub::from_env().file(repo_id, filename)
}

impl Hub {
    /// A client using the cache folder `cache`, online, on `https://huggingface.co`.
    pub fn new(cache: impl Into<PathBuf>) -> Self {
        Self {
            cache: cache.into(),
            endpoint: "https://huggingface.co".into(),
            offline: false,
        }
    }

    /// A client configured from the environment, as Python's `huggingface_hub` reads it.
    pub fn from_env() -> Self {
        Self::from_vars(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        let home = || {
            var("HOME")
                .map(PathBuf::from)
                .unwrap_or_else(std::env::temp_dir)
        };
        let cache = var("HF_HUB_CACHE")
            .or_else(|| var("HUGGINGFACE_HUB_CACHE"))
            .map(PathBuf::from)
            .or_else(|| var("HF_HOME").map(|h| PathBuf::from(h).join("hub")))
            .unwrap_or_else(|| {
                let xdg = var("XDG_CACHE_HOME").map(PathBuf::from);
                xdg.unwrap_or_else(|| home().join(".cache"))
                    .join("huggingface/hub")
            });
        let offline = var("HF_HUB_OFFLINE").is_some_and(|v| {
            matches!(v.to_ascii_lowercase().as_str(), "1" | "on" | "yes" | "true")
        });
        let hub = Self::new(cache).offline(offline);
        match var("HF_ENDPOINT") {
            Some(endpoint) => hub.endpoint(endpoint),
            None => hub,
        }
    }

    /// Uses another server (a mirror, or a test server) with the Hub's URL layout
    /// `{endpoint}/{repo_id}/resolve/{revision}/{filename}`.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = url.into().trim_end_matches('/').to_string();
        self
    }

    /// With `true`, never goes online: only cached files are returned.
    pub fn offline(mut self, offline: bool) -> Self {
        self.offline = offline;
        self
    }

    /// The cache folder.
    pub fn cache_dir(&self) -> &Path {
        &self.cache
    }

    /// The local path of `filename` in model repository `repo_id` (revision `main`), downloading
    /// it into the cache if it is not there yet. A cached file costs no request.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`] for a repo id or file name that is not a plain relative
    /// name; [`ErrorKind::Download`] when offline with no cached copy (the message says where to
    /// put the file), when the server refuses or the connection drops (nothing is cached), or
    /// when the bytes do not match the server's sha256; [`ErrorKind::Io`] if the cache cannot
    /// be written.
    pub fn file(&self, repo_id: &str, filename: &str) -> Result<PathBuf> {
        let repo = self.repo_folder(repo_id, filename)?;
        if let Some(path) = cached(&repo, filename) {
            return Ok(path);
        }
        let what = format!("{repo_id}/{filename}");
        if self.offline {
            return Err(download_error(
                &what,
                format!(
                    "HF_HUB_OFFLINE is set and the cache has no copy; put the file at `{}` (and \
                     the commit in `{}`), or download it once online, or point HF_HUB_CACHE \
                     (or HF_HOME) at a cache that has it",
                    repo.join("snapshots/<commit>").join(filename).display(),
                    repo.join("refs").join(REVISION).display()
                ),
            ));
        }
        let url = format!("{}/{repo_id}/resolve/{REVISION}/{filename}", self.endpoint);
        download(&url, &what, &repo, filename)
    }
}

impl Hub {
    /// The cached copy of `filename` in `repo_id`, if there is one; never makes a request
    /// (what a notebook uses to take real weights when present and a labelled fallback
    /// otherwise, without waiting on a network that may be closed).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`] for a repo id or file name that is not a plain relative
    /// name.
    pub fn cached(&self, repo_id: &str, filename: &str) -> Result<Option<PathBuf>> {
        Ok(cached(&self.repo_folder(repo_id, filename)?, filename))
    }

    /// `{cache}/models--{org}--{name}`, after checking both names stay inside it.
    fn repo_folder(&self, repo_id: &str, filename: &str) -> Result<PathBuf> {
        check_name("repo_id", repo_id, 2)?;
        check_name("filename", filename, usize::MAX)?;
        Ok(self
            .cache
            .join(format!("models--{}", repo_id.replace('/', "--"))))
    }
}

/// Refuses names that could leave the cache folder (`..`, absolute paths, backslashes).
fn check_name(name: &'static str, value: &str, max_parts: usize) -> Result<()> {
    let parts: Vec<&str> = value.split('/').collect();
    let bad = |p: &&str| p.is_empty() || *p == "." || *p == ".." || p.contains('\\');
    if parts.iter().any(bad) || parts.len() > max_parts {
        return Err(Error::invalid(
            name,
            format!("`{value}` is not a plain relative name like `timm/vgg16.tv_in1k`"),
        ));
    }
    Ok(())
}

fn download_error(what: &str, reason: impl Into<String>) -> Error {
    Error::new(ErrorKind::Download {
        what: what.into(),
        reason: reason.into(),
    })
}

/// The cached snapshot of `filename` at the commit `refs/main` names, if complete.
fn cached(repo: &Path, filename: &str) -> Option<PathBuf> {
    let commit = std::fs::read_to_string(repo.join("refs").join(REVISION)).ok()?;
    let path = repo.join("snapshots").join(commit.trim()).join(filename);
    path.is_file().then_some(path)
}

/// What the Hub says about a file in its response headers.
struct Meta {
    commit: String,
    /// sha256 for LFS files (`X-Linked-Etag`), a git hash otherwise.
    etag: String,
    size: Option<u64>,
}

fn meta(response: &ureq::Response) -> Option<Meta> {
    let header = |name: &str| response.header(name).map(str::to_string);
    let etag = header("x-linked-etag").or_else(|| header("etag"))?;
    let etag = etag.trim_start_matches("W/").trim_matches('"').to_string();
    Some(Meta {
        commit: header("x-repo-commit")?,
        etag,
        size: header("x-linked-size")
            .or_else(|| header("content-length"))
            .and_then(|s| s.parse().ok()),
    })
}

fn download(url: &str, what: &str, repo: &Path, filename: &str) -> Result<PathBuf> {
    let failed = |reason: String| download_error(what, format!("{reason} (from {url})"));
    // LFS files redirect to a CDN: the Hub's own headers are on the redirect, so follow it by hand.
    let agent = ureq::AgentBuilder::new()
        .redirects(0)
        .timeout_connect(std::time::Duration::from_secs(30))
        .timeout_read(std::time::Duration::from_secs(60))
        .build();
    let request = |u: &str| match agent.get(u).call() {
        Ok(r) => Ok(r),
        Err(ureq::Error::Status(404, _)) => Err(failed(
            "the Hub has no such file (check the repo id and file name)".into(),
        )),
        Err(e) => Err(failed(e.to_string())),
    };
    let first = request(url)?;
    let meta = meta(&first)
        .filter(|m| {
            check_name("etag", &m.etag, 1).is_ok() && check_name("commit", &m.commit, 1).is_ok()
        })
        .ok_or_else(|| failed("the server sent no usable X-Repo-Commit / ETag headers".into()))?;
    // LFS files live behind a redirect (to a CDN); small files come in this first response.
    let content_url = match first.header("location") {
        Some(location) if (300..400).contains(&first.status()) => {
            Some(if location.starts_with('/') {
                let origin = url.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
                format!("{origin}{location}")
            } else {
                location.to_string()
            })
        }
        _ => None,
    };
    let blobs = repo.join("blobs");
    std::fs::create_dir_all(&blobs).map_err(|e| Error::io(&blobs, e))?;
    let blob = blobs.join(&meta.etag);
    // One download of a blob at a time, across processes (two kernels, or Python's
    // huggingface_hub, which locks the same file): a second caller waits, then finds the blob.
    let _lock = lock(repo, &meta.etag, what)?;
    if !blob.is_file() {
        let partial = blobs.join(format!("{}.incomplete", meta.etag));
        // Only a prefix the final sha256 will vouch for is resumed.
        let resumable = is_sha256(&meta.etag);
        let kept = match std::fs::metadata(&partial) {
            Ok(m) if resumable && meta.size.is_none_or(|s| m.len() < s) => m.len(),
            _ => 0,
        };
        let (body, offset) = if kept > 0 {
            // Ask for the rest; the first response (if it was the body) is dropped unread.
            let from = content_url.as_deref().unwrap_or(url);
            let response = agent
                .get(from)
                .set("Range", &format!("bytes={kept}-"))
                .call()
                .map_err(|e| failed(e.to_string()))?;
            // A server that ignores the range sends the whole file: start again.
            let offset = if response.status() == 206 && range_start(&response) == Some(kept) {
                kept
            } else {
                0
            };
            (response, offset)
        } else if let Some(location) = &content_url {
            (request(location)?, 0)
        } else {
            (first, 0)
        };
        if let Err(Failure { error, keep }) =
            fetch_into(body.into_reader(), &partial, offset, &meta, what)
        {
            if !(resumable && keep) {
                std::fs::remove_file(&partial).ok();
            }
            return Err(error);
        }
        std::fs::rename(&partial, &blob).map_err(|e| Error::io(&blob, e))?;
    }
    let snapshot = repo.join("snapshots").join(&meta.commit).join(filename);
    link(&blob, &snapshot)?;
    let refs = repo.join("refs");
    std::fs::create_dir_all(&refs).map_err(|e| Error::io(&refs, e))?;
    write_atomically(&refs.join(REVISION), meta.commit.as_bytes())?;
    Ok(snapshot)
}

/// Why a transfer stopped, and whether what arrived may be resumed from.
struct Failure {
    error: Error,
    /// The bytes so far are good as far as anyone can tell (the connection dropped).
    keep: bool,
}

/// Streams `body` into `partial` from byte `offset` (the bytes before it are already there),
/// checking the total length and (for LFS etags) the sha256 of the whole file.
fn fetch_into(
    mut body: impl Read,
    partial: &Path,
    offset: u64,
    meta: &Meta,
    what: &str,
) -> std::result::Result<(), Failure> {
    let io = |e| Failure {
        error: Error::io(partial, e),
        keep: false,
    };
    let mut hasher = Sha256::new();
    let mut file = if offset > 0 {
        // The kept prefix is hashed again rather than trusted.
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .append(true)
            .open(partial)
            .map_err(io)?;
        let copied = std::io::copy(&mut (&mut file).take(offset), &mut HashWriter(&mut hasher))
            .map_err(io)?;
        if copied != offset {
            return Err(Failure {
                error: download_error(
                    what,
                    "the partial download changed while resuming; run again",
                ),
                keep: false,
            });
        }
        file
    } else {
        std::fs::File::create(partial).map_err(io)?
    };
    let progress = Progress::new(what, meta.size, offset);
    let mut buffer = vec![0u8; 1 << 16];
    let mut done = offset;
    loop {
        let n = match body.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                return Err(dropped(what, partial, done, meta.size, &e.to_string()));
            }
        };
        hasher.update(&buffer[..n]);
        file.write_all(&buffer[..n]).map_err(io)?;
        done += n as u64;
        progress.show(done);
    }
    progress.finish();
    if let Some(size) = meta.size.filter(|&s| s != done) {
        return Err(if done < size {
            dropped(what, partial, done, Some(size), "the server closed early")
        } else {
            Failure {
                error: download_error(
                    what,
                    format!("the server sent {done} bytes, {size} were announced; nothing was cached, run again"),
                ),
                keep: false,
            }
        });
    }
    let digest: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if is_sha256(&meta.etag) && !digest.eq_ignore_ascii_case(&meta.etag) {
        return Err(Failure {
            error: download_error(
                what,
                format!(
                    "the download's sha256 is {digest} but the Hub says {}; nothing was cached, \
                     run again",
                    meta.etag
                ),
            ),
            keep: false,
        });
    }
    file.sync_all().map_err(io)
}

/// A connection that ended before the last byte: the bytes so far stay in `partial` (for a file
/// whose sha256 is known) and the next call asks only for the rest.
fn dropped(what: &str, partial: &Path, done: u64, size: Option<u64>, why: &str) -> Failure {
    let of = size.map(|s| format!(" of {s}")).unwrap_or_default();
    Failure {
        error: download_error(
            what,
            format!(
                "the connection dropped after {done}{of} bytes ({why}); nothing was cached — run \
                 again to resume from `{}`",
                partial.display()
            ),
        ),
        keep: true,
    }
}

/// Feeds bytes copied from the kept prefix into the hash.
struct HashWriter<'a>(&'a mut Sha256);

impl Write for HashWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The first byte of a 206 response (`Content-Range: bytes {start}-{end}/{total}`).
fn range_start(response: &ureq::Response) -> Option<u64> {
    let range = response.header("content-range")?;
    range
        .trim()
        .strip_prefix("bytes ")?
        .split('-')
        .next()?
        .parse()
        .ok()
}

fn is_sha256(etag: &str) -> bool {
    etag.len() == 64 && etag.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Holds `{cache}/.locks/models--{org}--{name}/{etag}.lock` (an OS file lock, released when
/// dropped or when the process dies), the lock file Python's `huggingface_hub` takes too.
fn lock(repo: &Path, etag: &str, what: &str) -> Result<std::fs::File> {
    let (Some(cache), Some(name)) = (repo.parent(), repo.file_name()) else {
        return Err(download_error(what, "the cache folder has no parent"));
    };
    let folder = cache.join(".locks").join(name);
    std::fs::create_dir_all(&folder).map_err(|e| Error::io(&folder, e))?;
    let path = folder.join(format!("{etag}.lock"));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    if file.try_lock().is_err() {
        eprintln!(
            "waiting for another download of {what} (lock `{}`)",
            path.display()
        );
        file.lock().map_err(|e| Error::io(&path, e))?;
    }
    Ok(file)
}

/// Points `snapshot` at `blob` (a relative symlink, as Python's cache does; a copy where
/// symlinks are unavailable).
fn link(blob: &Path, snapshot: &Path) -> Result<()> {
    let folder = snapshot.parent().unwrap_or(snapshot);
    std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
    std::fs::remove_file(snapshot).ok();
    #[cfg(unix)]
    {
        // snapshots/{commit}/{a/b/file} → ../../(../..)blobs/{etag}
        let depth = snapshot
            .strip_prefix(blob.parent().and_then(Path::parent).unwrap_or(blob))
            .map(|p| p.components().count() - 1)
            .unwrap_or(2);
        let mut target = PathBuf::new();
        for _ in 0..depth {
            target.push("..");
        }
        target.push("blobs");
        target.push(blob.file_name().unwrap_or_default());
        if std::os::unix::fs::symlink(&target, snapshot).is_ok() {
            return Ok(());
        }
    }
    std::fs::copy(blob, snapshot)
        .map(drop)
        .map_err(|e| Error::io(snapshot, e))
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let temp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&temp, bytes).map_err(|e| Error::io(&temp, e))?;
    std::fs::rename(&temp, path).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_is_read_like_huggingface_hub() {
        let vars = |pairs: &'static [(&str, &str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let hub = Hub::from_vars(vars(&[("HOME", "/home/u")]));
        assert_eq!(hub.cache_dir(), Path::new("/home/u/.cache/huggingface/hub"));
        assert!(!hub.offline);
        assert_eq!(hub.endpoint, "https://huggingface.co");
        let hub = Hub::from_vars(vars(&[
            ("HF_HOME", "/data/hf"),
            ("HF_HUB_OFFLINE", "1"),
            ("HF_ENDPOINT", "http://mirror/"),
        ]));
        assert_eq!(hub.cache_dir(), Path::new("/data/hf/hub"));
        assert!(hub.offline);
        assert_eq!(hub.endpoint, "http://mirror");
        let hub = Hub::from_vars(vars(&[("HF_HOME", "/a"), ("HF_HUB_CACHE", "/b")]));
        assert_eq!(hub.cache_dir(), Path::new("/b"));
    }

    #[test]
    fn names_that_leave_the_cache_are_refused() {
        let hub = Hub::new("/nonexistent").offline(true);
        for (repo, file) in [
            ("../x", "f"),
            ("a/b/c", "f"),
            ("a/b", "../f"),
            ("a", "/etc/passwd"),
        ] {
            let e = hub.file(repo, file).unwrap_err();
            assert!(matches!(e.kind(), ErrorKind::InvalidArgument { .. }), "{e}");
        }
    }
}
