//! Choosing a strategy: the seed authors' evaluation matrix, and a recommendation from the
//! family's declared changes and a few facts about the deployment.

use serde::Serialize;

/// The strategies `plan` weighs (client-side is the transactional engine on a client store;
/// it has no column of its own in the seed's matrix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    Transactional,
    ClientSide,
    Live,
    PerVersionDatabases,
    PerVersionDocuments,
}

impl Strategy {
    pub const ALL: [Strategy; 4] = [
        Strategy::Transactional,
        Strategy::Live,
        Strategy::PerVersionDatabases,
        Strategy::PerVersionDocuments,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Strategy::Transactional => "transactional",
            Strategy::ClientSide => "client-side",
            Strategy::Live => "live",
            Strategy::PerVersionDatabases => "per-version databases",
            Strategy::PerVersionDocuments => "per-version documents",
        }
    }
}

/// The seed's matrix: criterion, then stars for transactional, live, per-version databases,
/// per-version documents (more is better, 0 is none).
pub const MATRIX: [(&str, [u8; 4]); 9] = [
    ("drop version support", [3, 0, 3, 2]),
    ("multiple versions", [0, 2, 2, 3]),
    ("legacy app support", [0, 0, 3, 3]),
    ("distributed systems", [0, 1, 3, 3]),
    ("seamless migration", [0, 0, 1, 3]),
    ("deduplication", [3, 3, 0, 2]),
    ("conflict safety", [3, 3, 3, 3]),
    ("purge version data", [3, 0, 3, 1]),
    ("simplicity", [3, 1, 2, 3]),
];

/// What `plan` needs to know about the deployment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Facts {
    /// Clients work offline and sync later.
    pub offline_clients: bool,
    /// A user has several devices.
    pub several_devices: bool,
    /// Old app versions stay in use and cannot be forced to update.
    pub legacy_apps: bool,
    /// Old versions' data must be purged eventually.
    pub must_purge: bool,
    /// `diff` found the change compatible in the directions the deployment needs.
    pub compatible: bool,
    /// Each user has one device (so a client migrating its own store forks nothing).
    pub one_device_per_user: bool,
    /// The store is too large to rewrite at once; documents may stay old until touched.
    pub large_store: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recommendation {
    /// `None` when no migration is needed at all.
    pub strategy: Option<Strategy>,
    pub reasons: Vec<String>,
}

pub fn recommend(facts: &Facts) -> Recommendation {
    let mut reasons = Vec::new();
    if facts.compatible {
        reasons.push(
            "the change is compatible in the required directions: old and new apps read each \
             other's documents, so no migration is needed"
                .to_owned(),
        );
        return Recommendation {
            strategy: None,
            reasons,
        };
    }
    let strategy = if facts.legacy_apps && facts.must_purge {
        reasons.push("legacy app versions need their own version of every document, and old versions must be purged: a database per version serves each app its version and is dropped whole (legacy app support ***, purge version data ***), at the cost of duplicates (deduplication -)".into());
        Strategy::PerVersionDatabases
    } else if facts.legacy_apps || facts.offline_clients || facts.several_devices {
        if facts.offline_clients
            && facts.one_device_per_user
            && !facts.legacy_apps
            && !facts.several_devices
        {
            reasons.push("offline clients with one device each can migrate their own local store when the app updates (`migrate --only owner=…` on the client): no second device can fork a document, and the server keeps one version".into());
            return Recommendation {
                strategy: Some(Strategy::ClientSide),
                reasons,
            };
        }
        if facts.legacy_apps {
            reasons.push("legacy app versions that cannot be forced to update need their own version of every document (legacy app support ***)".into());
        }
        if facts.offline_clients {
            reasons.push("offline clients sync old-version documents after any one-shot migration; a `_changes` worker keeps migrating them (distributed systems ***, seamless migration ***)".into());
        }
        if facts.several_devices {
            reasons.push("several devices per user migrating on their own would create conflicting revisions; server-side transformers with deterministic output do not".into());
        }
        if facts.must_purge {
            reasons.push("old versions must be purged: per-version documents purge a version by deleting its ids (purge version data *); per-version databases drop a database (***) at the cost of deduplication".into());
        }
        Strategy::PerVersionDocuments
    } else if facts.must_purge {
        reasons.push("all clients are online and update together: a transactional migration is simplest and purges the old version (simplicity ***, purge version data ***)".into());
        Strategy::Transactional
    } else if facts.large_store {
        reasons.push("all clients are online and update together, old versions need not be purged, and the store is too large to rewrite at once: read every version and write the current one, so documents migrate when touched (`stats` shows the progress; deduplication ***, drop version support -)".into());
        Strategy::Live
    } else {
        reasons.push("all clients are online and update together, so a one-shot transactional migration is the simplest safe choice (simplicity ***); `live` avoids the rewrite if documents may stay old until touched".into());
        Strategy::Transactional
    };
    Recommendation {
        strategy: Some(strategy),
        reasons,
    }
}

/// One step between live versions that `diff` finds breaking, in the given direction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BreakingStep {
    pub from: u32,
    pub to: u32,
    pub direction: &'static str,
    pub rules: Vec<String>,
}

