//! Write-back benchmark: a v2 app edits v4 todo documents (each with its `todo-status`
//! companion) and writes them back, next to a plain read + write of the same documents at v4,
//! so the ratio is what keeping the write-back law costs over not migrating at all.

use std::fmt::Write as _;
use std::time::Duration;

use docver::{Parts, Versioned};
use serde_json::Value;
use todo::{TodoStatusV1, TodoV2, TodoV4};

use super::runtime::pass;

/// `count` v4 documents and their status documents, one JSON text each, on one line.
pub fn inputs(count: usize) -> Vec<String> {
    const STATUS: [&str; 5] = ["open", "started", "blocked", "rejected", "completed"];
    (0..count)
        .map(|n| {
            let important = n % 2 == 0;
            let status = STATUS[n % STATUS.len()];
            format!(
                "{{\"_id\":\"{n:08x}\",\"_rev\":\"3-a\",\"schema\":\"todo-item\",\"version\":4,\
                 \"title\":\"todo number {n}\",\"important\":{important}}}\n\
                 {{\"_id\":\"todo-status:{n:08x}\",\"_rev\":\"2-b\",\"schema\":\"todo-status\",\
                 \"version\":1,\"todo\":\"{n:08x}\",\"status\":\"{status}\"}}"
            )
        })
        .collect()
}

fn split(text: &str) -> Result<(&str, &str), String> {
    text.split_once('\n')
        .ok_or_else(|| "an input without its status document".to_owned())
}

/// The v2 app's path: the stored document and its companion as `Value`s (what a store hands
/// over), read at v2, the title edited, written back over v4 (migrations both ways, the
/// three-way merge of the main and the status document, the read-back check), written out.
pub fn write_back(text: &str, out: &mut Vec<u8>) -> Result<(), String> {
    let (main, status) = split(text)?;
    let stored: Value = serde_json::from_str(main).map_err(|e| e.to_string())?;
    let id = stored["_id"].as_str().map(str::to_owned);
    let mut parts = Parts::new(id);
    let companion: Value = serde_json::from_str(status).map_err(|e| e.to_string())?;
    parts.docs.insert(TodoStatusV1::SCHEMA_NAME, companion);
    let (mut v2, _) = TodoV2::read(&stored, &mut parts.clone()).map_err(|e| e.to_string())?;
    v2.title.push_str(" (edited)");
    let written = v2
        .write_back(&stored, &mut parts)
        .map_err(|e| e.to_string())?;
    serde_json::to_writer(&mut *out, &written).map_err(|e| e.to_string())?;
    out.push(b'\n');
    for part in parts.docs.values() {
        part.write_json(&mut *out).map_err(|e| e.to_string())?;
        out.push(b'\n');
    }
    Ok(())
}

/// The plain path over the same texts: each document read at its own version (v4 and the
/// status v1), the title edited, both written out. No migration, no merge.
pub fn plain(text: &str, out: &mut Vec<u8>) -> Result<(), String> {
    let (main, status) = split(text)?;
    let mut v4 = TodoV4::from_json(main).map_err(|e| e.to_string())?;
    let status = TodoStatusV1::from_json(status).map_err(|e| e.to_string())?;
    v4.title.push_str(" (edited)");
    v4.append_json(out).map_err(|e| e.to_string())?;
    out.push(b'\n');
    status.append_json(out).map_err(|e| e.to_string())?;
    out.push(b'\n');
    Ok(())
}

#[derive(Debug)]
pub struct WriteBackResult {
    pub docs: usize,
    pub runs: usize,
    pub write_back: Duration,
    pub plain: Duration,
}

pub fn run(docs: usize, runs: usize) -> Result<WriteBackResult, String> {
    eprintln!("generating {docs} v4 documents with their status documents ...");
    let inputs = inputs(docs);
    let (mut best_write_back, mut best_plain) = (Duration::MAX, Duration::MAX);
    // Interleaved, so drift (frequency, other load) hits both alike.
    for run in 1..=runs {
        let (w, _) = pass(&inputs, write_back)?;
        let (p, _) = pass(&inputs, plain)?;
        eprintln!(
            "  run {run}/{runs}: write-back {:.3} s, plain {:.3} s",
            w.as_secs_f64(),
            p.as_secs_f64()
        );
        best_write_back = best_write_back.min(w);
        best_plain = best_plain.min(p);
    }
    Ok(WriteBackResult {
        docs,
        runs,
        write_back: best_write_back,
        plain: best_plain,
    })
}

pub fn markdown(r: &WriteBackResult, command: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "## write-back: {} v2 edits of v4 todo documents\n",
        super::runtime::thousands(r.docs)
    );
    let _ = writeln!(s, "- Date: {} (UTC)", crate::common::today());
    let _ = writeln!(s, "- Machine: {}", crate::common::machine());
    let _ = writeln!(s, "- Command: `{command}`");
    let _ = writeln!(
        s,
        "- Input: {} v4 todo documents with their `todo-status` documents (JSON text, `_id` and \
         `_rev` on both). Best of {} interleaved runs, one thread.",
        super::runtime::thousands(r.docs),
        r.runs
    );
    let _ = writeln!(
        s,
        "- Write-back: both texts parsed into `Value`s (as a store hands them over), \
         `TodoV2::read` (v4 -> v2, the status joined back), the title edited, \
         `write_back` (v2 -> v4 for the view and for the edit, the three-way merge of the main \
         and the status document, the merged document read back at v2 and compared), both \
         written as JSON text."
    );
    let _ = writeln!(
        s,
        "- Plain: `TodoV4::from_json` and `TodoStatusV1::from_json`, the title edited, both \
         written with `append_json`."
    );
    let ratio = r.write_back.as_secs_f64() / r.plain.as_secs_f64().max(1e-9);
    let _ = writeln!(s, "\n| path | time (s) | documents/s |\n|---|---:|---:|");
    for (name, d) in [
        ("write-back (v2 edit of v4)", r.write_back),
        ("plain read + write at v4", r.plain),
    ] {
        let rate = r.docs as f64 / d.as_secs_f64().max(1e-9);
        let _ = writeln!(s, "| {name} | {:.3} | {rate:.0} |", d.as_secs_f64());
    }
    let _ = writeln!(
        s,
        "\n**Write-back takes {ratio:.1}x the time of a plain read + write.**"
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edit_reaches_the_v4_document_and_the_status_is_kept() {
        let inputs = inputs(5);
        let mut out = Vec::new();
        write_back(&inputs[2], &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut lines = text.lines();
        let main: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
        let status: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
        assert_eq!(main["version"], 4);
        assert_eq!(main["title"], "todo number 2 (edited)");
        assert_eq!(main["_rev"], "3-a");
        assert_eq!(status["status"], "blocked");
        assert_eq!(status["_rev"], "2-b");
        let mut out = Vec::new();
        plain(&inputs[2], &mut out).unwrap();
        assert!(
            String::from_utf8(out)
                .unwrap()
                .contains("todo number 2 (edited)")
        );
    }
}
