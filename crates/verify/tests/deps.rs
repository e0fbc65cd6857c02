//! The verifier shares no numerical code with the integrators: its dependency tree holds none
//! of the integrator crates, and its sources name none of them.

use std::process::Command;

const FORBIDDEN: [&str; 5] = ["reluflow-arith", "reluflow-flow", "reluflow-model", "reluflow-check", "reluflow-search"];

#[test]
fn the_dependency_tree_holds_no_integrator_crate() {
    let out = Command::new(env!("CARGO"))
        .args(["tree", "-p", "reluflow-verify", "-e", "normal", "--prefix", "none", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(tree.contains("reluflow-certificate") && tree.contains("rug "), "{tree}");
    for name in FORBIDDEN {
        assert!(!tree.lines().any(|l| l.starts_with(&format!("{name} "))), "{name} in the verifier's tree:\n{tree}");
    }
}

#[test]
fn the_manifest_and_the_sources_name_no_integrator_crate() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let deps = manifest.split("[dependencies]").nth(1).unwrap().split("\n[").next().unwrap();
    let names: Vec<&str> = deps
        .lines()
        .filter_map(|l| l.split(['=', '.']).next().map(str::trim))
        .filter(|n| !n.is_empty() && !n.starts_with('#'))
        .collect();
    assert_eq!(names, ["reluflow-certificate", "rug"], "{deps}");
    let mut files = 0;
    let mut dirs = vec![dir.join("src")];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            files += 1;
            for name in FORBIDDEN {
                assert!(!text.contains(&name.replace('-', "_")), "{name} named in {}", path.display());
            }
        }
    }
    assert!(files > 20, "only {files} source files read");
}
