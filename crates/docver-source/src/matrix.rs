//! The compatibility matrix of a family: for every writer version and reader version, whether
//! the reader accepts the writer's documents as they are, through the family's declared
//! migrations (under its policy's strategy), or not at all.

use std::collections::BTreeMap;

use docver::Contract;
use docver_check::Direction;

use crate::error::SourceError;
use crate::migration::apply_migrations;
use crate::policy::Policy;
use crate::precise::{Contracts, precise_diff};
use crate::sources::Sources;

/// One cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// The reader accepts the writer's documents as they are.
    Compatible,
    /// The reader gets them through the declared migrations; `lossless` when nothing is lost
    /// on the way.
    Migrated { lossless: bool },
    /// Some of them reach the reader as they are and it rejects them.
    Breaking,
}

impl Cell {
    pub fn as_str(self) -> &'static str {
        match self {
            Cell::Compatible => "compatible",
            Cell::Migrated { lossless: true } => "migrated (lossless)",
            Cell::Migrated { lossless: false } => "migrated (lossy)",
            Cell::Breaking => "breaking",
        }
    }
}

/// One family's matrix: `cells[writer][reader]`, both indexes into `versions`.
#[derive(Debug, Clone)]
pub struct FamilyMatrix {
    pub family: String,
    pub versions: Vec<u32>,
    pub cells: Vec<Vec<Cell>>,
}

/// The matrix of every family in `sources`, each under its policy (`policies` by family name;
/// the default policy otherwise).
pub fn matrix(
    sources: &Sources,
    policies: &BTreeMap<String, Policy>,
) -> Result<Vec<FamilyMatrix>, SourceError> {
    let mut all = Vec::new();
    for (_, family) in &sources.families {
        let policy = policies
            .get(&family.schema.value())
            .cloned()
            .unwrap_or_default();
        let versions = family.version_numbers();
        let mut models = BTreeMap::new();
        for &v in &versions {
            let (_, reader) = sources.derive(family, v, Contract::Reader)?;
            let (_, writer) = sources.derive(family, v, Contract::Writer)?;
            models.insert(v, (reader, writer));
        }
        let contracts = |v: u32| Contracts {
            reader: &models[&v].0,
            writer: &models[&v].1,
        };
        let mut cells = Vec::new();
        for &writer in &versions {
            let mut row = Vec::new();
            for &reader in &versions {
                if writer == reader {
                    row.push(Cell::Compatible);
                    continue;
                }
                // An older reader meets newer documents going forward, a newer one older
                // documents going backward.
                let (older, newer) = (writer.min(reader), writer.max(reader));
                let direction = if writer < reader {
                    Direction::Backward
                } else {
                    Direction::Forward
                };
                let mut report = precise_diff(contracts(older), contracts(newer));
                if !report.verdict(direction).is_breaking() {
                    row.push(Cell::Compatible);
                    continue;
                }
                let applied = apply_migrations(&mut report, family, (older, newer), &policy);
                row.push(match applied.get(direction) {
                    _ if report.verdict(direction).is_breaking() => Cell::Breaking,
                    Some(lossless) => Cell::Migrated { lossless },
                    None => Cell::Breaking,
                });
            }
            cells.push(row);
        }
        all.push(FamilyMatrix {
            family: family.schema.value(),
            versions,
            cells,
        });
    }
    Ok(all)
}
