//! `bench-check`: benchmarks `docver check` (the review-bot workflow) on a generated crate.
//!
//! ```text
//! cargo build --release -p docver-cli
//! cargo run --release -p docver-bench --bin bench-check -- [--files N (2000)]
//!     [--families N (500)] [--runs N (3)] [--out DIR (target/bench-check)]
//!     [--docver PATH (target/release/docver)] [--write-doc FILE]
//! bench-check generate [--files N] [--families N] [--out DIR]   # only write the crate
//! bench-check run-child [...] -- CMD                             # used by the bench itself
//! ```
//!
//! Generates the crate (see [`generate`]), runs `docver check <dir> --format json` once
//! unmeasured (warming the page cache; its report gives the family and finding counts), then
//! `runs` measured times with stdout to `/dev/null`, each through a fresh `run-child` wrapper
//! so `getrusage(RUSAGE_CHILDREN)` sees only that docver process.

#[allow(dead_code)]
#[path = "../common.rs"]
mod common;
mod generate;
#[allow(dead_code)]
#[path = "../measure.rs"]
mod measure;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use measure::Outcome;

const USAGE: &str = "\
usage: bench-check [--files N (2000)] [--families N (500)] [--runs N (3)] [--out DIR]
                   [--docver PATH] [--timeout SECS (120)] [--write-doc FILE]
       bench-check generate [--files N] [--families N] [--out DIR]
--write-doc FILE rewrites only the bench-check section of FILE.";

/// The goal from the issue: the whole check under one second.
const GOAL: Duration = Duration::from_secs(1);

#[derive(Debug)]
struct Options {
    files: usize,
    families: usize,
    runs: usize,
    out: PathBuf,
    docver: PathBuf,
    timeout: Duration,
    write_doc: Option<PathBuf>,
}

fn workspace() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    dir.canonicalize().unwrap_or(dir)
}

fn parse(args: &[String]) -> Result<Options, String> {
    let ws = workspace();
    let mut o = Options {
        files: 2000,
        families: 500,
        runs: 3,
        out: ws.join("target/bench-check"),
        docver: ws.join("target/release/docver"),
        timeout: Duration::from_secs(120),
        write_doc: None,
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let number = || -> Result<usize, String> {
            value
                .parse()
                .map_err(|_| format!("{flag}: `{value}` is not a number"))
        };
        match flag.as_str() {
            "--files" => o.files = number()?.max(1),
            "--families" => o.families = number()?,
            "--runs" => o.runs = number()?.max(1),
            "--timeout" => o.timeout = Duration::from_secs(number()?.max(1) as u64),
            "--out" => o.out = PathBuf::from(value),
            "--docver" => o.docver = PathBuf::from(value),
            "--write-doc" => o.write_doc = Some(PathBuf::from(value)),
            _ => return Err(format!("unknown option {flag}\n{USAGE}")),
        }
    }
    Ok(o)
}

/// What the bench found.
struct Results {
    generated: generate::Generated,
    runs: Vec<Outcome>,
    /// The unmeasured run's exit code and its report's figures.
    status: Option<i32>,
    report: ReportFigures,
    docver_version: String,
    commit: String,
}

#[derive(Debug, Default)]
struct ReportFigures {
    families: usize,
    changes: usize,
    breaking_changes: usize,
    pairs: usize,
    report_bytes: usize,
}

/// Counts from the JSON report: `changes` (findings), `pairs` (comparisons) and the distinct
/// families named in the pairs' version labels (`family-N vK`).
fn read_report(text: &str) -> Result<ReportFigures, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("the JSON report does not parse: {e}"))?;
    let changes = value["changes"]
        .as_array()
        .ok_or("the JSON report has no `changes` array")?;
    let pairs = value["pairs"]
        .as_array()
        .ok_or("the JSON report has no `pairs` array")?;
    let mut families = BTreeSet::new();
    for pair in pairs {
        for key in ["old_version", "new_version"] {
            if let Some(label) = pair[key].as_str() {
                let name = label.rsplit_once(' ').map_or(label, |(name, _)| name);
                families.insert(name.to_owned());
            }
        }
    }
    let breaking_changes = changes
        .iter()
        .filter(|c| c["backward"] == "breaking" || c["forward"] == "breaking")
        .count();
    Ok(ReportFigures {
        families: families.len(),
        changes: changes.len(),
        breaking_changes,
        pairs: pairs.len(),
        report_bytes: text.len(),
    })
}

