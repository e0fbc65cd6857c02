//! Hostile inputs kept as fixed cases (chosen by hand at the edges the generators reach only by
//! chance; the long fuzz run found no input that breaks anything): each must end, without a
//! panic, within the fuzz bound. A crashing input found by a fuzz run goes here.

use super::{cli_case, parse_case};

fn ex(name: &str) -> String {
    super::examples_dir().join(name).display().to_string()
}

#[test]
fn kept_problem_files() {
    for text in [
        // Numbers at the edge of the exact reader: 10^1000000 is read, 10^1000001 refused.
        "model = \"single-neuron\"\n[data]\nx = [[\"1e999999\"]]\ny = [\"1e-999999\"]\n[init]\nw = [0]\n[run]\nt_end = \"1e999999\"\narithmetic = \"interval\"",
        "model = \"single-neuron\"\n[data]\nx = [[\"1e1000001\"]]\ny = [1]\n[init]\nw = [0]\n[run]\nt_end = 1\narithmetic = \"interval\"",
    ] {
        parse_case(text.to_string()).unwrap_or_else(|e| panic!("{e} on:\n{text}"));
    }
}

#[test]
fn kept_command_lines() {
    for argv in [
        vec!["reluflow", "check", &ex("vardi-shamir-gamma1.toml"), "--w-star", "1,2"],
        vec!["reluflow", "search", "--theorem", "lsy.norm-growth", "--assume", "small-init"],
    ] {
        let argv: Vec<String> = argv.into_iter().map(String::from).collect();
        cli_case(argv.clone()).unwrap_or_else(|e| panic!("{e} on {argv:?}"));
    }
}
