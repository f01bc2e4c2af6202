//! Test harness for docver.
//!
//! [`PouchServer`] runs a throwaway, in-memory CouchDB-compatible server
//! (`pouchdb-server`) so store tests can exercise a real HTTP API. The server is
//! installed with npm into the git-ignored `<workspace>/.tools/pouchdb-server`
//! folder on first use and killed when the handle is dropped.
//!
//! [`hostile_schemas`] holds the adversarial schemas that tests and the hostile-input bench
//! share.
//!
//! Failures are returned as `Err(String)` with everything needed to diagnose
//! them (npm output, the server's stderr); tests are expected to fail on them,
//! never to skip.

pub mod hostile_schemas;

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

/// The pinned pouchdb-server release.
pub const POUCHDB_SERVER_VERSION: &str = "4.2.0";

/// How long [`PouchServer::start`] waits for the server to answer `GET /`.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a process waits for another process's npm install to finish.
const INSTALL_WAIT: Duration = Duration::from_secs(15 * 60);
/// A lock file older than this is considered abandoned (e.g. a killed test run).
const STALE_LOCK: Duration = Duration::from_secs(20 * 60);
/// Attempts at finding a free port and starting the server on it.
const START_ATTEMPTS: usize = 3;

/// A running `pouchdb-server` (in memory, or with [`PouchServer::start_persistent`] on disk),
/// killed on drop.
#[derive(Debug)]
pub struct PouchServer {
    child: Child,
    port: u16,
    /// Where the databases live; `None`: in memory.
    data_dir: Option<PathBuf>,
    base_url: String,
    agent: ureq::Agent,
    /// Working directory of the server (it writes `log.txt`/`config.json` there).
    workdir: tempfile::TempDir,
}

impl PouchServer {
    /// Install `pouchdb-server` if needed, start it on a free local port and wait
    /// until it answers `GET /`.
    pub fn start() -> Result<PouchServer, String> {
        Self::start_with(None)
    }

    /// [`PouchServer::start`] with the databases kept in `data_dir` (LevelDB files), so that
    /// they survive [`PouchServer::restart`]: for services that must ride out a server restart.
    pub fn start_persistent(data_dir: &Path) -> Result<PouchServer, String> {
        Self::start_with(Some(data_dir.to_path_buf()))
    }

    /// Kills the server (as a crash would) and starts it again on the same port and data
    /// directory; waits until it answers.
    pub fn restart(&mut self) -> Result<(), String> {
        self.stop();
        let bin = ensure_installed()?;
        let started = Instant::now();
        // The old process's port may take a moment to be free again.
        loop {
            match Self::start_once(&bin, self.port, self.data_dir.clone()) {
                Ok(mut server) => {
                    std::mem::swap(self, &mut server);
                    return Ok(());
                }
                Err(err) if started.elapsed() > START_TIMEOUT => return Err(err),
                Err(_) => thread::sleep(Duration::from_millis(200)),
            }
        }
    }

