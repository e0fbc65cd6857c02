//! Ctrl-C during a long run: the process reports the certified part and exits 130.

use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// `reluflow certify examples/two-layer-tiny-init.toml --json` (minutes to the horizon), SIGINT
/// after 2 s: exit 130, a JSON report `undecided` / "interrupted by the user" with a positive
/// `certified_until`, and the human report on stderr.
#[test]
fn sigint_reports_the_certified_part_and_exits_130() {
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/two-layer-tiny-init.toml");
    let child = Command::new(env!("CARGO_BIN_EXE_reluflow"))
        .args(["certify", spec, "--json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the reluflow binary starts");
    let pid = child.id().to_string();
    std::thread::sleep(Duration::from_secs(2));
    let sent = Command::new("kill").args(["-INT", &pid]).status().expect("kill runs");
    assert!(sent.success(), "kill -INT {pid} failed");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(Duration::from_secs(8)) {
        Ok(out) => out.expect("output of reluflow"),
        Err(_) => {
            let _ = Command::new("kill").args(["-KILL", &pid]).status();
            panic!("reluflow did not stop within 8 s of SIGINT");
        }
    };
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(130), "stdout:\n{stdout}\nstderr:\n{stderr}");
    let v: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{stdout}\n{stderr}"));
    assert_eq!(v["status"], "undecided", "{v}");
    assert_eq!((v["reason"]["kind"].as_str(), v["exit_code"].as_u64()), (Some("interrupted"), Some(130)), "{v}");
    let until: f64 = v["certified_until"].as_str().and_then(|s| s.parse().ok()).expect("certified_until");
    assert!(until > 0.0 && until < 2000.0, "certified_until = {until}");
    assert!(stderr.contains("status: UNDECIDED") && stderr.contains("interrupted by the user"), "{stderr}");
    // stderr is a pipe here, not a terminal: no progress display.
    assert!(!stderr.contains("certifying: t ="), "{stderr}");
}

/// `reluflow search` on a long case sequence, SIGINT after 2 s: exit 130, the summary of the
/// finished cases is written, and every logged case is complete.
#[test]
fn sigint_stops_a_search_and_writes_its_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let child = Command::new(env!("CARGO_BIN_EXE_reluflow"))
        .args(["search", "--theorem", "gen.loss-nonincreasing", "--cases", "1000000", "--jobs", "2", "--json"])
        .arg("--out")
        .arg(&out)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the reluflow binary starts");
    let pid = child.id().to_string();
    std::thread::sleep(Duration::from_secs(2));
    assert!(Command::new("kill").args(["-INT", &pid]).status().expect("kill runs").success());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let Ok(out_) = rx.recv_timeout(Duration::from_secs(8)) else {
        let _ = Command::new("kill").args(["-KILL", &pid]).status();
        panic!("reluflow search did not stop within 8 s of SIGINT");
    };
    let output = out_.expect("output of reluflow");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&output.stdout).expect("the summary on stdout");
    assert_eq!((v["stop"].as_str(), v["outcome"].as_str()), (Some("cancelled"), Some("interrupted")), "{v}");
    let log = std::fs::read_to_string(out.join("cases.jsonl")).unwrap();
    assert_eq!(v["cases"]["finished"].as_u64(), Some(log.lines().count() as u64));
    assert!(log.ends_with('\n') && out.join("summary.md").exists());
}
