//! `reluflow verify FILE`: reads a certificate (`-`: stdin) and re-proves it with the independent
//! verifier (`reluflow-verify`). Exit 0 verified, 4 a claim fails, 2 not a certificate.

use crate::exit::{Exit, Failure};
use clap::Args;
use std::io::{Read, Write};
use std::path::PathBuf;

/// One line for `reluflow --help`.
pub const ABOUT: &str = "Re-check a certificate with the independent verifier";

/// `reluflow verify --help`.
pub const LONG_ABOUT: &str = "Re-check a certificate written by `reluflow certify SPEC --certificate FILE` with the \
independent verifier (crate reluflow-verify), or by `reluflow check SPEC --certificate FILE` (which adds the \
checker's verdicts with their witnesses), with the independent verifier (crate reluflow-verify), which shares no numerical code with the integrators: it reads the \
exact problem from the certificate, evaluates the vector field itself in exact rational arithmetic (rounded \
outward to dyadics where sizes grow), and re-proves every claim in order: each step's start set lies in the \
previous end set, the exact flow of the start set stays in the step's box and ends in its end set, every guard \
keeps its sign, every switch is a transversal crossing inside its time enclosure, and the limit argument holds; \
then every verdict: one that holds is proved from the certificate's sets, a violation's witness likewise, and \
a verdict written as unchecked is listed as UNCHECKED, never as proved. It prints the first claim that fails, with its location (pattern / step / field) and the two values that \
disagree. See docs/certificate.md for the format.\n\n\
Exit 0: every claim verified. Exit 4: a claim fails (or is of a kind this verifier does not support yet). \
Exit 2: the file is not a certificate this version reads (the message names the field path).";

/// Arguments of `reluflow verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The certificate (JSON) to re-check; `-` reads stdin
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// Runs `verify`.
pub fn run(args: &VerifyArgs, out: &mut dyn Write) -> Result<Exit, Failure> {
    let text = if args.file.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map(|_| s)
    } else {
        std::fs::read_to_string(&args.file)
    }
    .map_err(|e| Failure::bad_input(anyhow::anyhow!("cannot read {}: {e}", args.file.display())))?;
    let cert = reluflow_certificate::from_text(&text)
        .map_err(|e| Failure::bad_input(anyhow::anyhow!("{}: not a certificate: {e}", args.file.display())))?;
    let io = |e: std::io::Error| Failure::internal(anyhow::anyhow!("cannot write the report: {e}"));
    match reluflow_verify::verify(&cert) {
        Ok(v) => {
            writeln!(
                out,
                "VERIFIED: {} pattern(s), {} step(s), {} switch(es), ending at the {}",
                v.patterns,
                v.steps,
                v.switches,
                if v.ending == "until" { "last certified step time (the run stopped before t_end)" } else { v.ending }
            )
            .map_err(io)?;
            for r in &v.verdicts {
                let how = if r.checked {
                    "re-proved from the certificate"
                } else {
                    "UNCHECKED: written without a claim the verifier re-proves"
                };
                writeln!(out, "  verdict {} {}: {how}", r.entry, r.verdict).map_err(io)?;
            }
            Ok(Exit::Success)
        }
        Err(f) => {
            writeln!(out, "CLAIM FAILS at {f}").map_err(io)?;
            Ok(Exit::Counterexample)
        }
    }
}
