//! `docver.toml`, the policy file at the repository root:
//!
//! ```toml
//! [families.todo-item]
//! live = [2, 3, 4]      # versions still in the stores (default: every declared version)
//! mode = "full"         # backward | forward | full (default full)
//! transitive = true     # check every pair of live versions, not only neighbours (default true)
//!
//! [rules]
//! default-changed = "ignore"   # error | warning | ignore, per rule id
//!
//! [[ignore]]
//! rule = "annotation-changed"
//! path = "examples/"           # a path prefix of the file the finding points into
//! ```

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::Deserialize;

use crate::CliError;
use crate::report::{Comparison, Mode};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub families: BTreeMap<String, FamilyPolicy>,
    #[serde(default)]
    pub rules: BTreeMap<String, Level>,
    #[serde(default)]
    pub ignore: Vec<Ignore>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyPolicy {
    pub live: Option<Vec<u32>>,
    pub mode: Option<Mode>,
    pub transitive: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Ignore,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ignore {
    pub rule: String,
    #[serde(default)]
    pub path: Option<String>,
}

impl Config {
    /// Reads `path`; a missing default file is an empty policy, a malformed one an error with
    /// its line and column.
    pub fn load(path: &Path, required: bool) -> Result<Config, CliError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(_) if !required => return Ok(Config::default()),
            Err(e) => return Err(CliError(format!("{}: cannot read: {e}", path.display()))),
        };
        toml::from_str(&text).map_err(|e| {
            let at = e
                .span()
                .map(|s| {
                    let line = text[..s.start].matches('\n').count() + 1;
                    let column = s.start - text[..s.start].rfind('\n').map_or(0, |i| i + 1) + 1;
                    format!("{line}:{column}: ")
                })
                .unwrap_or_default();
            CliError(format!("{}:{at}{}", path.display(), e.message()))
        })
    }

    /// The default policy file: `docver.toml` in `cwd` or the nearest directory above it, up
    /// to the repository root (the directory holding `.git`), so a check run from a
    /// subdirectory follows the same policy as one run from the root.
    pub fn find(cwd: &Path) -> Option<std::path::PathBuf> {
        for dir in cwd.ancestors() {
            let candidate = dir.join("docver.toml");
            if candidate.is_file() {
                return Some(candidate);
            }
            if dir.join(".git").exists() {
                break;
            }
        }
        None
    }

    pub fn level(&self, rule: &str, file: &str) -> Level {
        if self
            .ignore
            .iter()
            .any(|i| i.rule == rule && i.path.as_deref().is_none_or(|p| file.starts_with(p)))
        {
            return Level::Ignore;
        }
        self.rules.get(rule).copied().unwrap_or(Level::Error)
    }

    /// Drops the findings the policy ignores and returns the fingerprints of those it only
    /// warns about (accepted: they do not fail the check).
    pub fn apply_levels(&self, comparisons: &mut [Comparison<'_>]) -> HashSet<String> {
        let mut warning_level = HashSet::new();
        for comparison in comparisons {
            let name = &comparison.new.name;
            comparison
                .report
                .findings
                .retain(|f| self.level(&f.rule, name) != Level::Ignore);
            for f in &comparison.report.findings {
                if self.level(&f.rule, name) == Level::Warning {
                    warning_level.insert(f.fingerprint());
                }
            }
        }
        warning_level
    }

    /// The mode the policy asks for: a single family's configured mode applies; with several,
    /// the strictest (full).
    pub fn mode(&self) -> Mode {
        let modes: HashSet<_> = self.families.values().filter_map(|p| p.mode).collect();
        if modes.len() == 1 {
            *modes.iter().next().unwrap_or(&Mode::Full)
        } else {
            Mode::Full
        }
    }
}
