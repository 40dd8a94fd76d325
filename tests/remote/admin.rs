//! The stand-in flyteadmin the remote tests talk to (`tests/remote/admin_server.py`,
//! run with the flytekit venv's Python, `FLYTEKIT_PYTHON`), and the settings they
//! register with.
#![allow(dead_code)] // Each test binary uses part of it.
#![allow(unreachable_pub)] // A module of each test crate, not a library.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use flytekit::idl::SerializationSettings;
use flytekit::remote::RemoteConfig;

/// A stand-in flyteadmin on a free port of 127.0.0.1; stopped when dropped.
pub struct Admin {
    child: Child,
    pub port: u16,
    /// The OAuth2 server's base URL, with `--auth`.
    pub oauth: Option<String>,
    pub record: PathBuf,
    _dir: tempfile::TempDir,
}

impl Admin {
    pub fn start() -> Admin {
        Admin::start_with(&[])
    }

    /// With the server's extra arguments (`--auth ID:SECRET`, `--unavailable N`).
    pub fn start_with(extra: &[&str]) -> Admin {
        // Sign-in tokens go to the keyring crate's in-memory store, never to the
        // keyring of the machine running the tests.
        static MOCK_KEYRING: std::sync::Once = std::sync::Once::new();
        MOCK_KEYRING.call_once(|| {
            keyring::set_default_credential_builder(keyring::mock::default_credential_builder())
        });
        let python = std::env::var_os("FLYTEKIT_PYTHON").map(PathBuf::from).unwrap_or_else(|| {
            panic!("FLYTEKIT_PYTHON is not set: run the tests with `bash .ci/test`, which installs flytekit 1.16.31 (with grpcio and flyteidl)")
        });
        let dir = tempfile::tempdir().unwrap();
        let record = dir.path().join("requests.jsonl");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/remote/admin_server.py");
        let mut child = Command::new(python)
            .arg(script)
            .arg(&record)
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let mut words = line.split_whitespace();
        let port = match (words.next(), words.next()) {
            (Some("PORT"), Some(port)) => port.parse().ok(),
            _ => None,
        }
        .unwrap_or_else(|| panic!("the admin server said {line:?}"));
        let oauth = match (words.next(), words.next()) {
            (Some("OAUTH"), Some(url)) => Some(url.to_string()),
            _ => None,
        };
        Admin {
            child,
            port,
            oauth,
            record,
            _dir: dir,
        }
    }

    pub fn config(&self) -> RemoteConfig {
        RemoteConfig::new(format!("dns:///127.0.0.1:{}", self.port)).insecure(true)
    }

    /// The requests the server received, as flyteidl parsed them.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.record)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for Admin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn settings(version: &str) -> SerializationSettings {
    SerializationSettings {
        project: "flytesnacks".into(),
        domain: "development".into(),
        version: version.into(),
        image: "ghcr.io/acme/app:1".into(),
        images: Default::default(),
        entrypoint: "/usr/local/bin/app".into(),
        fast: None,
    }
}

/// Runs a Python script of `tests/remote` with flytekit's interpreter and `args`;
/// panics with its stderr when it fails, else returns its stdout.
fn run_script(script: &str, args: &[&std::ffi::OsStr]) -> String {
    let python = std::env::var_os("FLYTEKIT_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            panic!("FLYTEKIT_PYTHON is not set: run the tests with `bash .ci/test`")
        });
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/remote");
    let out = Command::new(python)
        .arg(dir.join(script))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// flytekit's FlyteRemote doing `tests/remote/flytekit_remote.py`'s calls (with
/// `mode`, e.g. `operate`) against `admin`.
pub fn flytekit_remote(admin: &Admin, mode: Option<&str>) {
    let port = admin.port.to_string();
    let mut args = vec![std::ffi::OsStr::new(&port)];
    args.extend(mode.map(std::ffi::OsStr::new));
    run_script("flytekit_remote.py", &args);
}

/// The differences between the first request of each of `methods` (registering and
/// launching when empty) that flytekit sent `theirs` and ours sent `ours`, as
/// `compare_requests.py` prints them: empty when they agree.
pub fn request_differences(theirs: &Admin, ours: &Admin, methods: &[&str]) -> String {
    let mut args = vec![theirs.record.as_os_str(), ours.record.as_os_str()];
    args.extend(methods.iter().map(std::ffi::OsStr::new));
    run_script("compare_requests.py", &args)
}
