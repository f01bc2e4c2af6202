//! The `.rs` files of the working tree a check scans.

use std::path::{Path, PathBuf};

use crate::error::SourceError;
use crate::scan::SourceFile;

/// Every `.rs` file under `paths` (files or directories; the current directory when empty),
/// in a stable order. Hidden directories, `target` and `node_modules` are skipped.
pub fn rust_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, SourceError> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    while let Some(path) = stack.pop() {
        let meta = std::fs::metadata(&path)
            .map_err(|e| SourceError(format!("{}: {e}", path.display())))?;
        if meta.is_dir() {
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
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(out)
}

/// The path as reports show it: forward slashes, no leading `./`.
pub fn display_name(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

/// The working-tree text of each file.
pub fn read_files(paths: &[PathBuf]) -> Result<Vec<SourceFile>, SourceError> {
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path)
                .map_err(|e| SourceError(format!("{}: cannot read: {e}", path.display())))?;
            Ok(SourceFile::new(display_name(path), text))
        })
        .collect()
}
