//! Generates adapters for the todo example's steps and for every rule fixture pair.

use std::fmt::Write as _;
use std::path::Path;

use docver_codegen::adapters::Builder;

fn main() {
    let mut builder = Builder::new();
    for (from, to) in [(1, 2), (2, 3), (3, 4)] {
        builder = builder.pair(
            format!("todo_v{from}_v{to}"),
            format!("../../examples/todo/schemas/v{from}.json"),
            format!("../../examples/todo/schemas/v{to}.json"),
        );
    }
    // Shapes the todo example does not have: nested and recursive objects, arrays of
    // objects, maps, nullable enums, keywords as property names, unions.
    builder = builder.pair(
        "edge_cases",
        "schemas/edge-old.json",
        "schemas/edge-new.json",
    );
    // Schema text written to break out: code fences in descriptions (a doctest of this crate
    // would fail), `self`, `crate` and `super` as property names, a `\r` in a name.
    builder = builder.pair(
        "hostile_input",
        "schemas/hostile-old.json",
        "schemas/hostile-new.json",
    );
    let fixtures = Path::new("../fixtures");
    println!("cargo:rerun-if-changed={}", fixtures.display());
    let mut dirs: Vec<String> = std::fs::read_dir(fixtures)
        .expect("tests/fixtures")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("old.json").is_file() && e.path().join("new.json").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    let mut includes = String::new();
    for dir in &dirs {
        let module = dir.replace('-', "_");
        builder = builder.pair(
            module.as_str(),
            fixtures.join(dir).join("old.json"),
            fixtures.join(dir).join("new.json"),
        );
        writeln!(
            includes,
            "include!(concat!(env!(\"OUT_DIR\"), \"/{module}.rs\"));"
        )
        .unwrap();
    }
    builder.write_to_out_dir().expect("generating adapters");
    // Types taken from this crate instead of generated: `Progress` by the type map (in the
    // todo v2 → v3 step and in `mapped-*.json`), `Person` by `x-rust-type` in the schemas.
    Builder::new()
        .type_map("Progress", "crate::Progress")
        .pair(
            "todo_v2_v3_mapped",
            "../../examples/todo/schemas/v2.json",
            "../../examples/todo/schemas/v3.json",
        )
        .pair(
            "mapped_types",
            "schemas/mapped-old.json",
            "schemas/mapped-new.json",
        )
        .write_to_out_dir()
        .expect("generating adapters with mapped types");
    let out_dir = std::env::var("OUT_DIR").unwrap();
    let path = Path::new(&out_dir).join("fixtures.rs");
    if std::fs::read_to_string(&path).ok().as_deref() != Some(includes.as_str()) {
        std::fs::write(path, includes).unwrap();
    }
}