    /// Kills the server (requests fail until [`PouchServer::restart`]).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn start_with(data_dir: Option<PathBuf>) -> Result<PouchServer, String> {
        let bin = ensure_installed()?;
        let mut last_err = String::new();
        for _ in 0..START_ATTEMPTS {
            match Self::start_once(&bin, free_port()?, data_dir.clone()) {
                Ok(server) => return Ok(server),
                // Another process may have grabbed the port between probing and
                // binding it; try again with a fresh one.
                Err(err) => last_err = err,
            }
        }
        Err(last_err)
    }

    fn start_once(bin: &Path, port: u16, data_dir: Option<PathBuf>) -> Result<PouchServer, String> {
        let workdir = tempfile::Builder::new()
            .prefix("pouchdb-server-")
            .tempdir()
            .map_err(|e| format!("cannot create a working directory for pouchdb-server: {e}"))?;
        let stdout = File::create(workdir.path().join("stdout.txt"))
            .map_err(|e| format!("cannot create pouchdb-server stdout file: {e}"))?;
        let stderr = File::create(workdir.path().join("stderr.txt"))
            .map_err(|e| format!("cannot create pouchdb-server stderr file: {e}"))?;
        let mut command = Command::new(bin);
        match &data_dir {
            None => command.arg("--in-memory"),
            Some(dir) => command.arg("--dir").arg(dir),
        };
        let child = command
            .args(["--host", "127.0.0.1", "--port"])
            .arg(port.to_string())
            .current_dir(workdir.path())
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        let mut server = PouchServer {
            child,
            port,
            data_dir,
            base_url: format!("http://127.0.0.1:{port}"),
            agent,
            workdir,
        };
        server.wait_ready()?;
        Ok(server)
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let started = Instant::now();
        let probe: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(2)))
            .build()
            .into();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "pouchdb-server exited with {status} before answering on {}\n{}",
                    self.base_url,
                    self.output()
                ));
            }
            if let Ok(mut resp) = probe.get(format!("{}/", self.base_url)).call() {
                let body = resp.body_mut().read_to_string().unwrap_or_default();
                if resp.status().as_u16() == 200 && body.contains("Welcome") {
                    return Ok(());
                }
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(format!(
                    "pouchdb-server did not answer GET {}/ within {START_TIMEOUT:?}\n{}",
                    self.base_url,
                    self.output()
                ));
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// The server's base URL, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Create database `name` (if it does not exist yet) and return its URL.
    pub fn database_url(&self, name: &str) -> Result<String, String> {
        let url = format!("{}/{name}", self.base_url);
        let mut resp = self
            .agent
            .put(&url)
            .send_empty()
            .map_err(|e| format!("PUT {url} failed: {e}"))?;
        let status = resp.status().as_u16();
        match status {
            201 | 202 | 412 => Ok(url),
            _ => {
                let body = resp.body_mut().read_to_string().unwrap_or_default();
                Err(format!("PUT {url} answered {status}: {body}"))
            }
        }
    }

    /// Store `json_text` verbatim as document `id` of database `db` (which must exist): for
    /// documents a Rust client cannot write, e.g. a lone surrogate (`"\ud83d"`).
    pub fn put_raw_document(&self, db: &str, id: &str, json_text: &str) -> Result<(), String> {
        let url = format!("{}/{db}/{id}", self.base_url);
        let mut resp = self
            .agent
            .put(&url)
            .header("Content-Type", "application/json")
            .send(json_text)
            .map_err(|e| format!("PUT {url} failed: {e}"))?;
        let status = resp.status().as_u16();
        match status {
            201 | 202 => Ok(()),
            _ => {
                let body = resp.body_mut().read_to_string().unwrap_or_default();
                Err(format!("PUT {url} answered {status}: {body}"))
            }
        }
    }

    /// Store `docs` in database `db` as replication does (`_bulk_docs` with `new_edits=false`):
    /// each keeps the `_rev` (and `_revisions` history) it names, so a revision branching off
    /// an older one becomes a conflicting revision, as an offline client's late edit does.
    pub fn replicate_in(&self, db: &str, docs: &[serde_json::Value]) -> Result<(), String> {
        let body = serde_json::json!({ "docs": docs, "new_edits": false });
        self.post(&format!("{db}/_bulk_docs"), &body.to_string())
    }

    /// Compacts database `db`: the bodies of revisions that are no longer leaves are dropped
    /// (as a CouchDB in production does from time to time). Returns once compaction is done.
    pub fn compact(&self, db: &str) -> Result<(), String> {
        self.post(&format!("{db}/_compact"), "{}")?;
        let url = format!("{}/{db}", self.base_url);
        let started = Instant::now();
        loop {
            let mut resp = self
                .agent
                .get(&url)
                .call()
                .map_err(|e| format!("GET {url} failed: {e}"))?;
            let info = resp.body_mut().read_to_string().unwrap_or_default();
            if !info.contains("\"compact_running\":true") {
                return Ok(());
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(format!("{db}: compaction still running: {info}"));
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// `POST <base>/<path>` with a JSON body; any 2xx is success.
    fn post(&self, path: &str, json_text: &str) -> Result<(), String> {
        let url = format!("{}/{path}", self.base_url);
        let mut resp = self
            .agent
            .post(&url)
            .header("Content-Type", "application/json")
            .send(json_text)
            .map_err(|e| format!("POST {url} failed: {e}"))?;
        let status = resp.status().as_u16();
        let body = resp.body_mut().read_to_string().unwrap_or_default();
        match status {
            200..=299 => Ok(()),
            _ => Err(format!("POST {url} answered {status}: {body}")),
        }
    }

    /// The server's captured stdout/stderr so far (for failure messages).
    pub fn output(&self) -> String {
        let read = |name: &str| {
            let mut text = String::new();
            if let Ok(mut file) = File::open(self.workdir.path().join(name)) {
                let _ = file.read_to_string(&mut text);
            }
            text
        };
        format!(
            "--- pouchdb-server stderr ---\n{}\n--- pouchdb-server stdout ---\n{}",
            read("stderr.txt"),
            tail(&read("stdout.txt"), 4000)
        )
    }
}

impl Drop for PouchServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tail(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut start = text.len() - max;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|e| format!("cannot bind 127.0.0.1:0 to find a free port: {e}"))?;
    listener
        .local_addr()
        .map(|addr| addr.port())
        .map_err(|e| format!("cannot read the probed port: {e}"))
}

/// `<workspace root>/.tools/pouchdb-server`.
pub fn install_dir() -> PathBuf {
    tools_dir().join("pouchdb-server")
}

/// `<workspace root>/.tools`: the git-ignored folder npm installs test tools into.
fn tools_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("..")
        .join(".tools")
}

fn binary_path(dir: &Path) -> PathBuf {
    dir.join("node_modules").join(".bin").join("pouchdb-server")
}

/// Install pouchdb-server unless a completed install is present; returns the
/// path of its binary. Safe to call from parallel tests and processes (see
/// [`ensure_npm_tool`]).
pub fn ensure_installed() -> Result<PathBuf, String> {
    let dir = install_dir();
    let bin = binary_path(&dir);
    let marker = dir.join(format!(".installed-{POUCHDB_SERVER_VERSION}"));
    let package = format!("pouchdb-server@{POUCHDB_SERVER_VERSION}");
    npm_install(&dir, &[package.as_str()], &marker, &bin)?;
    Ok(bin)
}

/// Installs the pinned npm `packages` (`name@version`) into `<workspace>/.tools/<folder>`
/// unless a completed install of exactly those packages is there; returns the folder's
/// `node_modules`, for `require` paths and `.bin` tools. Safe to call from parallel tests and
/// processes: the install runs under an exclusively created lock file and is only considered
/// complete once a marker file naming the packages is written after npm succeeded.
pub fn ensure_npm_tool(folder: &str, packages: &[&str]) -> Result<PathBuf, String> {
    let dir = tools_dir().join(folder);
    let modules = dir.join("node_modules");
    let tag: String = packages
        .join("+")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-+@".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let marker = dir.join(format!(".installed-{tag}"));
    npm_install(&dir, packages, &marker, &modules)?;
    Ok(modules)
}

/// `npm install --prefix dir packages…` under the folder's lock, unless `marker` says it is
/// done; `expect` must exist afterwards.
fn npm_install(dir: &Path, packages: &[&str], marker: &Path, expect: &Path) -> Result<(), String> {
    if marker.exists() && expect.exists() {
        return Ok(());
    }
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let _lock = InstallLock::acquire(dir)?;
    if marker.exists() && expect.exists() {
        return Ok(());
    }
    let started = Instant::now();
    let output = Command::new("npm")
        .arg("install")
        .arg("--prefix")
        .arg(dir)
        .args(packages)
        .args(["--no-audit", "--no-fund"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run npm (is Node.js installed?): {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`npm install --prefix {} {}` failed with {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            dir.display(),
            packages.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        ));
    }
    if !expect.exists() {
        return Err(format!(
            "npm install succeeded but {} is missing",
            expect.display()
        ));
    }
    fs::write(
        marker,
        format!("installed in {:.1?}\n", started.elapsed()).as_bytes(),
    )
    .map_err(|e| format!("cannot write {}: {e}", marker.display()))?;
    Ok(())
}

/// An exclusively created lock file, removed on drop.
#[derive(Debug)]
struct InstallLock {
    path: PathBuf,
}

impl InstallLock {
    fn acquire(dir: &Path) -> Result<InstallLock, String> {
        let path = dir.join(".install.lock");
        let started = Instant::now();
        loop {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(_) => return Ok(InstallLock { path }),
                Err(err) if err.kind() == ErrorKind::AlreadyExists => {
                    if is_stale(&path) {
                        let _ = fs::remove_file(&path);
                        continue;
                    }
                    if started.elapsed() > INSTALL_WAIT {
                        return Err(format!(
                            "timed out after {INSTALL_WAIT:?} waiting for another pouchdb-server install \
                             (lock file {}); delete it if no install is running",
                            path.display()
                        ));
                    }
                    thread::sleep(Duration::from_millis(250));
                }
                Err(err) => {
                    return Err(format!("cannot create lock file {}: {err}", path.display()));
                }
            }
        }
    }
}

fn is_stale(path: &Path) -> bool {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|modified| SystemTime::now().duration_since(modified).ok())
        .is_some_and(|age| age > STALE_LOCK)
}

impl Drop for InstallLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}
