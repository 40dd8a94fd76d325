//! Ctrl-C during `run`: the demo binary, waiting on a file that never comes, gets
//! SIGINT; it cancels the running sensor, prints the table of the nodes that ended,
//! and exits with 130.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn sigint_cancels_the_run_prints_the_partial_table_and_exits_130() {
    let exe = std::env::current_exe().unwrap();
    let bin = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples")
        .join("custom_task_plugin");
    assert!(
        bin.exists(),
        "`cargo test` builds {} with the examples",
        bin.display()
    );
    let missing = std::env::temp_dir().join(format!("never-{}", std::process::id()));
    let mut child = Command::new(bin)
        .args(["run", "my_workflow", "--input"])
        .arg(format!("path={}", missing.display()))
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the sensor is polling, so the signal lands mid-run.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let started = Instant::now();
    while !seen.contains("Sensing file") {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "exited early: {seen}"
        );
        seen.push_str(&line);
        assert!(started.elapsed() < Duration::from_secs(30), "{seen}");
    }
    // SAFETY: kill only sends a signal to the child we started.
    let sent = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    assert_eq!(sent, 0);
    let status = child.wait().unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert_eq!(status.code(), Some(130), "{seen}{rest}");
    assert!(rest.contains("status     attempts"), "{rest}");
    assert!(rest.contains("0 nodes: 0 succeeded"), "{rest}");
    assert!(
        rest.contains("error: run interrupted: 1 running node(s) cancelled"),
        "{rest}"
    );
    // It stopped well before the sensor's own 20-minute timeout.
    assert!(started.elapsed() < Duration::from_secs(30));
}
