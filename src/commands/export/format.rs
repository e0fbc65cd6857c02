//! The two file formats of `export`: CSV (one flat row per record, `_lo`/`_hi` columns) and JSON
//! Lines (a `run` line, then one object per record). Bounds are printed with Rust's shortest
//! round-trip formatting, so a reader that parses floats correctly gets the exact f64 back.

use super::records::{Bounds, Record};
use serde_json::{Value, json};
use std::fmt::Write;

/// Column names of a model with `m` neurons (`single` for the single neuron) in dimension `d`.
pub fn columns(single: bool, m: usize, d: usize) -> Vec<String> {
    let mut c: Vec<String> =
        ["record", "index", "t_lo", "t_hi", "certified", "neuron", "point", "event"].map(String::from).into();
    let mut pair = |name: String| {
        c.push(format!("{name}_lo"));
        c.push(format!("{name}_hi"));
    };
    if single {
        (0..d).for_each(|k| pair(format!("w{k}")));
        pair("loss".into());
        pair("norm_w".into());
    } else {
        (0..m).for_each(|j| (0..d).for_each(|k| pair(format!("w{j}_{k}"))));
        (0..m).for_each(|j| pair(format!("a{j}")));
        pair("loss".into());
        (0..m).for_each(|j| pair(format!("norm_w{j}")));
    }
    c
}

/// A float as CSV text: shortest round-trip, `inf` / `-inf` / `nan` as pandas reads them.
fn num(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else if x == 0.0 {
        "0.0".into() // also -0.0: the same number, printed once
    } else {
        format!("{x:?}")
    }
}

/// The CSV text: a header line, then one line per record (state columns empty for events).
pub fn csv(cols: &[String], records: &[Record]) -> String {
    let mut out = cols.join(",");
    out.push('\n');
    for r in records {
        let mut cells = vec![r.kind.to_string(), r.index.to_string(), num(r.t.0), num(r.t.1), r.certified.to_string()];
        match r.event {
            Some((j, i, kind)) => cells.extend([j.to_string(), i.to_string(), kind.to_string()]),
            None => cells.extend([String::new(), String::new(), String::new()]),
        }
        let mut push = |b: &Bounds| cells.extend([num(b.0), num(b.1)]);
        if let Some(s) = &r.state {
            s.w.iter().flatten().for_each(&mut push);
            s.a.iter().flatten().for_each(&mut push);
            push(&s.loss);
            s.norm_w.iter().for_each(&mut push);
        }
        cells.resize(cols.len(), String::new());
        let _ = writeln!(out, "{}", cells.join(","));
    }
    out
}

/// A bound as JSON: a number, or `null` for an infinite or NaN one (JSON has no infinities).
fn jnum(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

fn jpair(b: &Bounds) -> Value {
    json!([jnum(b.0), jnum(b.1)])
}

/// The JSON Lines text: `header` first, then one object per record.
pub fn jsonl(header: &Value, records: &[Record], single: bool) -> String {
    let mut out = format!("{header}\n");
    for r in records {
        let mut o = json!({ "record": r.kind, "index": r.index, "certified": r.certified });
        if r.kind != "limit" {
            o["t"] = jpair(&r.t);
        }
        if let Some((j, i, kind)) = r.event {
            o["neuron"] = json!(j);
            o["point"] = json!(i);
            o["event"] = json!(kind);
        }
        if let Some(s) = &r.state {
            let rows = |v: &Vec<Bounds>| Value::Array(v.iter().map(jpair).collect());
            o["w"] = if single { rows(&s.w[0]) } else { Value::Array(s.w.iter().map(rows).collect()) };
            if let Some(a) = &s.a {
                o["a"] = rows(a);
            }
            o["loss"] = jpair(&s.loss);
            o["norm_w"] = if single { jpair(&s.norm_w[0]) } else { rows(&s.norm_w) };
        }
        let _ = writeln!(out, "{o}");
    }
    out
}
