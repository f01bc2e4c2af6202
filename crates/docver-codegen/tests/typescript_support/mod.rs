//! Compiling a generated TypeScript module with `tsc --strict` (the `typescript` npm package,
//! installed into the git-ignored `.tools/typescript` on first use) and running a driver
//! against it in node, as the TypeScript tests share it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The pinned compiler (5.x is plain JavaScript; 7.x is a native build).
pub const TYPESCRIPT: &str = "typescript@5.9.3";

/// `tsc`'s entry script.
pub fn tsc() -> PathBuf {
    let modules = docver_testkit::ensure_npm_tool("typescript", &[TYPESCRIPT])
        .unwrap_or_else(|e| panic!("cannot install {TYPESCRIPT}: {e}"));
    modules.join("typescript").join("bin").join("tsc")
}

/// Compiles `files` (name → TypeScript source) in `dir` with `tsc --strict` into `dir/out`;
/// panics with the compiler's messages when it reports any error.
pub fn compile(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let output = Command::new("node")
        .arg(tsc())
        .args([
            "--strict", "--target", "es2020", "--module", "commonjs", "--outDir", "out",
        ])
        .args(files.iter().map(|(name, _)| name))
        .current_dir(dir)
        .output()
        .expect("node (Node.js) must be installed to run the TypeScript tests");
    assert!(
        output.status.success(),
        "tsc --strict reported errors:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs `dir/out/<script>.js` with `input` in a file as its argument; its stdout as JSON.
pub fn run(dir: &Path, script: &str, input: &Value) -> Value {
    let input_path = dir.join("input.json");
    std::fs::write(&input_path, input.to_string()).unwrap();
    let output = Command::new("node")
        .arg(dir.join("out").join(format!("{script}.js")))
        .arg(&input_path)
        .current_dir(dir)
        .output()
        .expect("node (Node.js) must be installed to run the TypeScript tests");
    assert!(
        output.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "the driver's output is not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// A driver that runs cases against the module `./family` (generic over families, so it
/// reaches the step functions by name) and prints one result per case:
/// `{"ok": value}`, `{"err": {"kind", "pointer", "op"}}`, or `{"crash": message}` for an
/// exception that is not a `DocverError` (always a bug).
pub const DRIVER_TS: &str = r#"
import * as family from "./family";

declare const require: (name: string) => { readFileSync(path: string, encoding: string): string };
declare const process: { argv: string[]; stdout: { write(text: string): void } };

type Case =
  | { kind: "up"; from: number; doc: unknown }
  | { kind: "down"; from: number; doc: unknown }
  | { kind: "readAs"; version: number; doc: unknown }
  | { kind: "writeBack"; edited: unknown; original: unknown };

type Loose = (...args: unknown[]) => unknown;
const api = family as unknown as { [name: string]: Loose };

function run(c: Case): unknown {
  switch (c.kind) {
    case "up":
      return api["upgrade" + c.from + "To" + (c.from + 1)](c.doc);
    case "down":
      return api["downgrade" + c.from + "To" + (c.from - 1)](c.doc);
    case "readAs":
      return api["readAs"](c.version, c.doc);
    case "writeBack":
      return api["writeBack"](c.edited, c.original);
  }
}

const cases = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8")) as Case[];
const results = cases.map((c) => {
  try {
    return { ok: run(c) };
  } catch (e) {
    if (e instanceof family.DocverError) {
      return { err: { kind: e.kind, pointer: e.pointer, op: e.op, paths: e.paths } };
    }
    return { crash: String(e) + (e instanceof Error ? "\n" + e.stack : "") };
  }
});
process.stdout.write(JSON.stringify(results));
"#;
