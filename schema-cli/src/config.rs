//! `docver.toml`, the policy file at the repository root:
//!
//! ```toml
//! [families.todo-item]
//! live = [2, 3, 4]      # versions still in the stores (default: every declared version)
//! mode = "full"         # backward | forward | full (default full)
//! transitive = true     # check every pair of live versions, not only neighbours (default true)
//! strategy = "per-version-documents"  # | "per-version-databases" | "live" | "transactional"
//! lossless = false      # true: a lossy downgrade is an error (default false)
//!
//! [rules]
//! default-changed = "ignore"   # error | warning | ignore, per rule id
//!
//! [[ignore]]
//! rule = "annotation-changed"
//! path = "examples/"           # a path prefix of the file the finding points into
//! ```

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::CliError;
use crate::report::{Comparison, Mode};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub families: BTreeMap<Spanned<String>, FamilyPolicy>,
    #[serde(default)]
    pub rules: BTreeMap<Spanned<String>, Level>,
    #[serde(default)]
    pub ignore: Vec<Ignore>,
    /// Where the policy was read from, for errors found after reading (unknown families).
    #[serde(skip)]
    source: Option<(PathBuf, String)>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyPolicy {
    pub live: Option<Vec<u32>>,
    pub mode: Option<Mode>,
    pub transitive: Option<bool>,
    /// How old readers get new documents (default: per-version documents, see
    /// `docver_source::Strategy`).
    pub strategy: Option<StrategyName>,
    /// Whether downgrades must keep everything.
    pub lossless: Option<bool>,
}

/// A deployment strategy as `docver.toml` spells it (an unknown name is a located error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StrategyName {
    PerVersionDocuments,
    PerVersionDatabases,
    Live,
    Transactional,
}

impl From<StrategyName> for docver_source::Strategy {
    fn from(name: StrategyName) -> Self {
        match name {
            StrategyName::PerVersionDocuments => docver_source::Strategy::PerVersionDocuments,
            StrategyName::PerVersionDatabases => docver_source::Strategy::PerVersionDatabases,
            StrategyName::Live => docver_source::Strategy::Live,
            StrategyName::Transactional => docver_source::Strategy::Transactional,
        }
    }
}

impl FamilyPolicy {
    /// The policy the check applies to the family.
    pub fn policy(&self) -> docver_source::Policy {
        let default = docver_source::Policy::default();
        docver_source::Policy {
            live: self.live.clone(),
            transitive: self.transitive.unwrap_or(default.transitive),
            strategy: self.strategy.map_or(default.strategy, Into::into),
            lossless: self.lossless.unwrap_or(default.lossless),
        }
    }
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
    pub rule: Spanned<String>,
    #[serde(default)]
    pub path: Option<String>,
}

/// `line:column: ` of a byte offset in `text`.
fn line_column(text: &str, offset: usize) -> String {
    let (line, column) = docver_check::LineIndex::new(text).line_col(text, offset);
    format!("{line}:{column}: ")
}

impl Config {
    /// Reads and validates `path`: a malformed file, an unknown key or an unknown rule id is
    /// an error with its line and column, an unreadable or non-UTF-8 file an error too.
    pub fn load(path: &Path) -> Result<Config, CliError> {
        let bytes = std::fs::read(path)
            .map_err(|e| CliError(format!("{}: cannot read: {e}", path.display())))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            CliError(format!(
                "{}: not UTF-8 text (invalid byte at offset {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ))
        })?;
        Config::parse(path, &text)
    }

    /// Reads and validates policy `text`; errors name `path`, the line and the column.
    pub fn parse(path: &Path, text: &str) -> Result<Config, CliError> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| line_column(text, s.start))
                .unwrap_or_default();
            CliError(format!("{}:{at}{}", path.display(), e.message()))
        })?;
        let rule_ids = config
            .rules
            .keys()
            .chain(config.ignore.iter().map(|i| &i.rule));
        for id in rule_ids {
            if docver_check::rules::rule_info(id.get_ref()).is_none() {
                return Err(CliError(format!(
                    "{}:{}unknown rule `{}` (`docver list-rules` lists them)",
                    path.display(),
                    line_column(text, id.span().start),
                    id.get_ref()
                )));
            }
        }
        config.source = Some((path.to_owned(), text.to_owned()));
        Ok(config)
    }
    /// Every family the policy names must be one of `known` (the families the check found):
    /// a misspelt name would otherwise leave the real family on the default policy.
    pub fn check_families(&self, known: &[String]) -> Result<(), CliError> {
        let Some((path, text)) = &self.source else {
            return Ok(());
        };
        for name in self.families.keys() {
            if !known.contains(name.get_ref()) {
                return Err(CliError(format!(
                    "{}:{}unknown family `{}` (the scanned paths declare: {})",
                    path.display(),
                    line_column(text, name.span().start),
                    name.get_ref(),
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                )));
            }
        }
        Ok(())
    }

    /// The default policy file: `docver.toml` in `cwd` or the nearest directory above it, up
    /// to the repository root (the directory holding `.git`), so a check run from a
    /// subdirectory follows the same policy as one run from the root.
    pub fn find(cwd: &Path) -> Option<std::path::PathBuf> {
        for dir in cwd.ancestors() {
            let candidate = dir.join("docver.toml");
            // Anything named docver.toml is the policy: one that cannot be read is an error.
            if candidate.exists() {
                // Shown as `docver.toml` when it is the current directory's.
                return Some(
                    candidate
                        .strip_prefix(cwd)
                        .map_or(candidate.clone(), Path::to_path_buf),
                );
            }
            if dir.join(".git").exists() {
                break;
            }
        }
        None
    }

    pub fn level(&self, rule: &str, file: &str) -> Level {
        if self.ignore.iter().any(|i| {
            i.rule.get_ref() == rule && i.path.as_deref().is_none_or(|p| file.starts_with(p))
        }) {
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

    /// Each family's policy, by family name.
    pub fn policies(&self) -> BTreeMap<String, docver_source::Policy> {
        self.families
            .iter()
            .map(|(name, p)| (name.get_ref().clone(), p.policy()))
            .collect()
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
