//! `bench-derive`: benchmarks the `#[versioned]` derive.
//!
//! ```text
//! cargo run --release -p docver-bench --bin bench-derive -- runtime [--docs N] [--runs N]
//!     [--write-doc FILE]
//! cargo run --release -p docver-bench --bin bench-derive -- compile [--families N] [--runs N]
//!     [--release] [--write-doc FILE]
//! cargo run --release -p docver-bench --bin bench-derive -- write-back [--docs N] [--runs N]
//!     [--write-doc FILE]
//! ```
//!
//! `runtime` upgrades v1 todo documents (JSON text) to v4 through the generated types and
//! through a hand-written serde adapter; `compile` times clean builds of a generated crate of
//! versioned families against the same structs as plain serde derives; `write-back` has a v2 app
//! edit v4 documents and write them back, next to a plain read + write of the same documents.

#[allow(dead_code)]
#[path = "../common.rs"]
mod common;
mod compile;
mod runtime;
mod write_back;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: bench-derive runtime [--docs N (1000000)] [--runs N (5)] [--write-doc FILE]
       bench-derive runtime-only generated|hand [--docs N] [--runs N]   # for a profiler
       bench-derive compile [--families N (50)] [--runs N (3)] [--release] [--write-doc FILE]
       bench-derive write-back [--docs N (100000)] [--runs N (5)] [--write-doc FILE]
--write-doc FILE rewrites only the bench-derive-runtime / bench-derive-compile /
bench-derive-write-back section of FILE.";

#[derive(Debug)]
struct Options {
    docs: usize,
    families: usize,
    runs: Option<usize>,
    release: bool,
    write_doc: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        docs: 1_000_000,
        families: 50,
        runs: None,
        release: false,
        write_doc: None,
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "--release" {
            o.release = true;
            continue;
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let number = || -> Result<usize, String> {
            value
                .parse()
                .map_err(|_| format!("{flag}: `{value}` is not a number"))
        };
        match flag.as_str() {
            "--docs" => o.docs = number()?.max(1),
            "--families" => o.families = number()?.max(1),
            "--runs" => o.runs = Some(number()?.max(1)),
            "--write-doc" => o.write_doc = Some(PathBuf::from(value)),
            _ => return Err(format!("unknown option {flag}\n{USAGE}")),
        }
    }
    Ok(o)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = format!(
        "cargo run --release -p docver-bench --bin bench-derive -- {}",
        args.join(" ")
    );
    let result = match args.first().map(String::as_str) {
        Some("runtime") => parse(&args[1..]).and_then(|o| {
            let r = runtime::run(o.docs, o.runs.unwrap_or(5))?;
            emit(&o, "bench-derive-runtime", &runtime::markdown(&r, &command))
        }),
        Some("runtime-only") => {
            let path = args.get(1).cloned().unwrap_or_default();
            parse(args.get(2..).unwrap_or_default())
                .and_then(|o| runtime::run_only(&path, o.docs, o.runs.unwrap_or(5)))
        }
        Some("write-back") => parse(&args[1..]).and_then(|o| {
            // 100k unless told: the issue's figure, and a write-back is several migrations.
            let docs = if args.iter().any(|a| a == "--docs") {
                o.docs
            } else {
                100_000
            };
            let r = write_back::run(docs, o.runs.unwrap_or(5))?;
            emit(
                &o,
                "bench-derive-write-back",
                &write_back::markdown(&r, &command),
            )
        }),
        Some("compile") => parse(&args[1..]).and_then(|o| {
            let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
            let workspace = workspace.canonicalize().unwrap_or(workspace);
            let r = compile::run(&workspace, o.families, o.runs.unwrap_or(3), o.release)?;
            emit(&o, "bench-derive-compile", &compile::markdown(&r, &command))
        }),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-derive: {e}");
            ExitCode::FAILURE
        }
    }
}

fn emit(o: &Options, section: &str, markdown: &str) -> Result<(), String> {
    println!("{markdown}");
    if let Some(path) = &o.write_doc {
        common::write_section(path, section, markdown)?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