fn check_command(o: &Options, root: &Path) -> Vec<String> {
    vec![
        o.docver.to_string_lossy().into_owned(),
        "check".into(),
        root.to_string_lossy().into_owned(),
        "--format".into(),
        "json".into(),
    ]
}

fn run(o: &Options) -> Result<Results, String> {
    if !o.docver.is_file() {
        return Err(format!(
            "{} is missing: run `cargo build --release -p docver-cli` first",
            o.docver.display()
        ));
    }
    let start = Instant::now();
    let generated = generate::generate(&o.out, o.files, o.families)?;
    eprintln!(
        "generated {} files ({} families, {} lines) under {} in {:.2?}",
        generated.files,
        generated.families,
        generated.lines,
        generated.root.display(),
        start.elapsed()
    );
    let command = check_command(o, &generated.root);
    let io = |e: std::io::Error| e.to_string();

    // Unmeasured: warms the page cache, and its report gives the counts.
    let report_path = o.out.join("report.json");
    let stderr_path = o.out.join("stderr.txt");
    let first =
        measure::run_measured(&command, o.timeout, &report_path, &stderr_path).map_err(io)?;
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    if first.timed_out {
        return Err(format!("docver check timed out after {:?}", o.timeout));
    }
    if !matches!(first.status, Some(0 | 1)) {
        return Err(format!(
            "docver check failed (exit {:?}; 0 = compatible, 1 = breaking changes, 2 = error):\n{stderr}",
            first.status
        ));
    }
    let report = read_report(&std::fs::read_to_string(&report_path).map_err(io)?)?;
    eprintln!(
        "unmeasured run: exit {:?}, {:.3} s, {} families, {} changes",
        first.status,
        first.wall.as_secs_f64(),
        report.families,
        report.changes
    );

    let mut runs = Vec::new();
    for i in 0..o.runs {
        let outcome =
            measure::run_measured(&command, o.timeout, Path::new("/dev/null"), &stderr_path)
                .map_err(io)?;
        eprintln!(
            "run {}: exit {:?}, {:.3} s, peak RSS {:.1} MiB",
            i + 1,
            outcome.status,
            outcome.wall.as_secs_f64(),
            outcome.rss_mib()
        );
        if outcome.status != first.status || outcome.timed_out {
            return Err(format!(
                "run {} ended differently (exit {:?}, timed out: {})",
                i + 1,
                outcome.status,
                outcome.timed_out
            ));
        }
        runs.push(outcome);
    }
    let docver_version = common::command_output(&o.docver.to_string_lossy(), &["--version"])
        .unwrap_or_else(|| "docver ?".into());
    let commit = git_commit().unwrap_or_else(|| "?".into());
    Ok(Results {
        generated,
        runs,
        status: first.status,
        report,
        docver_version,
        commit,
    })
}

