//! The supervising parent: a worker that dies of a signal (an allocation failure aborts; the
//! out-of-memory killer sends SIGKILL) ends with a message naming the cause and the time the
//! proof reached, and exit 3 — never an abort of `reluflow` itself. A worker whose parent is
//! killed stops.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `reluflow certify examples/two-layer-tiny-init.toml --json` (minutes to the horizon), started
/// and given `secs` seconds of progress.
fn long_run(secs: u64) -> Child {
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/two-layer-tiny-init.toml");
    let child = Command::new(env!("CARGO_BIN_EXE_reluflow"))
        .args(["certify", spec, "--json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the reluflow binary starts");
    std::thread::sleep(Duration::from_secs(secs));
    child
}

/// The worker process of the supervising parent `pid`.
fn worker_of(pid: u32) -> String {
    let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).expect("/proc is readable");
    children.split_whitespace().next().expect("the parent has a worker").to_string()
}

fn alive(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| !s.contains(") Z "))
}

#[test]
fn a_worker_that_aborts_or_is_killed_ends_undecided_with_the_cause_and_the_time_reached() {
    for (signal, name) in [("-ABRT", "SIGABRT"), ("-KILL", "SIGKILL")] {
        let child = long_run(3);
        let worker = worker_of(child.id());
        assert!(Command::new("kill").args([signal, &worker]).status().expect("kill runs").success());
        let out = child.wait_with_output().expect("output of reluflow");
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(3), "{name}: stdout:\n{stdout}\nstderr:\n{stderr}");
        // Under load the worker may not have polled yet: then nothing was certified, and it says so.
        let reached = stderr.contains("the proof had reached t ≈") || stderr.contains("before its first polled step");
        assert!(stderr.contains(name) && reached, "{stderr}");
        assert!(stderr.contains("run.precision") && stderr.contains("--memory-limit"), "{stderr}");
        // --json: the failure as a JSON object in the common envelope, with the exit code.
        let v: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
        assert_eq!((v["status"].as_str(), v["exit_code"].as_u64()), (Some("undecided"), Some(3)), "{v}");
    }
}

#[test]
fn a_worker_stops_when_its_parent_is_killed() {
    let mut child = long_run(2);
    let worker = worker_of(child.id());
    assert!(Command::new("kill").args(["-KILL", &child.id().to_string()]).status().expect("kill runs").success());
    let _ = child.wait();
    let start = Instant::now();
    while alive(&worker) && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let gone = !alive(&worker);
    if !gone {
        let _ = Command::new("kill").args(["-KILL", &worker]).status();
    }
    assert!(gone, "the worker {worker} outlived its parent by 10 s");
}
