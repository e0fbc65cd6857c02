//! `reluflow plot`: each quick example gives a well-formed SVG with one event mark per proved
//! switch per panel and the run's status in the title; a bad `--what` is bad input (exit 2).

use crate::util::{TempSpec, examples_dir, reluflow};

/// Checks that every tag is closed in order (plotters escapes `<`, `>` and `&` in text) and
/// returns the text contents of the `<text>` elements.
fn well_formed_texts(svg: &str) -> Vec<String> {
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "not an SVG document");
    let (mut stack, mut texts, mut rest) = (Vec::<String>::new(), Vec::new(), svg);
    while let Some(open) = rest.find('<') {
        if stack.last().is_some_and(|t| t == "text") {
            texts.push(rest[..open].trim().to_string());
        }
        let close = rest[open..].find('>').expect("an unterminated tag") + open;
        let tag = &rest[open + 1..close];
        assert!(!tag.contains('<'), "a '<' inside a tag: {tag}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.trim()), "mismatched closing tag");
        } else if !tag.ends_with('/') {
            stack.push(tag.split_whitespace().next().unwrap_or_default().to_string());
        }
        rest = &rest[close + 1..];
    }
    assert!(stack.is_empty(), "unclosed tags: {stack:?}");
    assert!(!rest.contains('>'), "text after the last tag");
    texts
}

/// Runs `plot` on `spec` with `extra` arguments; returns (exit code, the SVG, stderr).
fn plot(spec: &str, extra: &[&str]) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.svg");
    let mut args = vec!["plot", spec, "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let run = reluflow(&args);
    let svg = std::fs::read_to_string(&out).unwrap_or_default();
    (run.code, svg, run.stderr)
}

/// The number of proved switches `certify --json` reports.
fn certified_events(spec: &str) -> usize {
    let run = reluflow(&["certify", spec, "--json"]);
    run.json()["events"].as_array().expect("an events array").len()
}

fn is_event_mark(text: &str) -> bool {
    let mut words = text.split(' ');
    matches!(words.next(), Some("activate" | "deactivate" | "death"))
        && words.next().is_some_and(|p| p.starts_with('x'))
        && words.next().is_some_and(|n| n.starts_with('n'))
        && words.next().is_none()
}

#[test]
fn quick_examples_plot_with_every_event_and_their_status() {
    for (name, expected_events) in [("vardi-shamir-gamma1", 1), ("two-layer-explicit", 0), ("norm-growth-fails", 0)] {
        let spec = examples_dir().join(format!("{name}.toml"));
        let spec = spec.to_str().unwrap();
        assert_eq!(certified_events(spec), expected_events, "{name}: the example changed");
        for what in [&["--what", "loss"][..], &["--what", "weights,guards,norms"]] {
            let panels = what[1].split(',').count();
            let (code, svg, stderr) = plot(spec, what);
            assert_eq!(code, Some(0), "{name}: {stderr}");
            let texts = well_formed_texts(&svg);
            let title = format!("{name}.toml — ");
            assert!(texts[0].starts_with(&title) && texts[0].ends_with("interval: CERTIFIED"), "{name}: {}", texts[0]);
            let marks = texts.iter().filter(|t| is_event_mark(t)).count();
            assert_eq!(marks, expected_events * panels, "{name} {what:?}: one mark per event per panel");
            assert_eq!(texts.iter().filter(|t| t.ends_with("(certified enclosures)")).count(), panels);
            assert!(stderr.contains("wrote"), "{stderr}");
        }
    }
}

#[test]
fn vardi_shamir_plot_shows_the_switch_and_the_limit() {
    let spec = examples_dir().join("vardi-shamir-gamma1.toml");
    let (code, svg, _) = plot(spec.to_str().unwrap(), &["--what", "weights", "--log-time"]);
    assert_eq!(code, Some(0));
    let texts = well_formed_texts(&svg);
    assert!(texts.contains(&"deactivate x2 n0".to_string()), "{texts:?}");
    assert!(texts.contains(&"t → ∞ (limit)".to_string()));
    assert!(texts.iter().any(|t| t.starts_with("log10 t")));
    for label in ["w[0]", "w[1]", "w[2]"] {
        assert!(texts.contains(&label.to_string()), "legend entry {label}");
    }
}

