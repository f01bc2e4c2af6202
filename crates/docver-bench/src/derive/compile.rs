//! Compile-time benchmark: a throwaway crate of `families` × 4 versions through
//! `#[docver::versioned]`, and the same structs as plain serde + schemars derives; a clean
//! build of just that crate (dependencies prebuilt), best of `runs`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// What one family looks like, version by version (modelled on `examples/todo`):
///
/// - v1: `title: String`, `count: i64`, `tags: Vec<String>`, `owner: Option<String>`;
/// - v2: adds `important: bool` (`default`);
/// - v3: `count` becomes a `String` (upgrade and downgrade functions);
/// - v4: adds `score: f64` and `note: Option<String>` (`default`).
fn versioned_family(i: usize) -> String {
    format!(
        r#"
/// Family {i}.
#[versioned(schema = "family-{i}", versions = 1..=4, base = 1)]
#[derive(Debug, Clone, PartialEq)]
pub struct Family{i} {{
    pub title: String,
    #[docver(until = 3, downgrade = m{i}::count_to_int)]
    pub count: i64,
    pub tags: Vec<String>,
    pub owner: Option<String>,
    #[docver(since = 2, default)]
    pub important: bool,
    #[docver(since = 3, upgrade = m{i}::count_from_int)]
    pub count: String,
    #[docver(since = 4, default)]
    pub score: f64,
    #[docver(since = 4, default)]
    pub note: Option<String>,
}}

pub mod m{i} {{
    use super::{{Family{i}V2, Family{i}V3}};

    pub fn count_from_int(v: &Family{i}V2) -> String {{
        v.count.to_string()
    }}

    pub fn count_to_int(v: &Family{i}V3) -> i64 {{
        v.count.parse().unwrap_or_default()
    }}
}}
"#
    )
}

fn plain_family(i: usize) -> String {
    let derive = "#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]";
    let extra =
        "    #[serde(flatten)]\n    #[schemars(skip)]\n    pub extra: Map<String, Value>,\n";
    let mut s = String::new();
    let versions: [&[&str]; 4] = [
        &[
            "pub title: String",
            "pub count: i64",
            "pub tags: Vec<String>",
            "pub owner: Option<String>",
        ],
        &[
            "pub title: String",
            "pub count: i64",
            "pub tags: Vec<String>",
            "pub owner: Option<String>",
            "#[serde(default)]\n    pub important: bool",
        ],
        &[
            "pub title: String",
            "pub tags: Vec<String>",
            "pub owner: Option<String>",
            "#[serde(default)]\n    pub important: bool",
            "pub count: String",
        ],
        &[
            "pub title: String",
            "pub tags: Vec<String>",
            "pub owner: Option<String>",
            "#[serde(default)]\n    pub important: bool",
            "pub count: String",
            "#[serde(default)]\n    pub score: f64",
            "#[serde(default)]\n    pub note: Option<String>",
        ],
    ];
    for (v, fields) in versions.iter().enumerate() {
        let _ = writeln!(
            s,
            "\n/// Family {i}, version {}.\n{derive}\npub struct Family{i}V{} {{",
            v + 1,
            v + 1
        );
        for f in *fields {
            let _ = writeln!(s, "    {f},");
        }
        let _ = writeln!(s, "{extra}}}");
    }
    s
}

fn manifest(name: &str, workspace: &Path) -> String {
    let docver = workspace.join("crates/docver");
    format!(
        r#"[package]
name = "{name}"
version = "0.0.0"
edition = "2024"
publish = false

# Its own workspace: not a member of the docver workspace it sits in (under target/).
[workspace]

[lib]
path = "lib.rs"

[dependencies]
docver = {{ path = "{}" }}
serde = {{ version = "1.0.228", features = ["derive"] }}
serde_json = {{ version = "1.0.145", features = ["preserve_order"] }}
schemars = {{ version = "1.2.3", features = ["preserve_order"] }}
"#,
        docver.display()
    )
}

/// Writes both crates under `dir`; returns their directories (versioned, plain).
pub fn write_crates(
    dir: &Path,
    workspace: &Path,
    families: usize,
) -> Result<(PathBuf, PathBuf), String> {
    let io = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    let mut out = Vec::new();
    for (name, header, body) in [
        (
            "derive_versioned",
            "#![allow(missing_docs)]\nuse docver::versioned;\n",
            (0..families).map(versioned_family).collect::<String>(),
        ),
        (
            "derive_plain",
            "#![allow(missing_docs)]\nuse schemars::JsonSchema;\nuse serde::{Deserialize, Serialize};\nuse serde_json::{Map, Value};\n",
            (0..families).map(plain_family).collect::<String>(),
        ),
    ] {
        let crate_dir = dir.join(name);
        fs::create_dir_all(&crate_dir).map_err(|e| io(&crate_dir, e))?;
        let write = |file: &str, text: &str| {
            let p = crate_dir.join(file);
            fs::write(&p, text).map_err(|e| io(&p, e))
        };
        write("Cargo.toml", &manifest(name, workspace))?;
        write(
            "lib.rs",
            &format!("//! Generated by `bench-derive compile`; throwaway.\n{header}{body}"),
        )?;
        // The workspace's lock file, so both crates build against the same, prebuilt versions.
        let lock = workspace.join("Cargo.lock");
        fs::copy(&lock, crate_dir.join("Cargo.lock")).map_err(|e| io(&lock, e))?;
        out.push(crate_dir);
    }
    Ok((out[0].clone(), out[1].clone()))
}

