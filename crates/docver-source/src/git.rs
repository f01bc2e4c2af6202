//! The repository a check runs in: the scanned files as they were at a git ref, and the field
//! declarations of their whole history (read with gix, no git binary needed).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::error::SourceError;
use crate::scan::{SourceFile, scan_file};
use crate::tree::display_name;

/// (family, field) → every (version, type) it was declared with in any commit reachable from
/// HEAD (bounded), for the "reserved names" lesson: a removed field's name must not come back
/// with another type while old documents may still carry it.
pub type PastTypes = BTreeMap<(String, String), Vec<(u32, String)>>;

/// How many commits of history `check --against` reads for field declarations.
pub const HISTORY_LIMIT: usize = 2000;

/// The git repository around the working directory.
#[derive(Debug)]
pub struct Repository {
    repo: gix::Repository,
    workdir: PathBuf,
    cwd: PathBuf,
}

impl Repository {
    /// The repository containing `cwd`.
    pub fn discover(cwd: &Path) -> Result<Repository, SourceError> {
        let repo = gix::discover(cwd)
            .map_err(|e| SourceError(format!("--against: not in a git repository: {e}")))?;
        let workdir = repo
            .workdir()
            .ok_or_else(|| SourceError::new("--against: the repository has no work tree"))?;
        // Both sides canonical, so a path given from a subdirectory, as an absolute path or
        // through a symbolic link names the same entry in the trees.
        let canonical = |path: &Path| {
            std::fs::canonicalize(path)
                .map_err(|e| SourceError(format!("--against: {}: {e}", path.display())))
        };
        Ok(Repository {
            workdir: canonical(workdir)?,
            cwd: canonical(cwd)?,
            repo,
        })
    }

    /// `path` (relative to the working directory, or absolute) as a path in the repository's
    /// trees (`""` for the repository root).
    fn in_tree(&self, path: &Path) -> Result<String, SourceError> {
        let absolute = std::fs::canonicalize(self.cwd.join(path))
            .map_err(|e| SourceError(format!("{}: {e}", path.display())))?;
        let relative = absolute.strip_prefix(&self.workdir).map_err(|_| {
            SourceError(format!(
                "{}: outside the repository at {}",
                path.display(),
                self.workdir.display()
            ))
        })?;
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Ok(parts.join("/"))
    }

    /// The text of each of `files` at `reference`. Each of `roots` (the paths the user named)
    /// must exist at the ref: a root the ref does not have is an error, since nothing under it
    /// could be compared. Files the ref does not have under a root are new and left out.
    pub fn read_at(
        &self,
        reference: &str,
        roots: &[PathBuf],
        files: &[PathBuf],
    ) -> Result<Vec<SourceFile>, SourceError> {
        let err = |e: &dyn std::fmt::Display| SourceError(format!("--against: {e}"));
        let id = self
            .repo
            .rev_parse_single(reference)
            .map_err(|e| SourceError(format!("--against: cannot resolve `{reference}`: {e}")))?;
        let object = id.object().map_err(|e| err(&e))?;
        let commit = object
            .peel_to_commit()
            .map_err(|e| SourceError(format!("--against: `{reference}` is not a commit: {e}")))?;
        let tree = commit.tree().map_err(|e| err(&e))?;
        let lookup = |relative: &str| {
            tree.lookup_entry_by_path(relative)
                .map_err(|e| SourceError(format!("--against: {relative}: {e}")))
        };
        for root in roots {
            let relative = self.in_tree(root)?;
            if !relative.is_empty() && lookup(&relative)?.is_none() {
                return Err(SourceError(format!(
                    "--against: {} ({relative} in the repository) does not exist at `{reference}`: \
                     nothing under it can be compared with the ref",
                    root.display()
                )));
            }
        }
        let mut out = Vec::new();
        for path in files {
            let relative = self.in_tree(path)?;
            let Some(entry) = lookup(&relative)? else {
                continue;
            };
            let blob = entry
                .object()
                .map_err(|e| SourceError(format!("--against: {relative}: {e}")))?;
            let text = String::from_utf8_lossy(&blob.data).into_owned();
            out.push(SourceFile::new(display_name(path), text));
        }
        Ok(out)
    }

    /// Every field declaration of the families in `paths`, over the last [`HISTORY_LIMIT`]
    /// commits reachable from HEAD.
    pub fn past_types(&self, paths: &[PathBuf]) -> Result<PastTypes, SourceError> {
        let err =
            |e: &dyn std::fmt::Display| SourceError(format!("--against: reading history: {e}"));
        let relative = paths
            .iter()
            .map(|p| self.in_tree(p))
            .collect::<Result<Vec<_>, _>>()?;
        let mut out = PastTypes::new();
        let mut seen_blobs = HashSet::new();
        let Ok(head) = self.repo.head_commit() else {
            return Ok(out);
        };
        let walk = head.ancestors().all().map_err(|e| err(&e))?;
        for info in walk.take(HISTORY_LIMIT) {
            let info = info.map_err(|e| err(&e))?;
            let commit = self.repo.find_commit(info.id).map_err(|e| err(&e))?;
            let tree = commit.tree().map_err(|e| err(&e))?;
            for path in &relative {
                let Ok(Some(entry)) = tree.lookup_entry_by_path(path) else {
                    continue;
                };
                if !seen_blobs.insert(entry.object_id()) {
                    continue;
                }
                let Ok(blob) = entry.object() else { continue };
                let file = SourceFile::new(
                    path.clone(),
                    String::from_utf8_lossy(&blob.data).into_owned(),
                );
                let Ok((families, _, _)) = scan_file(&file) else {
                    continue;
                };
                for family in families {
                    for version in family.version_numbers() {
                        for field in family.fields_in(version) {
                            out.entry((family.schema.value(), field.name()))
                                .or_default()
                                .push((version, field.type_text()));
                        }
                    }
                }
            }
        }
        Ok(out)
    }
}