#[test]
fn undecided_run_is_cut_in_red_and_exits_3() {
    // From w = (1, 0.5) the label −1 of x_1 drives w_1 to 0 along e^{−t}: the run cannot decide
    // whether the guard of x_1 reaches zero (grazing) and stops, certified up to t ≈ 0.405.
    let spec = TempSpec::new(
        "grazing.toml",
        "model = \"single-neuron\"\n[data]\nx = [[1, 0], [0, 1]]\ny = [1, -1]\n[init]\nw = [1, 0.5]\n\
         [run]\nt_end = 4\narithmetic = \"interval\"\n",
    );
    let (code, svg, stderr) = plot(spec.arg(), &["--what", "guards"]);
    if code == Some(0) {
        // An integrator that decides this case certifies it: then the title says so.
        assert!(well_formed_texts(&svg)[0].ends_with("CERTIFIED"), "{stderr}");
        return;
    }
    assert_eq!(code, Some(3), "{stderr}");
    let texts = well_formed_texts(&svg);
    assert!(texts[0].contains("UNDECIDED (certified up to t ≥"), "{}", texts[0]);
    assert!(texts.iter().any(|t| t.starts_with("undecided: ")), "{texts:?}");
    assert!(svg.contains("stroke=\"#FF0000\""), "the red cut-off line");
}

#[test]
fn point_runs_are_titled_not_validated() {
    let text = std::fs::read_to_string(examples_dir().join("two-layer-explicit.toml")).unwrap();
    let spec = TempSpec::new("f64.toml", &text.replace("arithmetic = \"interval\"", "arithmetic = \"f64\""));
    let (code, svg, stderr) = plot(spec.arg(), &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let texts = well_formed_texts(&svg);
    assert!(texts[0].contains("NOT VALIDATED"), "{}", texts[0]);
    assert!(!texts.iter().any(|t| t.contains("certified enclosures")));
    assert_eq!(texts.iter().filter(|t| t.ends_with("(reference values, NOT VALIDATED)")).count(), 2, "weights, loss");
}

#[test]
fn bad_what_is_bad_input_naming_the_value_and_the_choices() {
    let spec = examples_dir().join("norm-growth-fails.toml");
    let (code, svg, stderr) = plot(spec.to_str().unwrap(), &["--what", "loss,bogus"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(svg.is_empty(), "nothing is written");
    for needle in ["bogus", "weights", "loss", "guards", "norms"] {
        assert!(stderr.contains(needle), "{needle} missing from: {stderr}");
    }
}

#[test]
fn missing_output_is_bad_input() {
    let spec = examples_dir().join("norm-growth-fails.toml");
    let run = reluflow(&["plot", spec.to_str().unwrap()]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("--output"), "{}", run.stderr);
    let run = reluflow(&["plot", spec.to_str().unwrap(), "-o", "/nonexistent-dir/x.svg"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("cannot write /nonexistent-dir/x.svg"), "{}", run.stderr);
}

#[test]
fn a_bitmap_name_is_refused_and_svg_is_what_is_written() {
    let spec = examples_dir().join("norm-growth-fails.toml");
    let dir = tempfile::tempdir().unwrap();
    for name in ["out.png", "out.PNG", "out.jpg", "out.pdf"] {
        let out = dir.path().join(name);
        let run = reluflow(&["plot", spec.to_str().unwrap(), "-o", out.to_str().unwrap()]);
        assert_eq!(run.code, Some(2), "{name}: {run:#?}");
        assert!(run.stderr.contains("SVG pictures only") && run.stderr.contains("out.svg"), "{}", run.stderr);
        assert!(!out.exists(), "{name}: nothing is written");
    }
    // What is written under .svg (any case) is SVG: its first bytes say so.
    let out = dir.path().join("out.SVG");
    let run = reluflow(&["plot", spec.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"<svg"), "{:?}", &bytes[..bytes.len().min(16)]);
}
