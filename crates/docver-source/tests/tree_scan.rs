//! The working-tree scan on a hostile tree: symbolic links out of the repository (to `/etc`, to
//! `/dev/zero`), a FIFO named like a source file and an oversized file are left out with a
//! warning naming each, and the scan finishes (a FIFO opened would block it forever).

#![cfg(unix)]

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use docver_source::tree::{MAX_SOURCE_BYTES, TreeScan, read_files, scan_tree};

/// A fresh directory under the system's temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("docver-tree-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    dir
}

/// Scans `root` on another thread: a scan that blocks fails the test instead of hanging it.
fn scan_within_a_timeout(root: &Path) -> TreeScan {
    let (send, receive) = mpsc::channel();
    let root = root.to_owned();
    std::thread::spawn(move || {
        let scan = scan_tree(&[root]).unwrap();
        let read = read_files(&scan.files).map(|files| files.len());
        send.send((scan, read)).unwrap();
    });
    let (scan, read) = receive
        .recv_timeout(Duration::from_secs(30))
        .expect("the scan blocked");
    assert_eq!(read.unwrap(), scan.files.len());
    scan
}

#[test]
fn links_special_and_oversized_files_are_skipped_with_their_paths() {
    let root = scratch("hostile");
    let src = root.join("src");
    std::fs::write(src.join("lib.rs"), "pub struct A;\n").unwrap();
    symlink("/etc", src.join("etc")).unwrap();
    symlink("/etc/hostname", src.join("hostname.rs")).unwrap();
    symlink("/dev/zero", src.join("zero.rs")).unwrap();
    // A link to a file inside the tree: scanned once, as the file itself.
    symlink(src.join("lib.rs"), src.join("again.rs")).unwrap();
    let fifo = src.join("pipe.rs");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let big = std::fs::File::create(src.join("big.rs")).unwrap();
    // Sparse: no disk is used.
    big.set_len(MAX_SOURCE_BYTES + 1).unwrap();

    let scan = scan_within_a_timeout(&root);
    assert_eq!(scan.files, [src.join("lib.rs")], "{scan:#?}");
    for (entry, why) in [
        ("etc", "symbolic link"),
        ("hostname.rs", "symbolic link"),
        ("zero.rs", "symbolic link"),
        ("again.rs", "symbolic link"),
        ("pipe.rs", "not a regular file"),
        ("big.rs", "larger than 16 MiB"),
    ] {
        let path = format!("{}/src/{entry}: skipped: ", root.display());
        assert!(
            scan.skipped
                .iter()
                .any(|w| w.starts_with(&path) && w.contains(why)),
            "no warning for {entry}: {:#?}",
            scan.skipped
        );
    }
    assert_eq!(scan.skipped.len(), 6, "{:#?}", scan.skipped);
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_link_named_on_the_command_line_is_not_followed_either() {
    let root = scratch("argument");
    let link = root.join("zero.rs");
    symlink("/dev/zero", &link).unwrap();
    let scan = scan_within_a_timeout(&link);
    assert!(scan.files.is_empty(), "{scan:#?}");
    assert_eq!(scan.skipped.len(), 1, "{scan:#?}");
    std::fs::remove_dir_all(&root).unwrap();
}
