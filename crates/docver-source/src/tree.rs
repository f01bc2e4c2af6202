//! The `.rs` files of the working tree a check scans.
//!
//! The tree is untrusted input (a pull request can add any entry), so the scan reads only
//! regular files of bounded size: a symbolic link is never followed (it may lead out of the
//! repository, to `/etc` or `/dev/zero`; a link into the scanned paths names a file scanned
//! anyway), a FIFO, socket or device is never opened (opening a FIFO blocks), and a file larger
//! than [`MAX_SOURCE_BYTES`] is not read. Each entry left out is a warning naming its path.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::SourceError;
use crate::scan::SourceFile;

/// The largest `.rs` file a check reads (generated sources run to a few MiB at most).
pub const MAX_SOURCE_BYTES: u64 = 16 << 20;

/// What a scan of the working tree found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TreeScan {
    /// The `.rs` files to read, in a stable order.
    pub files: Vec<PathBuf>,
    /// `path: why` for each entry left out that could have held a `.rs` file.
    pub skipped: Vec<String>,
}

/// Every `.rs` file under `paths` (files or directories; the current directory when empty),
/// in a stable order. Hidden directories, `target` and `node_modules` are skipped silently;
/// symbolic links, special files and oversized files with a warning (see the module).
pub fn scan_tree(paths: &[PathBuf]) -> Result<TreeScan, SourceError> {
    let mut scan = TreeScan::default();
    let mut stack: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    while let Some(path) = stack.pop() {
        // `symlink_metadata`: the entry itself, never what a link points to.
        let meta = std::fs::symlink_metadata(&path)
            .map_err(|e| SourceError(format!("{}: {e}", path.display())))?;
        let kind = meta.file_type();
        if kind.is_dir() {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path != Path::new(".")
                && (name.starts_with('.') || name == "target" || name == "node_modules")
            {
                continue;
            }
            let mut entries: Vec<PathBuf> = std::fs::read_dir(&path)
                .map_err(|e| SourceError(format!("{}: {e}", path.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            entries.sort();
            stack.extend(entries.into_iter().rev());
        } else if kind.is_symlink() {
            // Only a link that could have led to `.rs` files is worth a word.
            if is_rust(&path) || std::fs::metadata(&path).is_ok_and(|m| m.is_dir()) {
                scan.skip(&path, "a symbolic link; not followed");
            }
        } else if !is_rust(&path) {
            continue;
        } else if !kind.is_file() {
            scan.skip(
                &path,
                "not a regular file (a FIFO, socket or device); not read",
            );
        } else if meta.len() > MAX_SOURCE_BYTES {
            let limit = MAX_SOURCE_BYTES >> 20;
            scan.skip(&path, &format!("larger than {limit} MiB; not read"));
        } else {
            scan.files.push(path);
        }
    }
    Ok(scan)
}

fn is_rust(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "rs")
}

impl TreeScan {
    fn skip(&mut self, path: &Path, why: &str) {
        self.skipped
            .push(format!("{}: skipped: {why}", display_name(path)));
    }
}

/// The files of [`scan_tree`], without the warnings.
pub fn rust_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, SourceError> {
    scan_tree(paths).map(|scan| scan.files)
}

/// The path as reports show it: forward slashes, no leading `./`.
pub fn display_name(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

/// The working-tree text of each file, each read up to [`MAX_SOURCE_BYTES`] (a file that grew
/// past it since the scan is an error, not an unbounded read).
pub fn read_files(paths: &[PathBuf]) -> Result<Vec<SourceFile>, SourceError> {
    paths
        .iter()
        .map(|path| {
            let cannot = |e: &dyn std::fmt::Display| {
                SourceError(format!("{}: cannot read: {e}", path.display()))
            };
            let file = std::fs::File::open(path).map_err(|e| cannot(&e))?;
            let mut text = String::new();
            file.take(MAX_SOURCE_BYTES + 1)
                .read_to_string(&mut text)
                .map_err(|e| cannot(&e))?;
            if text.len() as u64 > MAX_SOURCE_BYTES {
                let limit = MAX_SOURCE_BYTES >> 20;
                return Err(cannot(&format!("larger than {limit} MiB")));
            }
            Ok(SourceFile::new(display_name(path), text))
        })
        .collect()
}
