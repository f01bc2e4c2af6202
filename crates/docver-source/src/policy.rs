//! What a family's policy (from `docver.toml`) asks the check to compare.

/// One family's policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Versions still in the stores (default: every declared version).
    pub live: Option<Vec<u32>>,
    /// Check every pair of live versions, not only neighbours.
    pub transitive: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            live: None,
            transitive: true,
        }
    }
}

impl Policy {
    /// The live versions of a family declaring `declared`.
    pub fn live(&self, declared: &[u32]) -> Vec<u32> {
        self.live.clone().unwrap_or_else(|| declared.to_vec())
    }

    /// The `(older, newer)` version pairs to compare: neighbours from the oldest live version
    /// on (older ones are in no store), and with `transitive` every pair of live versions.
    pub fn pairs(&self, declared: &[u32]) -> Vec<(u32, u32)> {
        let live = self.live(declared);
        let oldest = live.iter().copied().min().unwrap_or(0);
        let versions: Vec<u32> = declared.iter().copied().filter(|v| *v >= oldest).collect();
        let mut pairs: Vec<(u32, u32)> = versions.windows(2).map(|w| (w[0], w[1])).collect();
        if self.transitive {
            for (i, a) in live.iter().enumerate() {
                for b in &live[i + 1..] {
                    if !pairs.contains(&(*a, *b)) && versions.contains(a) && versions.contains(b) {
                        pairs.push((*a, *b));
                    }
                }
            }
        }
        pairs
    }
}
