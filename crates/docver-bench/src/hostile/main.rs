//! `bench-hostile`: diffs the hostile schemas of issue 15 (exponential witness search, large
//! enums and unions, thousands of changed properties) and, for each, a benign pair of the same
//! size in the same run, and prints each one's time, the ratio between them, the findings and
//! the budget warnings, and the size of the JSON report.
//!
//! ```text
//! cargo run --release -p docver-bench --bin bench-hostile -- [--runs N] [--write-doc FILE]
//! ```

#[path = "../common.rs"]
#[allow(dead_code)]
mod common;
mod inputs;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use docver_check::{DiffOptions, DiffReport, Schema, diff, read_schema};

/// What one pair gave.
struct Figures {
    /// Fastest diff of the runs (reading the schemas excluded).
    best: Duration,
    report: DiffReport,
    report_bytes: usize,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut runs = 3;
    let mut write_doc = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match (arg.as_str(), it.next()) {
            ("--runs", Some(n)) if n.parse::<usize>().is_ok_and(|n| n > 0) => {
                runs = n.parse().unwrap_or(runs);
            }
            ("--write-doc", Some(path)) => write_doc = Some(path.clone()),
            _ => {
                eprintln!("usage: bench-hostile [--runs N] [--write-doc FILE]");
                return ExitCode::from(2);
            }
        }
    }
    match run(runs) {
        Ok(section) => {
            println!("{section}");
            if let Some(path) = write_doc
                && let Err(e) = common::write_section(path.as_ref(), "bench-hostile", &section)
            {
                eprintln!("bench-hostile: {e}");
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bench-hostile: {e}");
            ExitCode::FAILURE
        }
    }
}

fn read(name: &str, text: &str) -> Result<Schema, String> {
    read_schema(name, text).map_err(|e| format!("{name}: {e}"))
}

fn measure(old: &str, new: &str, runs: usize) -> Result<Figures, String> {
    let (old, new) = (read("old.json", old)?, read("new.json", new)?);
    let mut best = Duration::MAX;
    let mut report = None;
    for _ in 0..runs {
        let start = Instant::now();
        let r = diff(&old, &new, &DiffOptions::default());
        best = best.min(start.elapsed());
        report = Some(r);
    }
    let report = report.ok_or("no run")?;
    let report_bytes = serde_json::to_string(&report.findings)
        .map_err(|e| e.to_string())?
        .len();
    Ok(Figures {
        best,
        report,
        report_bytes,
    })
}

fn run(runs: usize) -> Result<String, String> {
    let mut rows = Vec::new();
    for input in inputs::all() {
        eprintln!("bench-hostile: {}", input.name);
        let hostile = measure(&input.old, &input.new, runs)?;
        let (benign_old, benign_new) = inputs::benign(input.old.len());
        let benign = measure(&benign_old, &benign_new, runs)?;
        let ratio = hostile.best.as_secs_f64() / benign.best.as_secs_f64().max(1e-9);
        let mut budgets: Vec<&str> = hostile
            .report
            .warnings
            .iter()
            .map(|w| w.budget.id())
            .collect();
        budgets.sort_unstable();
        budgets.dedup();
        rows.push(format!(
            "| `{}` | {} | {} | {:.3} | {:.3} | {ratio:.1}x | {} ({} undecided) | {} | {} | {} |",
            input.name,
            input.what,
            input.old.len() + input.new.len(),
            hostile.best.as_secs_f64() * 1e3,
            benign.best.as_secs_f64() * 1e3,
            hostile.report.findings.len(),
            hostile
                .report
                .findings
                .iter()
                .filter(|f| f.backward == docver_check::Verdict::Undecided
                    || f.forward == docver_check::Verdict::Undecided)
                .count(),
            hostile.report.warnings.len(),
            if budgets.is_empty() {
                "-".to_owned()
            } else {
                budgets.join(", ")
            },
            hostile.report_bytes,
        ));
    }
    Ok(format!(
        "## diff on hostile schemas: budgets (issue 15)\n\n\
         - Date: {} (UTC)\n\
         - Machine: {}\n\
         - Command: `cargo run --release -p docver-bench --bin bench-hostile -- --runs {runs} \
           --write-doc docs/benchmarks.md`\n\
         - Time is the fastest of {runs} in-process diffs (reading excluded). The benign pair \
           of each row is an object of optional string properties, one of which becomes an \
           integer, whose OLD file is as long as the hostile OLD file; the ratio is hostile / \
           benign, both measured in this run.\n\n\
         | input | what | bytes (OLD + NEW) | hostile (ms) | benign (ms) | ratio | findings | \
         warnings | budgets that ran out | JSON findings (bytes) |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---|---:|\n{}\n",
        common::today(),
        common::machine(),
        rows.join("\n")
    ))
}
