//! Run-time benchmark: upgrade v1 todo documents (JSON text) to v4 (JSON text: the main
//! document and its `todo-status` part), once through the `#[versioned]`-generated types and
//! once through a hand-written serde adapter doing the same work.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use docver::{Parts, Versioned};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use todo::AnyTodo;

/// `count` v1 documents, one JSON text each. Every other one is tagged with its schema and
/// version; the rest are untagged (written before versioning), as the seed's store holds them.
pub fn inputs(count: usize) -> Vec<String> {
    (0..count)
        .map(|n| {
            let done = n % 3 == 0;
            if n % 2 == 0 {
                format!(r#"{{"_id":"{n:08x}","title":"todo number {n}","status":{done}}}"#)
            } else {
                format!(
                    r#"{{"_id":"{n:08x}","schema":"todo-item","version":1,"title":"todo number {n}","status":{done}}}"#
                )
            }
        })
        .collect()
}

/// The generated path, the way an app uses the API: parse, read any version, upgrade with the
/// id in `Parts`, write the main document and every part as JSON text.
pub fn generated(text: &str, out: &mut Vec<u8>) -> Result<(), String> {
    let any = AnyTodo::from_json(text).map_err(|e| e.to_string())?;
    let mut parts = Parts::new(any.id());
    let latest = any
        .into_latest_with(&mut parts)
        .map_err(|e| e.to_string())?;
    latest.append_json(out).map_err(|e| e.to_string())?;
    out.push(b'\n');
    for part in parts.docs.values() {
        part.write_json(&mut *out).map_err(|e| e.to_string())?;
        out.push(b'\n');
    }
    Ok(())
}

/// v1 as a hand-written serde struct: unknown fields (and the tag) kept in `extra`, as the
/// generated types keep them in `unknown`.
#[derive(Debug, Deserialize)]
struct HandV1 {
    title: String,
    status: bool,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

#[derive(Debug, Serialize)]
struct HandV4<'a> {
    schema: &'static str,
    version: u32,
    title: String,
    important: bool,
    #[serde(flatten)]
    extra: &'a Map<String, Value>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "lowercase")]
enum HandProgress {
    Open,
    Completed,
}

#[derive(Debug, Serialize)]
struct HandStatus<'a> {
    schema: &'static str,
    version: u32,
    todo: &'a str,
    status: HandProgress,
    /// `Parts::put` gives a part the deterministic id `<schema>:<uuid>`.
    _id: String,
}

/// The hand-written adapter: the same checks (schema and version tag, untagged = v1, id
/// needed for the status document) and the same output, byte for byte.
pub fn hand_written(text: &str, out: &mut Vec<u8>) -> Result<(), String> {
    let mut v1: HandV1 = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if let Some(schema) = v1.extra.remove("schema")
        && schema.as_str() != Some("todo-item")
    {
        return Err(format!("not a todo-item: {schema}"));
    }
    if let Some(version) = v1.extra.remove("version")
        && version.as_u64() != Some(1)
    {
        return Err(format!("not version 1: {version}"));
    }
    let important = match v1.extra.remove("important") {
        Some(Value::Bool(b)) => b,
        Some(other) => {
            v1.extra.insert("important".into(), other);
            false
        }
        None => false,
    };
    let v4 = HandV4 {
        schema: "todo-item",
        version: 4,
        title: v1.title,
        important,
        extra: &v1.extra,
    };
    serde_json::to_writer(&mut *out, &v4).map_err(|e| e.to_string())?;
    out.push(b'\n');
    let id = v1
        .extra
        .get("_id")
        .and_then(Value::as_str)
        .ok_or("splitting the status off a todo needs the todo's id")?;
    let status = HandStatus {
        schema: "todo-status",
        version: 1,
        todo: id,
        status: if v1.status {
            HandProgress::Completed
        } else {
            HandProgress::Open
        },
        _id: format!("todo-status:{id}"),
    };
    serde_json::to_writer(&mut *out, &status).map_err(|e| e.to_string())?;
    out.push(b'\n');
    Ok(())
}

/// Checks that both paths write the same bytes for the first `n` inputs.
pub fn check_same_output(inputs: &[String], n: usize) -> Result<(), String> {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for text in inputs.iter().take(n) {
        a.clear();
        b.clear();
        generated(text, &mut a)?;
        hand_written(text, &mut b)?;
        if a != b {
            return Err(format!(
                "outputs differ for {text}:\ngenerated:    {}hand-written: {}",
                String::from_utf8_lossy(&a),
                String::from_utf8_lossy(&b)
            ));
        }
    }
    Ok(())
}

/// One timed pass over all inputs; output goes to a buffer flushed (cleared) every 4,096
/// documents, so memory stays flat and no I/O is measured. Returns the time and output bytes.
pub fn pass(
    inputs: &[String],
    f: fn(&str, &mut Vec<u8>) -> Result<(), String>,
) -> Result<(Duration, usize), String> {
    let mut out = Vec::with_capacity(1 << 20);
    let mut bytes = 0;
    let start = Instant::now();
    for chunk in inputs.chunks(4096) {
        for text in chunk {
            f(text, &mut out)?;
        }
        bytes += out.len();
        black_box(&out);
        out.clear();
    }
    Ok((start.elapsed(), bytes))
}

/// Time spent in each phase of the generated path, each phase a separate pass over the
/// results of the previous one.
pub fn phases(inputs: &[String]) -> Result<Vec<(&'static str, Duration)>, String> {
    let mut timings = Vec::new();
    let start = Instant::now();
    let anys: Vec<AnyTodo> = inputs
        .iter()
        .map(|t| AnyTodo::from_json(t))
        .collect::<Result<_, docver::DocError>>()
        .map_err(|e| e.to_string())?;
    timings.push((
        "AnyTodo::from_json (text -> TodoV1, tag read aside, unknown fields kept)",
        start.elapsed(),
    ));

    let start = Instant::now();
    let latest: Vec<(todo::TodoV4, Parts)> = anys
        .into_iter()
        .map(|any| {
            let mut parts = Parts::new(any.id());
            let v4 = any.into_latest_with(&mut parts)?;
            Ok((v4, parts))
        })
        .collect::<Result<_, docver::DocError>>()
        .map_err(|e| e.to_string())?;
    timings.push((
        "id + into_latest (3 steps; the status part written as JSON text by Parts::put)",
        start.elapsed(),
    ));

    let start = Instant::now();
    let mut out = Vec::with_capacity(1 << 20);
    for chunk in latest.chunks(4096) {
        for (v4, parts) in chunk {
            v4.append_json(&mut out).map_err(|e| e.to_string())?;
            out.push(b'\n');
            for part in parts.docs.values() {
                part.write_json(&mut out).map_err(|e| e.to_string())?;
                out.push(b'\n');
            }
        }
        black_box(&out);
        out.clear();
    }
    timings.push((
        "TodoV4::append_json + Part::write_json (text out)",
        start.elapsed(),
    ));
    Ok(timings)
}

#[derive(Debug)]
pub struct RuntimeResult {
    pub docs: usize,
    pub runs: usize,
    pub generated: Duration,
    pub hand: Duration,
    pub out_bytes: usize,
    pub phases: Vec<(&'static str, Duration)>,
}

pub fn run(docs: usize, runs: usize) -> Result<RuntimeResult, String> {
    eprintln!("generating {docs} v1 documents ...");
    let inputs = inputs(docs);
    check_same_output(&inputs, 10_000)?;
    let mut best_gen = Duration::MAX;
    let mut best_hand = Duration::MAX;
    let mut out_bytes = 0;
    // Interleaved, so drift (frequency, other load) hits both alike.
    for run in 1..=runs {
        let (g, bytes_g) = pass(&inputs, generated)?;
        let (h, bytes_h) = pass(&inputs, hand_written)?;
        if bytes_g != bytes_h {
            return Err(format!("output sizes differ: {bytes_g} vs {bytes_h}"));
        }
        out_bytes = bytes_g;
        eprintln!(
            "  run {run}/{runs}: generated {:.3} s, hand-written {:.3} s",
            g.as_secs_f64(),
            h.as_secs_f64()
        );
        best_gen = best_gen.min(g);
        best_hand = best_hand.min(h);
    }
    eprintln!("timing the phases of the generated path ...");
    let phases = phases(&inputs)?;
    Ok(RuntimeResult {
        docs,
        runs,
        generated: best_gen,
        hand: best_hand,
        out_bytes,
        phases,
    })
}

/// Only one path, for `perf record`: no check, no phases.
pub fn run_only(path: &str, docs: usize, runs: usize) -> Result<(), String> {
    let f: fn(&str, &mut Vec<u8>) -> Result<(), String> = match path {
        "generated" => generated,
        "hand" => hand_written,
        other => {
            return Err(format!(
                "runtime-only: `{other}` is not `generated` or `hand`"
            ));
        }
    };
    let inputs = inputs(docs);
    for _ in 0..runs {
        let (took, _) = pass(&inputs, f)?;
        eprintln!("{path}: {:.3} s", took.as_secs_f64());
    }
    Ok(())
}

fn per_sec(docs: usize, d: Duration) -> String {
    let rate = docs as f64 / d.as_secs_f64().max(1e-9);
    format!("{:.0}", rate)
}

pub fn markdown(r: &RuntimeResult, command: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "## derive at run time: upgrading {} v1 todo documents to v4\n",
        thousands(r.docs)
    );
    let _ = writeln!(s, "- Date: {} (UTC)", crate::common::today());
    let _ = writeln!(s, "- Machine: {}", crate::common::machine());
    let _ = writeln!(s, "- Command: `{command}`");
    let _ = writeln!(
        s,
        "- Input: {} JSON texts like `{{\"_id\":\"0000002a\",\"title\":\"todo number 42\",\"status\":true}}`, \
         every other one tagged `\"schema\":\"todo-item\",\"version\":1`. Output: the v4 document and its \
         `todo-status` part as JSON text ({:.1} MiB in all, written to an in-memory buffer that is \
         cleared every 4,096 documents). Best of {} interleaved runs, one thread.",
        thousands(r.docs),
        r.out_bytes as f64 / 1048576.0,
        r.runs
    );
    let _ = writeln!(
        s,
        "- Generated: `AnyTodo::from_json(text)` (reads the version's fields straight from the \
         text, the tag aside and the unknown fields into `unknown`), \
         `Parts::new(any.id())`, `.into_latest_with(&mut parts)` (the v3 -> v4 step puts the \
         `todo-status` part, kept as JSON text), `v4.append_json(&mut out)` and \
         `part.write_json(&mut out)` for each part. No `serde_json::Value` on the way."
    );
    let _ = writeln!(
        s,
        "- Hand-written: plain `#[derive(Deserialize)]` v1 struct and `#[derive(Serialize)]` v4 \
         and status structs, each with `#[serde(flatten)] extra: serde_json::Map<String, Value>` \
         to keep unknown fields the way the generated types keep them in `unknown`, so the \
         comparison is fair; it checks the tag (`schema`, `version`, untagged = v1), needs the \
         `_id` for the status document, and writes the same bytes (checked on the first 10,000 \
         documents before timing)."
    );
    let ratio = r.hand.as_secs_f64() / r.generated.as_secs_f64().max(1e-9);
    let _ = writeln!(
        s,
        "\n| path | time (s) | documents/s | throughput vs hand-written |\n|---|---:|---:|---:|"
    );
    let _ = writeln!(
        s,
        "| generated (`#[versioned]`) | {:.3} | {} | {ratio:.2}x |",
        r.generated.as_secs_f64(),
        per_sec(r.docs, r.generated)
    );
    let _ = writeln!(
        s,
        "| hand-written serde adapter | {:.3} | {} | 1.00x |",
        r.hand.as_secs_f64(),
        per_sec(r.docs, r.hand)
    );
    let _ = writeln!(
        s,
        "\n**Ratio generated / hand-written throughput: {ratio:.2}x** (goal >= 0.95x).\n"
    );
    let total: f64 = r.phases.iter().map(|(_, d)| d.as_secs_f64()).sum();
    let _ = writeln!(
        s,
        "Where the generated path spends its time (each phase a separate pass over all \
         documents, so allocation of the intermediate vectors is included):\n\n\
         | phase | time (s) | share |\n|---|---:|---:|"
    );
    for (name, d) in &r.phases {
        let _ = writeln!(
            s,
            "| {name} | {:.3} | {:.0}% |",
            d.as_secs_f64(),
            100.0 * d.as_secs_f64() / total.max(1e-9)
        );
    }
    s
}

pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_paths_write_the_same() {
        let inputs = inputs(100);
        check_same_output(&inputs, 100).unwrap();
        let mut out = Vec::new();
        generated(&inputs[0], &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("\"version\":4"), "{text}");
        assert!(text.contains("todo-status"), "{text}");
    }
}
