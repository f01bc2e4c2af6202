//! Markdown for the terminal and for `docs/benchmarks.md`.

use std::fmt::Write as _;

use crate::bench::{BASELINE, Results, ShapeRun, Status, ToolResult};
use crate::common::{command_output, machine, today};
use crate::generate::Shape;

/// The section for one run of the bench.
pub fn markdown(r: &Results) -> String {
    let mut s = String::new();
    let Some(first) = r.shapes.first() else {
        return s;
    };
    let p = &first.pair;
    let _ = writeln!(
        s,
        "## diff: {} definitions, ~{} properties\n",
        thousands(p.defs),
        thousands(round_to(p.properties, 1000))
    );
    let _ = writeln!(s, "- Date: {} (UTC)", today());
    let _ = writeln!(s, "- Machine: {}", machine());
    let _ = writeln!(
        s,
        "- Command: `cargo run --release -p docver-bench --bin bench-diff --{}`",
        r.options
            .command_line
            .strip_prefix("bench-diff")
            .unwrap_or("")
    );
    for run in &r.shapes {
        let p = &run.pair;
        let what = match run.shape {
            Shape::Flat => {
                "the root object has one property `p{i}` = `{\"$ref\": \"#/$defs/Def{i}\"}` per \
                 definition; definitions hold strings (some with `maxLength`), enums, integers, \
                 booleans, string arrays and nullable (`anyOf` with `null`) primitives, and no \
                 reference to another definition"
            }
            Shape::Cyclic => {
                "each definition refers to two children (a tree rooted at `Def0`) and to a few \
                 random other definitions, so definitions are shared and recursive"
            }
            Shape::Tree => {
                "the same kinds of properties, but each definition is referenced exactly once \
                 (tree edges only), so inlining every `$ref` terminates"
            }
            Shape::Draft07Tree | Shape::Draft07TreeMinified => {
                "issue 21's shape: the root object is `D0` itself (inline), `definitions` \
                 `D1`.. each refer to `D{2i+1}`/`D{2i+2}` as `left`/`right`, ~10 primitive \
                 properties (strings with `maxLength`/`format`/`description`, integers with \
                 bounds, numbers, booleans with `default`), 5 required; the changes cycle \
                 through a property added, a property made required, a string turned into an \
                 array of strings, a property removed"
            }
        };
        let (draft, defs) = if run.shape.is_draft07() {
            ("draft-07", "definitions (the root is D0)")
        } else {
            ("draft 2020-12", "`$defs`")
        };
        let layout = if run.shape == Shape::Draft07TreeMinified {
            "minified (one line)"
        } else {
            "pretty-printed"
        };
        let _ = writeln!(
            s,
            "- Pair `{}`: generated JSON Schema {draft}, {layout}, seed {}: {} {defs}, {} \
             properties in OLD, {} changes in NEW ({what}); `{}` {:.1} MiB, `{}` {:.1} MiB",
            run.shape.label(),
            r.options.seed,
            thousands(p.defs),
            thousands(p.properties),
            p.changes,
            p.old.display(),
            p.old_bytes as f64 / 1048576.0,
            p.new.display(),
            p.new_bytes as f64 / 1048576.0,
        );
    }
    let _ = writeln!(
        s,
        "- Peers: json-schema-diff crate {}, json-schema-diff npm package {} (node {})",
        r.crate_version.as_deref().unwrap_or("not installed"),
        r.npm_version.as_deref().unwrap_or("not installed"),
        command_output("node", &["--version"]).unwrap_or_else(|| "?".into())
    );
    let _ = writeln!(
        s,
        "- Time is wall time of the whole process (start, read both files, diff, print), best of \
         the runs shown; peak RSS is the child's `ru_maxrss` from `getrusage(RUSAGE_CHILDREN)`, \
         largest over the runs."
    );

    for run in &r.shapes {
        goals(&mut s, run);
    }

    for run in &r.shapes {
        let _ = writeln!(s, "\n### Pair `{}`\n", run.shape.label());
        let docver = run.tools.iter().find(|t| t.tool == BASELINE);
        let library = run.tools.iter().find(|t| t.breakdown.is_some());
        let _ = writeln!(
            s,
            "| tool | time (s) | peak RSS (MiB) | vs docver | findings / changes | command |"
        );
        let _ = writeln!(s, "|---|---:|---:|---|---|---|");
        for t in &run.tools {
            row(&mut s, t, docver);
        }
        if let Some((read, diff)) = library.and_then(|d| d.breakdown) {
            let _ = writeln!(
                s,
                "\ndocver inside the process (fastest run): reading both schemas {:.3} s, diff {:.3} s.",
                read.as_secs_f64(),
                diff.as_secs_f64()
            );
        }
    }

    for ladder in &r.ladders {
        let _ = writeln!(
            s,
            "\n### Smaller `{}` pairs: where the npm peer stops coping\n\n\
             Same generator and seed, `{}` shape, one run each, npm timeout {} s, crate timeout {} s.\n",
            ladder.shape.label(),
            ladder.shape.label(),
            r.options.npm_timeout.as_secs(),
            r.options.crate_timeout.as_secs()
        );
        let _ = writeln!(
            s,
            "| definitions | properties | changes | docver diff (s) | crate peer (s) | npm peer (s) | npm peak RSS (MiB) | npm verdict / failure |"
        );
        let _ = writeln!(s, "|---:|---:|---:|---:|---:|---:|---:|---|");
        for l in &ladder.rows {
            let cell = |i: usize| l.results.get(i).map_or_else(|| "-".into(), time_cell);
            let npm = l.results.get(2);
            let npm_rss = npm.filter(|t| t.runs > 0).map_or_else(
                || "-".into(),
                |t| format!("{:.1}", t.peak_rss_kib as f64 / 1024.0),
            );
            let verdict = npm.map_or_else(String::new, |t| match &t.status {
                Status::Done => t.count.clone(),
                Status::TimedOut(_) => "timed out".into(),
                Status::Failed(why) => why.clone(),
                Status::NotInstalled(_) => "not installed".into(),
            });
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {npm_rss} | {} |",
                l.pair.defs,
                l.pair.properties,
                l.pair.changes,
                cell(0),
                cell(1),
                cell(2),
                verdict.replace('|', "\\|")
            );
        }
    }

    scale(&mut s, r);

    let _ = writeln!(
        s,
        "\nNotes:\n\n\
         - docver's figure includes both directions (backward and forward verdicts per finding) \
         and a witness document for every breaking direction; the json-schema-diff crate reports \
         changes only (one JSON line per change with an `is_breaking` flag), no witnesses. The \
         counts are not comparable one to one: the crate reports, e.g., a type change as a \
         `TypeRemove` plus a `TypeAdd`.\n\
         - The npm json-schema-diff package computes the sets of added and removed values as \
         schemas (documented for draft-07) rather than a list of changes, so its column shows its \
         verdict line, not a count."
    );
    s
}

