//! Baseline files: findings accepted once, by fingerprint, so a check can pass on known changes
//! and still fail on new ones.
//!
//! Format (JSON, stable): `{"version": 1, "accepted": [{"fingerprint", "rule", "pointer",
//! "message"}]}`. Only `fingerprint` is matched; the rest is for people reading the file.

use std::collections::HashSet;
use std::path::Path;

use docver_check::Finding;
use serde::{Deserialize, Serialize};

use crate::CliError;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub accepted: Vec<AcceptedFinding>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AcceptedFinding {
    pub fingerprint: String,
    #[serde(default)]
    pub rule: String,
    #[serde(default)]
    pub pointer: String,
    #[serde(default)]
    pub message: String,
}

impl Baseline {
    pub fn read(path: &Path) -> Result<Baseline, CliError> {
        let name = path.display();
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError(format!("{name}: cannot read baseline: {e}")))?;
        let baseline: Baseline = serde_json::from_str(&text).map_err(|e| {
            CliError(format!(
                "{name}:{}:{}: not a baseline file: {e}",
                e.line(),
                e.column()
            ))
        })?;
        if baseline.version != 1 {
            return Err(CliError(format!(
                "{name}: baseline version {} is not supported (expected 1)",
                baseline.version
            )));
        }
        Ok(baseline)
    }

    pub fn from_findings<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Baseline {
        let mut seen = HashSet::new();
        let accepted = findings
            .into_iter()
            .filter(|f| seen.insert(f.fingerprint()))
            .map(|f| AcceptedFinding {
                fingerprint: f.fingerprint(),
                rule: f.rule.clone(),
                pointer: f.pointer.clone(),
                message: f.message.clone(),
            })
            .collect();
        Baseline {
            version: 1,
            accepted,
        }
    }

    /// Writes the file whole or not at all (temporary file, then rename).
    pub fn write(&self, path: &Path) -> Result<(), CliError> {
        let name = path.display();
        let mut text = serde_json::to_string_pretty(self).map_err(|e| CliError(e.to_string()))?;
        text.push('\n');
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, path))
            .map_err(|e| CliError(format!("{name}: cannot write baseline: {e}")))
    }

    pub fn fingerprints(&self) -> HashSet<&str> {
        self.accepted
            .iter()
            .map(|a| a.fingerprint.as_str())
            .collect()
    }
}
