//! UI tests of `#[versioned]`: every `tests/ui/*.rs` must fail to build with exactly the errors
//! its reviewed `.stderr` records, except `tests/ui/pass_*.rs`, which must build and run.

use std::path::PathBuf;

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass_*.rs");
    let mut cases: Vec<PathBuf> = std::fs::read_dir("tests/ui")
        .expect("tests/ui exists")
        .map(|entry| entry.expect("readable tests/ui").path())
        .filter(|path| {
            path.extension().is_some_and(|e| e == "rs")
                && !path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("pass_"))
        })
        .collect();
    cases.sort();
    for case in cases {
        t.compile_fail(case);
    }
}
