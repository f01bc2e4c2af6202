//! Markdown for the terminal and for `docs/benchmarks.md`.

use std::fmt::Write as _;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::bench::{Results, Status, ToolResult};
use crate::generate::Shape;

/// A whole `docs/benchmarks.md` around one section.
pub fn document(section: &str) -> String {
    format!(
        "# Benchmarks\n\n\
         Figures produced by `crates/docver-bench` (`bench-diff`). Re-run the command shown in a \
         section to reproduce it; absolute times depend on the machine, the ratios much less.\n\n\
         {section}"
    )
}

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

    if !r.ladder.is_empty() {
        let _ = writeln!(
            s,
            "\n### Smaller pairs: where the npm peer stops coping\n\n\
             Same generator and seed, `tree` shape, one run each, npm timeout {} s.\n",
            r.options.npm_timeout.as_secs()
        );
        let _ = writeln!(
            s,
            "| definitions | properties | changes | docver (s) | crate peer (s) | npm peer (s) | npm peak RSS (MiB) |"
        );
        let _ = writeln!(s, "|---:|---:|---:|---:|---:|---:|---:|");
        for l in &r.ladder {
            let cell = |i: usize| l.results.get(i).map_or_else(|| "-".into(), time_cell);
            let npm_rss = l.results.get(2).filter(|t| t.runs > 0).map_or_else(
                || "-".into(),
                |t| format!("{:.1}", t.peak_rss_kib as f64 / 1024.0),
            );
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {npm_rss} |",
                l.pair.defs,
                l.pair.properties,
                l.pair.changes,
                cell(0),
                cell(1),
                cell(2)
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

fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn machine() -> String {
    let nproc = command_output("nproc", &[]).unwrap_or_else(|| {
        std::thread::available_parallelism().map_or_else(|_| "?".into(), |n| n.to_string())
    });
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name")?.split_once(':'))
        .map_or_else(|| "unknown CPU".into(), |(_, m)| m.trim().to_owned());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        .map_or_else(String::new, |kib| {
            format!(", {:.1} GiB RAM", kib as f64 / 1048576.0)
        });
    let rustc = command_output("rustc", &["--version"]).unwrap_or_else(|| "rustc ?".into());
    format!("`nproc` = {nproc}, CPU model \"{model}\"{memory}, {rustc}")
}

/// Today's date (UTC) as YYYY-MM-DD.
fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Howard Hinnant's days-since-1970 → (year, month, day).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_numbers() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(thousands(50_123), "50,123");
        assert_eq!(thousands(999), "999");
        assert_eq!(round_to(50_123, 1000), 50_000);
    }
}
