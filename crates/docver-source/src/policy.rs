//! What a family's policy (from `docver.toml`) asks the check to compare, and how its
//! documents reach readers of other versions (which decides what a migration covers).

/// How a family's documents are deployed, which decides whether an old reader ever meets a
/// new document as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// Every live version of each document in one database, kept by transformers: an old app
    /// reads its own version's copy, made by the downgrade chain. The default: it is what the
    /// derive's generated upgrade *and* downgrade chains are for, and what `todo plan`
    /// recommends for offline clients and several app versions at once.
    #[default]
    PerVersionDocuments,
    /// One database per version, kept in sync both ways through the chains.
    PerVersionDatabases,
    /// Documents read at any version and written at the current one: old readers meet new
    /// documents as they are.
    Live,
    /// Every document rewritten to one version: old readers meet new documents as they are.
    Transactional,
}

impl Strategy {
    pub const ALL: [Strategy; 4] = [
        Strategy::PerVersionDocuments,
        Strategy::PerVersionDatabases,
        Strategy::Live,
        Strategy::Transactional,
    ];

    /// The name `docver.toml` spells it with.
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::PerVersionDocuments => "per-version-documents",
            Strategy::PerVersionDatabases => "per-version-databases",
            Strategy::Live => "live",
            Strategy::Transactional => "transactional",
        }
    }

    pub fn from_name(name: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Whether an old reader gets its own version's copy (made by the downgrade chain), so a
    /// forward break is covered where a downgrade is declared.
    pub fn old_readers_read_own_version(self) -> bool {
        matches!(
            self,
            Strategy::PerVersionDocuments | Strategy::PerVersionDatabases
        )
    }
}

/// One family's policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Versions still in the stores (default: every declared version).
    pub live: Option<Vec<u32>>,
    /// Check every pair of live versions, not only neighbours.
    pub transitive: bool,
    pub strategy: Strategy,
    /// Downgrades must keep everything: a lossy one stays an error.
    pub lossless: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            live: None,
            transitive: true,
            strategy: Strategy::default(),
            lossless: false,
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
