//! `bench-diff`: benchmarks docver's schema diff on a large generated pair of JSON Schema
//! files, next to peer tools when they are installed under `.tools/`.
//!
//! ```text
//! cargo run --release -p docver-bench --bin bench-diff -- [--out DIR] [--runs N]
//!     [--defs N] [--changes N] [--seed N] [--tools DIR] [--install-peers]
//!     [--npm-timeout SECS] [--npm-sizes 10,25,50,100] [--crate-timeout SECS]
//!     [--write-doc FILE]
//! bench-diff measure-self OLD NEW     # one docver run, used by the bench itself
//! bench-diff measure-parse OLD NEW    # the limit: serde_json::from_slice of both files
//! bench-diff run-child [...] -- CMD   # one measured child, used by the bench itself
//! ```

mod bench;
mod common;
mod draft07;
mod generate;
mod measure;
mod report;

use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("measure-self") => measure_self(&args[1..]),
        Some("measure-parse") => measure_parse(&args[1..]),
        Some("run-child") => measure::run_child_main(&args[1..]),
        Some("-h" | "--help") => {
            println!("{}", bench::USAGE);
            ExitCode::SUCCESS
        }
        _ => match bench::Options::parse(&args).and_then(|o| bench::run(&o)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("bench-diff: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

/// Reads OLD and NEW with docver, diffs them and prints one line of figures.
fn measure_self(args: &[String]) -> ExitCode {
    let [old_path, new_path] = args else {
        eprintln!("usage: bench-diff measure-self OLD NEW");
        return ExitCode::from(2);
    };
    let texts = std::fs::read_to_string(old_path)
        .and_then(|old| Ok((old, std::fs::read_to_string(new_path)?)));
    let (old_text, new_text) = match texts {
        Ok(t) => t,
        Err(e) => {
            eprintln!("measure-self: {e}");
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    let schemas = docver_check::read_schema(old_path, &old_text)
        .and_then(|old| Ok((old, docver_check::read_schema(new_path, &new_text)?)));
    let (old, new) = match schemas {
        Ok(s) => s,
        Err(e) => {
            eprintln!("measure-self: {e}");
            return ExitCode::from(3);
        }
    };
    let read = start.elapsed();
    let start = Instant::now();
    let report = docver_check::diff(&old, &new, &docver_check::DiffOptions::default());
    let diff = start.elapsed();
    let witnesses: usize = report.findings.iter().map(|f| f.witnesses.len()).sum();
    println!(
        "findings={} witnesses={witnesses} read_ns={} diff_ns={}",
        report.findings.len(),
        read.as_nanos(),
        diff.as_nanos()
    );
    ExitCode::SUCCESS
}

/// The limit a diff is measured against: reading both files into `serde_json::Value`s with
/// `serde_json::from_slice`, nothing else.
fn measure_parse(args: &[String]) -> ExitCode {
    let [old_path, new_path] = args else {
        eprintln!("usage: bench-diff measure-parse OLD NEW");
        return ExitCode::from(2);
    };
    let start = Instant::now();
    let mut values = Vec::new();
    for path in [old_path, new_path] {
        let parsed = std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                serde_json::from_slice::<serde_json::Value>(&bytes).map_err(|e| e.to_string())
            });
        match parsed {
            Ok(value) => values.push(value),
            Err(e) => {
                eprintln!("measure-parse: {path}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let parse = start.elapsed();
    let objects = values.iter().filter(|v| v.is_object()).count();
    println!("values={objects} parse_ns={}", parse.as_nanos());
    ExitCode::SUCCESS
}
