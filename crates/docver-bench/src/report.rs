//! Markdown for the terminal and for `docs/benchmarks.md`.

use std::fmt::Write as _;

use crate::bench::{Results, Status, ToolResult};
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
        };
        let _ = writeln!(
            s,
            "- Pair `{}`: generated JSON Schema draft 2020-12, seed {}: {} `$defs`, {} properties \
             in OLD, {} changes in NEW ({what}); `{}` {:.1} MiB, `{}` {:.1} MiB",
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

    headline(&mut s, first);

    for run in &r.shapes {
        let _ = writeln!(s, "\n### Pair `{}`\n", run.shape.label());
        let docver = run.tools.iter().find(|t| t.tool == "docver");
        let _ = writeln!(
            s,
            "| tool | time (s) | peak RSS (MiB) | vs docver | findings / changes | command |"
        );
        let _ = writeln!(s, "|---|---:|---:|---|---|---|");
        for t in &run.tools {
            row(&mut s, t, docver);
        }
        if let Some((read, diff)) = docver.and_then(|d| d.breakdown) {
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
            "| definitions | properties | changes | docver (s) | crate peer (s) | npm peer (s) | npm peak RSS (MiB) | npm verdict / failure |"
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

/// The headline: docver against the crate peer on the first pair, in the same run.
fn headline(s: &mut String, run: &crate::bench::ShapeRun) {
    let docver = run.tools.iter().find(|t| t.tool == "docver");
    let peer = run
        .tools
        .iter()
        .find(|t| t.tool == "json-schema-diff (crate)");
    let (Some(d), Some(p)) = (docver, peer) else {
        return;
    };
    let Some(db) = &d.best else {
        return;
    };
    let dsecs = db.wall.as_secs_f64().max(1e-9);
    let peer_text = match (&p.status, &p.best) {
        (Status::Done, Some(pb)) => format!(
            "the json-schema-diff crate {:.3} s and {:.1} MiB, so docver is **{:.1}x faster** \
             and uses {:.2}x the crate's peak memory",
            pb.wall.as_secs_f64(),
            p.peak_rss_kib as f64 / 1024.0,
            pb.wall.as_secs_f64() / dsecs,
            d.peak_rss_kib as f64 / p.peak_rss_kib.max(1) as f64
        ),
        (Status::TimedOut(limit), _) => format!(
            "the json-schema-diff crate timed out after {} s (> {:.0}x docver's time)",
            limit.as_secs(),
            limit.as_secs_f64() / dsecs
        ),
        _ => format!("the json-schema-diff crate: {}", time_cell(p)),
    };
    let inside = d.breakdown.map_or_else(String::new, |(read, diff)| {
        format!(
            " Inside docver's process: reading both schemas {:.3} s, diff {:.3} s.",
            read.as_secs_f64(),
            diff.as_secs_f64()
        )
    });
    let _ = writeln!(
        s,
        "\n**Headline (pair `{}`, same run, same machine):** docver {:.3} s (best of {}), peak RSS \
         {:.1} MiB; {peer_text}.{inside}",
        run.shape.label(),
        db.wall.as_secs_f64(),
        d.runs,
        d.peak_rss_kib as f64 / 1024.0,
    );
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
    if t.tool == "docver" {
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