fn cargo(crate_dir: &Path, target: &Path, args: &[&str]) -> Result<(), String> {
    let output = Command::new("cargo")
        .args(args)
        .arg("--offline")
        .arg("--manifest-path")
        .arg(crate_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cargo: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "cargo {} in {} failed:\n{}",
            args.join(" "),
            crate_dir.display(),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

#[derive(Debug)]
pub struct CompileResult {
    pub families: usize,
    pub runs: usize,
    pub profile: &'static str,
    pub versioned: Duration,
    pub plain: Duration,
    pub versioned_all: Vec<Duration>,
    pub plain_all: Vec<Duration>,
    pub versioned_lines: usize,
    pub plain_lines: usize,
    pub dir: PathBuf,
}

pub fn run(
    workspace: &Path,
    families: usize,
    runs: usize,
    release: bool,
) -> Result<CompileResult, String> {
    let dir = workspace.join("target/bench-derive/compile");
    let target = dir.join("target");
    let (versioned, plain) = write_crates(&dir, workspace, families)?;
    let profile_args: &[&str] = if release { &["--release"] } else { &[] };
    let build: Vec<&str> = std::iter::once("build")
        .chain(profile_args.iter().copied())
        .collect();
    eprintln!("prebuilding dependencies ...");
    for c in [&versioned, &plain] {
        cargo(c, &target, &build)?;
    }
    let mut versioned_all = Vec::new();
    let mut plain_all = Vec::new();
    for run in 1..=runs {
        for (c, name, all) in [
            (&versioned, "derive_versioned", &mut versioned_all),
            (&plain, "derive_plain", &mut plain_all),
        ] {
            let mut clean = vec!["clean", "-p", name];
            clean.extend(profile_args);
            cargo(c, &target, &clean)?;
            let start = Instant::now();
            cargo(c, &target, &build)?;
            let took = start.elapsed();
            eprintln!("  run {run}/{runs}: {name} {:.2} s", took.as_secs_f64());
            all.push(took);
        }
    }
    let lines = |c: &Path| fs::read_to_string(c.join("lib.rs")).map_or(0, |t| t.lines().count());
    Ok(CompileResult {
        families,
        runs,
        profile: if release { "release" } else { "dev" },
        versioned: versioned_all.iter().copied().min().unwrap_or_default(),
        plain: plain_all.iter().copied().min().unwrap_or_default(),
        versioned_lines: lines(&versioned),
        plain_lines: lines(&plain),
        versioned_all,
        plain_all,
        dir,
    })
}

pub fn markdown(r: &CompileResult, command: &str) -> String {
    let mut s = String::new();
    let secs = |all: &[Duration]| {
        all.iter()
            .map(|d| format!("{:.2}", d.as_secs_f64()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        s,
        "## derive at compile time: {} families x 4 versions\n",
        r.families
    );
    let _ = writeln!(s, "- Date: {} (UTC)", crate::common::today());
    let _ = writeln!(s, "- Machine: {}", crate::common::machine());
    let _ = writeln!(s, "- Command: `{command}`");
    let _ = writeln!(
        s,
        "- Two throwaway crates generated under `{}` (not committed), each its own workspace \
         with the same dependencies (`docver`, `serde`, `serde_json`, `schemars`) and the \
         workspace's `Cargo.lock`, sharing one target directory:\n  \
         - `derive_versioned` ({} lines): {} `#[versioned(versions = 1..=4, base = 1)]` families \
         modelled on `examples/todo`: v1 `title`, `count: i64`, `tags`, `owner`; v2 adds \
         `important` (`default`); v3 changes `count` to `String` (upgrade and downgrade \
         functions); v4 adds `score` and `note` (`default`).\n  \
         - `derive_plain` ({} lines): the same {} structs as plain \
         `#[derive(Serialize, Deserialize, JsonSchema)]` with `#[serde(flatten)] extra`, and \
         no migration code at all (the generated crate also gets the `Any*` enums, the \
         upgrades/downgrades, `Versioned` impls, the family impls and per-version schemas).",
        r.dir.display(),
        r.versioned_lines,
        r.families,
        r.plain_lines,
        r.families * 4
    );
    let _ = writeln!(
        s,
        "- Each run: `cargo clean -p <crate>` then `cargo build{}` of that crate, \
         dependencies already built (`{}` profile); best of {}.",
        if r.profile == "release" {
            " --release"
        } else {
            ""
        },
        r.profile,
        r.runs
    );
    let ratio = r.versioned.as_secs_f64() / r.plain.as_secs_f64().max(1e-9);
    let _ = writeln!(
        s,
        "\n| crate | best (s) | all runs (s) |\n|---|---:|---|\n\
         | `derive_versioned` | {:.2} | {} |\n| `derive_plain` | {:.2} | {} |",
        r.versioned.as_secs_f64(),
        secs(&r.versioned_all),
        r.plain.as_secs_f64(),
        secs(&r.plain_all)
    );
    let _ = writeln!(
        s,
        "\n**Ratio versioned / plain build time: {ratio:.2}x** (goal <= 1.2x)."
    );
    s
}
