//! The compatibility matrix of a family: for every writer version and reader version, whether
//! the reader accepts the writer's documents as they are.

use docver::Contract;
use docver_check::{DiffOptions, diff};

use crate::error::SourceError;
use crate::sources::Sources;

/// One cell: compatible, or needs an adapter (the derive generates the migration chain, so no
/// cell is left without one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Compatible,
    NeedsAdapter,
}

impl Cell {
    pub fn as_str(self) -> &'static str {
        match self {
            Cell::Compatible => "compatible",
            Cell::NeedsAdapter => "needs adapter",
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

/// The matrix of every family in `sources`.
pub fn matrix(sources: &Sources) -> Result<Vec<FamilyMatrix>, SourceError> {
    let mut all = Vec::new();
    for (_, family) in &sources.families {
        let versions = family.version_numbers();
        let mut cells = Vec::new();
        for &writer in &versions {
            let mut row = Vec::new();
            for &reader in &versions {
                let cell = if writer == reader {
                    Cell::Compatible
                } else {
                    let (_, w) = sources.derive(family, writer, Contract::Writer)?;
                    let (_, r) = sources.derive(family, reader, Contract::Reader)?;
                    // diff(w, r): `backward` asks whether r's reader accepts w's documents.
                    if diff(&w, &r, &DiffOptions::default()).backward.is_breaking() {
                        Cell::NeedsAdapter
                    } else {
                        Cell::Compatible
                    }
                };
                row.push(cell);
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