/// The workspace's commit, with `+ local changes` when the tree is dirty.
fn git_commit() -> Option<String> {
    let ws = workspace();
    let ws = ws.to_string_lossy();
    let head = common::command_output("git", &["-C", &ws, "rev-parse", "--short", "HEAD"])?;
    let dirty = Command::new("git")
        .args(["-C", &ws, "diff", "--quiet", "HEAD", "--", "crates"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| !s.success());
    Some(if dirty {
        format!("{head} + local changes")
    } else {
        head
    })
}

fn relative(path: &Path) -> String {
    let ws = workspace();
    path.strip_prefix(&ws)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

fn markdown(o: &Options, r: &Results, bench_command: &str) -> String {
    let g = &r.generated;
    let best = r.runs.iter().map(|o| o.wall).min().unwrap_or_default();
    let rss = r.runs.iter().map(|o| o.max_rss_kib).max().unwrap_or(0) as f64 / 1024.0;
    let all: Vec<String> = r
        .runs
        .iter()
        .map(|o| format!("{:.3}", o.wall.as_secs_f64()))
        .collect();
    let root = relative(&g.root);
    let mut s = String::new();
    let _ = writeln!(s, "## check: {} files, {} families\n", g.files, g.families);
    let _ = writeln!(s, "- Date: {} (UTC)", common::today());
    let _ = writeln!(s, "- Machine: {}", common::machine());
    let _ = writeln!(s, "- Command: `{bench_command}`");
    let _ = writeln!(
        s,
        "- Binary: `{}` ({}, workspace commit {}), built with `cargo build --release -p docver-cli`",
        relative(&o.docver),
        r.docver_version,
        r.commit
    );
    let _ = writeln!(
        s,
        "- Measured command (from the workspace root): `{} check {root} --format json > /dev/null`",
        relative(&o.docver)
    );
    let _ = writeln!(
        s,
        "- Input: generated under `{root}` (not committed): {} `.rs` files in {} directories, \
         {} lines, {:.1} MiB. {} files hold one `#[versioned(schema = \"family-N\", versions = \
         1..=4)]` struct each, modelled on `examples/todo`: 7–10 fields (`String`, `i64`, \
         `Vec<String>`, `Option<Owner{{N}}>` with the nested `#[serde(rename_all = \"camelCase\")]` \
         struct defined in the file, 0–3 of `Option<String>` / renamed `u8` / `Vec<String>`), \
         `#[serde(rename_all = \"camelCase\")]`, two `#[docver(since = 2, default)]` fields, one \
         `#[docver(until = 3, downgrade = …)]` `bool` → `#[docver(since = 3, upgrade = …)]` enum \
         type change with the enum (3–6 variants, varying `rename_all`) defined in the file, and \
         in {} families a required v4 field `revision: u32` (`#[docver(since = 4, upgrade = …)]`). The other {} files are ordinary Rust \
         (an error enum with `Display`, a trait, 1–3 structs with impls, 2–5 functions, tests) \
         with no family.",
        g.files,
        g.files.div_ceil(100),
        g.lines,
        g.bytes as f64 / 1_048_576.0,
        g.families,
        g.required_v4,
        g.files - g.families
    );
    let _ = writeln!(
        s,
        "- Time is wall time of the whole `docver` process, best of {} after one unmeasured \
         warm-up run (files in the page cache); peak RSS is its `ru_maxrss` from \
         `getrusage(RUSAGE_CHILDREN)` in a fresh wrapper per run, largest over the runs.\n",
        r.runs.len()
    );
    let _ = writeln!(
        s,
        "| wall time, best (s) | all runs (s) | peak RSS (MiB) | exit code | families | findings (`changes`) | of them breaking | pairs compared | JSON report |"
    );
    let _ = writeln!(s, "|---:|---|---:|---:|---:|---:|---:|---:|---:|");
    let _ = writeln!(
        s,
        "| {:.3} | {} | {:.1} | {} | {} | {} | {} | {} | {:.1} MiB |",
        best.as_secs_f64(),
        all.join(", "),
        rss,
        r.status.map_or_else(|| "signal".into(), |c| c.to_string()),
        r.report.families,
        r.report.changes,
        r.report.breaking_changes,
        r.report.pairs,
        r.report.report_bytes as f64 / 1_048_576.0
    );
    let verdict = if best < GOAL { "met" } else { "missed" };
    let _ = writeln!(
        s,
        "\n**Goal (under {} s): {verdict}: {:.3} s, peak RSS {rss:.1} MiB.** Exit code 1 is \
         expected (the report has breaking findings); 2 would be an error.",
        GOAL.as_secs(),
        best.as_secs_f64()
    );
    s
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run-child") => return measure::run_child_main(&args[1..]),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some("generate") => parse(&args[1..]).and_then(|o| {
            let g = generate::generate(&o.out, o.files, o.families)?;
            println!(
                "{}: {} files, {} families, {} lines",
                g.root.display(),
                g.files,
                g.families,
                g.lines
            );
            Ok(())
        }),
        _ => parse(&args).and_then(|o| {
            let command = format!(
                "cargo run --release -p docver-bench --bin bench-check -- {}",
                args.join(" ")
            );
            let r = run(&o)?;
            let md = markdown(&o, &r, command.trim_end());
            println!("{md}");
            if let Some(path) = &o.write_doc {
                common::write_section(path, "bench-check", &md)?;
                eprintln!("wrote {}", path.display());
            }
            Ok(())
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-check: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_report_counts() {
        let text = r#"{"changes": [{"backward": "breaking", "forward": "compatible"},
            {"backward": "compatible", "forward": "compatible"}],
            "pairs": [{"old_version": "family-1 v1", "new_version": "family-1 v2"},
                      {"old_version": "family-2 v1", "new_version": "family-2 v2"}]}"#;
        let r = read_report(text).unwrap();
        assert_eq!(
            (r.families, r.changes, r.breaking_changes, r.pairs),
            (2, 2, 1, 2)
        );
    }
}
