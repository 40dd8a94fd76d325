//! The demo binary's command line as a process: Ctrl-C during `run`, and structured
//! (JSON) logs.

use std::io::BufReader;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support;
fn demo_binary() -> PathBuf {
    support::example_binary("custom_task_plugin")
}

/// The demo, waiting on a file that never comes, gets SIGINT: it cancels the running
/// sensor, prints the table of the nodes that ended, and exits with 130.
#[test]
fn sigint_cancels_the_run_prints_the_partial_table_and_exits_130() {
    let bin = demo_binary();
    let missing = std::env::temp_dir().join(format!("never-{}", std::process::id()));
    let report = std::env::temp_dir().join(format!("stopped-{}.html", std::process::id()));
    let mut child = Command::new(bin)
        .args(["run", "my_workflow", "--report"])
        .arg(&report)
        .arg("--input")
        .arg(format!("path={}", missing.display()))
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the sensor is polling, so the signal lands mid-run.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let seen = support::read_until(&mut stderr, "Sensing file");
    let started = Instant::now();
    // SAFETY: kill only sends a signal to the child we started.
    let sent = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    assert_eq!(sent, 0);
    let status = child.wait().unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert_eq!(status.code(), Some(130), "{seen}{rest}");
    assert!(rest.contains("status     attempts"), "{rest}");
    // The sensor that was running is in the table and the report, as cancelled.
    assert!(rest.contains("cancelled"), "{rest}");
    assert!(
        rest.contains("custom_task_plugin.my_workflow/n0  my-objectstore-sensor"),
        "{rest}"
    );
    assert!(
        rest.contains("1 node: 0 succeeded, 0 cached, 0 failed, 1 cancelled"),
        "{rest}"
    );
    let page = std::fs::read_to_string(&report).unwrap();
    let _ = std::fs::remove_file(&report);
    assert!(page.contains("<b class=\"badge\">stopped</b>"), "{page}");
    assert!(
        page.contains(
            "class=\"node st-cancelled\" data-path=\"custom_task_plugin.my_workflow/n0\""
        )
    );
    assert!(page.contains("stopped by Ctrl-C"));
    assert!(
        rest.contains("error: run stopped by Ctrl-C: 1 running node(s) cancelled"),
        "{rest}"
    );
    // It stopped well before the sensor's own 20-minute timeout.
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn json_logs_carry_workflow_node_task_and_attempt_as_fields() {
    let file = std::env::temp_dir().join(format!("json-logs-{}", std::process::id()));
    std::fs::write(&file, "x").unwrap();
    let out = Command::new(demo_binary())
        .args(["run", "my_workflow", "--progress", "never", "--input"])
        .arg(format!("path={}", file.display()))
        .env("FLYTE_SDK_LOGGING_FORMAT", "json")
        .env("RUST_LOG", "info")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    let events: Vec<serde_json::Value> = stderr
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let sensing = events
        .iter()
        .find(|e| {
            e["fields"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("Sensing file"))
        })
        .unwrap_or_else(|| panic!("{stderr}"));
    assert_eq!(sensing["level"], "INFO");
    // The full node path, so nested nodes (`wf/n1/sub/n0`) are told apart.
    assert_eq!(sensing["span"]["node"], "custom_task_plugin.my_workflow/n0");
    assert_eq!(sensing["span"]["task"], "my-objectstore-sensor");
    assert_eq!(sensing["span"]["attempt"], 1);
    assert_eq!(
        sensing["spans"][0]["workflow"],
        "custom_task_plugin.my_workflow"
    );
    // RUST_LOG filters: nothing at info once it asks for errors only.
    let quiet = Command::new(demo_binary())
        .args(["run", "my_workflow", "--progress", "never", "--input"])
        .arg(format!("path={}", file.display()))
        .env("FLYTE_SDK_LOGGING_FORMAT", "json")
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    let stderr = String::from_utf8(quiet.stderr).unwrap();
    assert!(!stderr.contains("Sensing file"), "{stderr}");
    std::fs::remove_file(&file).unwrap();
}

/// Two processes of the caching example run the same workflow at once on one cache
/// folder: `cache_serialize` lets one of them compute each item while the other
/// waits and reuses it.
#[test]
fn cache_serialize_holds_across_processes() {
    let bin = support::example_binary("caching");
    let dir = std::env::temp_dir().join(format!("flyte-two-procs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let marker = dir.join("executions.txt");
    let start = || {
        Command::new(&bin)
            .args([
                "run",
                "squares_then_sum",
                "--progress",
                "never",
                "--input",
                "xs=[7, 8]",
            ])
            .arg("--cache-dir")
            .arg(dir.join("cache"))
            .env("CACHING_EXAMPLE_MARKER", &marker)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (start(), start());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    for out in [&a, &b] {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout), "o0 = 113\n");
    }
    let mut ran: Vec<String> = std::fs::read_to_string(&marker)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    ran.sort();
    assert_eq!(
        ran,
        ["7", "8"],
        "each item computed once across both processes"
    );
    let tables = format!(
        "{}{}",
        String::from_utf8_lossy(&a.stderr),
        String::from_utf8_lossy(&b.stderr)
    );
    // The closing lines (`2 nodes, 3 runs with map items: 1 succeeded, 2 cached, 0
    // failed`): across both runs, the two items came from the cache once each.
    let cached: usize = tables
        .lines()
        .filter(|l| l.contains(" succeeded, ") && l.contains(" cached, "))
        .filter_map(|l| {
            let before = l.split(" cached").next()?;
            before.rsplit(' ').next()?.parse::<usize>().ok()
        })
        .sum();
    assert_eq!(cached, 2, "{tables}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `graceful_stop` running its 30 s crunch task: the process, what it logged until
/// the task started, and a reader of the rest of its stderr.
struct Crunch {
    child: std::process::Child,
    seen: String,
    tail: std::thread::JoinHandle<String>,
}

/// How a [`Crunch`] ended after a signal.
struct Ended {
    code: Option<i32>,
    /// Everything it wrote to stderr.
    stderr: String,
    stdout: String,
    took: Duration,
}

/// Starts `graceful_stop` with `args` and waits until its crunch task has started
/// (the signal handlers are in place by then).
fn start_crunch(args: &[&str], extra_env: &[(&str, &str)]) -> Crunch {
    let mut cmd = Command::new(support::example_binary("graceful_stop"));
    cmd.args(args)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let seen = support::read_until(&mut stderr, "crunching for");
    let tail = std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut rest);
        rest
    });
    Crunch { child, seen, tail }
}

impl Crunch {
    /// Sends `sig` and waits for the process to end.
    fn stop(mut self, sig: libc::c_int) -> Ended {
        let sent = Instant::now();
        // SAFETY: kill only sends a signal to the child we started.
        assert_eq!(
            unsafe { libc::kill(self.child.id() as libc::pid_t, sig) },
            0
        );
        let status = self.child.wait().unwrap();
        let took = sent.elapsed();
        let mut stdout = String::new();
        std::io::Read::read_to_string(&mut self.child.stdout.take().unwrap(), &mut stdout).unwrap();
        Ended {
            code: status.code(),
            stderr: self.seen + &self.tail.join().unwrap(),
            stdout,
            took,
        }
    }
}

/// A plain `fn` task blocking its thread for 30 s: Ctrl-C still stops the run at
/// once with 130 and the table (it used to run on and exit 0 with outputs).
#[test]
fn sigint_stops_a_run_blocked_in_a_plain_fn_task() {
    let run = start_crunch(&["run", "crunch_pipeline", "--input", "seconds=30"], &[]);
    let ended = run.stop(libc::SIGINT);
    let err = &ended.stderr;
    assert!(ended.took < Duration::from_secs(5), "took {:?}", ended.took);
    assert_eq!(ended.code, Some(130), "{err}");
    assert!(
        ended.stdout.is_empty(),
        "printed outputs after Ctrl-C: {}",
        ended.stdout
    );
    assert!(err.contains("1 succeeded"), "{err}");
    assert!(
        err.contains("error: run stopped by Ctrl-C: 1 running node(s) cancelled"),
        "{err}"
    );
}

/// SIGTERM during `run` stops it as Ctrl-C does, with 143.
#[test]
fn sigterm_stops_a_run_with_its_own_exit_code() {
    let run = start_crunch(&["run", "crunch_pipeline", "--input", "seconds=30"], &[]);
    let ended = run.stop(libc::SIGTERM);
    let err = &ended.stderr;
    assert!(ended.took < Duration::from_secs(5), "took {:?}", ended.took);
    assert_eq!(ended.code, Some(143), "{err}");
    assert!(err.contains("status     attempts"), "{err}");
    assert!(err.contains("error: run stopped by SIGTERM"), "{err}");
}

/// SIGTERM during `execute` (Kubernetes preempting the pod) writes a recoverable
/// SYSTEM error document within a second and exits, not waiting for the task.
#[test]
fn sigterm_during_execute_leaves_a_recoverable_error_document() {
    use flytekit::idl::core as pb;
    use flytekit::prelude::FlyteType;
    use prost::Message;
    let dir = std::env::temp_dir().join(format!("flyte-sigterm-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let inputs = flytekit::idl::literal_map([("seconds", &30i64.to_literal())]);
    std::fs::write(dir.join("inputs.pb"), inputs.encode_to_vec()).unwrap();
    let out = dir.join("out");
    let run = start_crunch(
        &[
            "execute",
            "--inputs",
            dir.join("inputs.pb").to_str().unwrap(),
            "--output-prefix",
            out.to_str().unwrap(),
            "--raw-output-data-prefix",
            dir.join("raw").to_str().unwrap(),
            "--",
            "task-name",
            "graceful_stop.crunch",
        ],
        &[("FLYTE_SDK_LOGGING_FORMAT", "text")],
    );
    let ended = run.stop(libc::SIGTERM);
    assert!(ended.took < Duration::from_secs(1), "took {:?}", ended.took);
    assert_eq!(ended.code, Some(0), "{}", ended.stderr);
    assert!(!out.join("outputs.pb").exists());
    let doc =
        pb::ErrorDocument::decode(std::fs::read(out.join("error.pb")).unwrap().as_slice()).unwrap();
    let error = doc.error.unwrap();
    assert_eq!(error.code, "SYSTEM:Terminated");
    assert_eq!(error.kind, pb::ContainerErrorKind::Recoverable as i32);
    assert_eq!(error.origin, pb::ErrorOrigin::System as i32);
    assert!(error.message.contains("SIGTERM"), "{}", error.message);
}

/// The production example runs its nightly launch plan locally (secret and approval
/// from the run's options) and prints the settings as they go to Flyte.
#[test]
fn the_production_example_runs_and_shows_its_cluster_settings() {
    let out = Command::new(support::example_binary("production_settings"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("published model with score 0.45"),
        "{stdout}"
    );
    assert!(
        stdout.contains(r#""cron_schedule":{"schedule":"0 5 * * *","offset":"PT30M"}"#),
        "{stdout}"
    );
    assert!(
        stdout.contains(r#""slack":{"recipients_email":["ml-alerts@acme.slack.com"]}"#),
        "{stdout}"
    );
    assert!(
        stdout.contains(r#""nodeSelector":{"acme.io/pool":"gpu"}"#),
        "{stdout}"
    );
    assert!(stdout.contains(r#""env_var":"WANDB_API_KEY""#), "{stdout}");
    assert!(!stdout.contains("local-key-never-printed"), "{stdout}");
}

/// `serialize --json` of the production example: every file beside its protobuf's
/// JSON form. Kept under `target/idl-out/package-json/` for
/// `tests/idl/check_flyteidl.py`, which requires each `.json` to be what
/// `MessageToJson` writes for the `.pb` beside it.
#[test]
fn serialize_json_writes_protobufs_json_form_of_every_file() {
    let keep =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/idl-out/package-json");
    let _ = std::fs::remove_dir_all(&keep);
    let out = Command::new(support::example_binary("production_settings"))
        .args(["serialize", "--image", "ghcr.io/acme/app:1"])
        .args(["--image", "gpu=ghcr.io/acme/gpu:2.0", "--json", "--out"])
        .arg(&keep)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut pb = 0;
    for entry in std::fs::read_dir(&keep).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "pb") {
            pb += 1;
            let json = std::fs::read_to_string(path.with_extension("json")).unwrap();
            assert!(!json.contains("null") && !json.contains("_id\""), "{json}");
        }
    }
    assert!(pb >= 5, "{pb} files");
}