/// Reads the family's declared changes: every step between the `live` versions, checked the
/// precise way (does the newer reader accept what the older writer wrote — backward — and the
/// older reader what the newer writer writes — forward). `None` if the family exports no
/// schemas.
pub fn breaking_steps(
    family: &dyn docver::Family,
    live: &[u32],
    backward: bool,
    forward: bool,
) -> Option<Vec<BreakingStep>> {
    use docver::Contract;
    use docver_check::{DiffOptions, diff, read_schema};
    let schema = |v: u32, c: Contract| -> Option<docver_check::Schema> {
        let text = serde_json::to_string(&family.json_schema(v, c)?).ok()?;
        read_schema(&format!("v{v}"), &text).ok()
    };
    let mut steps = Vec::new();
    for pair in live.windows(2) {
        let (from, to) = (pair[0], pair[1]);
        let checks = [
            (
                backward,
                "backward",
                schema(from, Contract::Writer)?,
                schema(to, Contract::Reader)?,
            ),
            (
                forward,
                "forward",
                schema(from, Contract::Reader)?,
                schema(to, Contract::Writer)?,
            ),
        ];
        for (wanted, direction, old, new) in checks {
            if !wanted {
                continue;
            }
            let report = diff(&old, &new, &DiffOptions::default());
            let dir = if direction == "backward" {
                docver_check::Direction::Backward
            } else {
                docver_check::Direction::Forward
            };
            let rules: Vec<String> = report
                .findings
                .iter()
                .filter(|f| f.verdict(dir).is_breaking())
                .map(|f| f.rule.clone())
                .collect();
            if !rules.is_empty() {
                steps.push(BreakingStep {
                    from,
                    to,
                    direction,
                    rules,
                });
            }
        }
    }
    Some(steps)
}

/// The matrix as a Markdown/text table.
pub fn matrix_table() -> String {
    let stars = |n: u8| {
        if n == 0 {
            "-".to_owned()
        } else {
            "*".repeat(n as usize)
        }
    };
    let mut out = String::from(
        "| criterion | transactional | live | per-version databases | per-version documents |\n|---|---|---|---|---|\n",
    );
    for (criterion, scores) in MATRIX {
        out.push_str(&format!(
            "| {criterion} | {} | {} | {} | {} |\n",
            stars(scores[0]),
            stars(scores[1]),
            stars(scores[2]),
            stars(scores[3])
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compatible_changes_need_no_migration() {
        let r = recommend(&Facts {
            compatible: true,
            legacy_apps: true,
            ..Facts::default()
        });
        assert_eq!(r.strategy, None);
    }

    #[test]
    fn offline_legacy_deployments_get_per_version_documents() {
        let r = recommend(&Facts {
            offline_clients: true,
            legacy_apps: true,
            ..Facts::default()
        });
        assert_eq!(r.strategy, Some(Strategy::PerVersionDocuments));
        assert!(r.reasons.len() >= 2);
        let r = recommend(&Facts {
            must_purge: true,
            ..Facts::default()
        });
        assert_eq!(r.strategy, Some(Strategy::Transactional));
    }

    /// Each of the seed's options is recommended for some flags, and each recommendation
    /// scores at least as well as the alternatives on the criteria its reasons cite (the
    /// matrix's columns: transactional, live, per-version databases, per-version documents).
    #[test]
    fn every_option_is_recommended_for_some_flags() {
        let facts = |f: &dyn Fn(&mut Facts)| {
            let mut facts = Facts::default();
            f(&mut facts);
            facts
        };
        let table: [(Facts, Option<Strategy>, &str, usize); 6] = [
            (facts(&|f| f.compatible = true), None, "", 0),
            (
                facts(&|_| {}),
                Some(Strategy::Transactional),
                "simplicity",
                0,
            ),
            (
                facts(&|f| {
                    f.offline_clients = true;
                    f.one_device_per_user = true;
                }),
                Some(Strategy::ClientSide),
                "",
                0,
            ),
            (
                facts(&|f| f.large_store = true),
                Some(Strategy::Live),
                "deduplication",
                1,
            ),
            (
                facts(&|f| {
                    f.legacy_apps = true;
                    f.must_purge = true;
                }),
                Some(Strategy::PerVersionDatabases),
                "purge version data",
                2,
            ),
            (
                facts(&|f| {
                    f.offline_clients = true;
                    f.several_devices = true;
                }),
                Some(Strategy::PerVersionDocuments),
                "seamless migration",
                3,
            ),
        ];
        for (facts, expected, criterion, column) in table {
            let r = recommend(&facts);
            assert_eq!(r.strategy, expected, "{facts:?}");
            assert!(!r.reasons.is_empty(), "{facts:?}");
            if criterion.is_empty() {
                continue;
            }
            assert!(
                r.reasons.iter().any(|reason| reason.contains(criterion)),
                "{r:?}"
            );
            let (_, scores) = MATRIX.iter().find(|(c, _)| *c == criterion).unwrap();
            assert_eq!(scores[column], *scores.iter().max().unwrap(), "{criterion}");
        }
    }

    #[test]
    fn matrix_is_the_seeds() {
        let table = matrix_table();
        assert!(table.contains("| legacy app support | - | - | *** | *** |"));
        assert!(table.contains("| purge version data | *** | - | *** | * |"));
    }
}