/// The goals of issue 21 on one pair, as ratios in the same run.
fn goals(s: &mut String, run: &ShapeRun) {
    let find = |name: &str| {
        run.tools
            .iter()
            .find(|t| t.tool == name)
            .and_then(|t| Some((t, t.best.as_ref()?)))
    };
    let Some((d, db)) = find(BASELINE) else {
        return;
    };
    let dsecs = db.wall.as_secs_f64().max(1e-9);
    let peer = run
        .tools
        .iter()
        .find(|t| t.tool == "json-schema-diff (crate)");
    let speed = match peer.map(|p| (&p.status, &p.best)) {
        Some((Status::Done, Some(pb))) => format!(
            "the json-schema-diff crate {:.3} s, **{:.1}x docver's time**",
            pb.wall.as_secs_f64(),
            pb.wall.as_secs_f64() / dsecs
        ),
        Some((Status::TimedOut(limit), _)) => format!(
            "the json-schema-diff crate timed out after {} s (**> {:.0}x docver's time**)",
            limit.as_secs(),
            limit.as_secs_f64() / dsecs
        ),
        Some(_) => format!(
            "the json-schema-diff crate: {}",
            peer.map_or_else(String::new, time_cell)
        ),
        None => "the json-schema-diff crate: not measured".into(),
    };
    let limit = find("serde_json::from_slice (limit)").map_or_else(
        || "from_slice: not measured".into(),
        |(_, pb)| {
            format!(
                "`serde_json::from_slice::<Value>` of both files {:.3} s, so docver takes \
                 **{:.2}x the limit** (goal <= 3x)",
                pb.wall.as_secs_f64(),
                dsecs / pb.wall.as_secs_f64().max(1e-9)
            )
        },
    );
    let input = (run.pair.old_bytes + run.pair.new_bytes) as f64 / 1048576.0;
    let rss = d.peak_rss_kib as f64 / 1024.0;
    let floor = run.floor.peak_rss_kib as f64 / 1024.0;
    let text = find("docver diff --format text").map_or_else(String::new, |(t, tb)| {
        format!(
            "; `--format text` {:.3} s ({:.2}x the JSON report's time), {}",
            tb.wall.as_secs_f64(),
            tb.wall.as_secs_f64() / dsecs,
            t.count
        )
    });
    let _ = writeln!(
        s,
        "\n**Goals on `{}` (same run):** `docver diff --format json` {:.3} s (best of {}); \
         {speed} (goal >= 20x); {limit}. Peak RSS {rss:.1} MiB for {input:.1} MiB of input: \
         **{:.2}x the input** above the {floor:.1} MiB a one-definition pair takes (goal <= 4x \
         + a constant); JSON report: {}{text}.",
        run.shape.label(),
        db.wall.as_secs_f64(),
        d.runs,
        (rss - floor).max(0.0) / input.max(1e-9),
        d.count,
    );
}

/// The scale curve: `docver diff` and the parse limit over sizes, per shape.
fn scale(s: &mut String, r: &Results) {
    if r.scale.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "\n### Scale: `docver diff --format json` from {} to {} definitions\n\n\
         Same generator and seed, one run each; changes in proportion ({} per {} definitions). \
         Per MiB columns divide by the combined input.\n",
        thousands(r.options.scale.iter().copied().min().unwrap_or(0)),
        thousands(r.options.scale.iter().copied().max().unwrap_or(0)),
        r.options.changes,
        thousands(r.options.defs)
    );
    let _ = writeln!(
        s,
        "| shape | definitions | input (MiB) | docver (s) | ms per MiB | from_slice (s) | vs limit | peak RSS (MiB) | RSS / input | findings |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for p in &r.scale {
        let input = (p.pair.old_bytes + p.pair.new_bytes) as f64 / 1048576.0;
        let secs = |t: &ToolResult| t.best.as_ref().map(|b| b.wall.as_secs_f64());
        let (d, l) = (secs(&p.docver), secs(&p.parse));
        let cell = |v: Option<f64>| v.map_or_else(|| "-".into(), |v| format!("{v:.3}"));
        let rss = p.docver.peak_rss_kib as f64 / 1024.0;
        let _ = writeln!(
            s,
            "| `{}` | {} | {input:.1} | {} | {} | {} | {} | {rss:.1} | {:.2}x | {} |",
            p.shape.label(),
            thousands(p.pair.defs),
            match &p.docver.status {
                Status::Done => cell(d),
                _ => time_cell(&p.docver),
            },
            d.map_or_else(|| "-".into(), |d| format!("{:.1}", d * 1000.0 / input)),
            cell(l),
            d.zip(l)
                .map_or_else(|| "-".into(), |(d, l)| format!("{:.2}x", d / l.max(1e-9))),
            rss / input.max(1e-9),
            p.docver.count,
        );
    }
}

fn row(s: &mut String, t: &ToolResult, docver: Option<&ToolResult>) {
    let rss = if t.runs > 0 {
        format!("{:.1}", t.peak_rss_kib as f64 / 1024.0)
    } else {
        "-".into()
    };
    let ratio = ratio(t, docver);
    let count = match &t.status {
        Status::Done => t.count.clone(),
        Status::TimedOut(_) => "-".into(),
        Status::Failed(why) => format!("failed: {why}"),
        Status::NotInstalled(hint) => format!("not installed (`{hint}`)"),
    };
    let runs = if t.runs > 1 {
        format!(" (best of {})", t.runs)
    } else {
        String::new()
    };
    let _ = writeln!(
        s,
        "| {} | {}{runs} | {rss} | {ratio} | {} | `{}` |",
        t.tool,
        time_cell(t),
        count.replace('|', "\\|"),
        t.command
    );
}

fn time_cell(t: &ToolResult) -> String {
    match (&t.status, &t.best) {
        (Status::Done, Some(b)) => format!("{:.3}", b.wall.as_secs_f64()),
        (Status::TimedOut(limit), _) => format!("timed out (> {} s)", limit.as_secs()),
        (Status::Failed(_), _) if t.runs == 0 => "not run".into(),
        (Status::Failed(_), _) => "failed".into(),
        (Status::NotInstalled(_), _) => "not installed".into(),
        (Status::Done, None) => "-".into(),
    }
}

fn ratio(t: &ToolResult, docver: Option<&ToolResult>) -> String {
    let Some(base) = docver.and_then(|d| d.best.as_ref()) else {
        return "-".into();
    };
    if t.tool == BASELINE {
        return "1.0x (baseline)".into();
    }
    let base_secs = base.wall.as_secs_f64().max(1e-9);
    let mem = if t.runs > 0 && base.max_rss_kib > 0 {
        format!(
            ", {:.1}x its memory",
            t.peak_rss_kib as f64 / base.max_rss_kib as f64
        )
    } else {
        String::new()
    };
    match (&t.status, &t.best) {
        (Status::Done, Some(b)) => format!(
            "{} took {:.1}x docver's time{mem}",
            t.tool,
            b.wall.as_secs_f64() / base_secs
        ),
        (Status::TimedOut(limit), _) => format!(
            "{} took > {:.0}x docver's time (timed out){mem}",
            t.tool,
            limit.as_secs_f64() / base_secs
        ),
        _ => "-".into(),
    }
}

fn thousands(n: usize) -> String {
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

fn round_to(n: usize, step: usize) -> usize {
    (n + step / 2) / step * step
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_numbers() {
        assert_eq!(thousands(50_123), "50,123");
        assert_eq!(thousands(999), "999");
        assert_eq!(round_to(50_123, 1000), 50_000);
    }
}
