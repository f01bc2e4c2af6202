//! Scale-out of the per-version-documents worker: `N` workers follow one store, worker `I`
//! reconciling only the logical documents whose id hashes to `I` (`--partition I/N`). Every
//! logical document belongs to exactly one partition, so no two workers ever reconcile the
//! same one; each partition keeps its own checkpoint, and the records all workers share (the
//! pending list, the conflict log) are written with [`Store::update_local`], so that no
//! worker's entry overwrites another's.
//!
//! The hash is FNV-1a (64 bit) of the id's UTF-8 bytes: the same in every build and on every
//! platform (the standard library's hasher is not), so a restarted worker owns the documents
//! it owned before. Changing `N` gives every partition a fresh checkpoint: each re-reads the
//! feed once, and reconciling a document already in step writes nothing.
//!
//! [`Store::update_local`]: crate::store::Store::update_local

use docver::Family;

use super::reconcile::Layout;
use crate::store::{Doc, Store};

/// Which share of the logical documents a worker takes: `index` of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    pub index: u32,
    pub count: u32,
}

impl Default for Partition {
    fn default() -> Self {
        Partition::WHOLE
    }
}

impl Partition {
    /// Every document (one worker).
    pub const WHOLE: Partition = Partition { index: 0, count: 1 };

    /// `I/N`, with `I < N` (`0/2` and `1/2` split the documents in two).
    pub fn parse(text: &str) -> Result<Partition, String> {
        let bad = || format!("--partition takes I/N with 0 <= I < N (e.g. 0/2), found `{text}`");
        let (index, count) = text.split_once('/').ok_or_else(bad)?;
        let index: u32 = index.trim().parse().map_err(|_| bad())?;
        let count: u32 = count.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Partition { index, count })
    }

    /// Whether the logical document `uuid` is this partition's.
    pub fn owns(&self, uuid: &str) -> bool {
        self.count <= 1 || fnv1a(uuid.as_bytes()) % u64::from(self.count) == u64::from(self.index)
    }

    /// What tells this partition's records apart from the others' (empty for the whole).
    pub fn suffix(&self) -> String {
        match self.count {
            0 | 1 => String::new(),
            n => format!("-part-{}-of-{n}", self.index),
        }
    }
}

/// FNV-1a, 64 bit.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A layout that claims only one partition's documents (the pending documents of other
/// partitions are left to their workers).
pub(crate) struct Partitioned<'a> {
    pub inner: &'a dyn Layout,
    pub partition: Partition,
}

impl Layout for Partitioned<'_> {
    fn family(&self) -> &dyn Family {
        self.inner.family()
    }

    fn live(&self) -> Vec<u32> {
        self.inner.live()
    }

    fn store(&self, version: u32) -> &dyn Store {
        self.inner.store(version)
    }

    fn ledger(&self) -> &dyn Store {
        self.inner.ledger()
    }

    fn doc_id(&self, schema: &str, version: u32, uuid: &str) -> String {
        self.inner.doc_id(schema, version, uuid)
    }

    fn owns(&self, main: &Doc) -> bool {
        self.inner.owns(main)
    }

    fn claims(&self, uuid: &str) -> bool {
        self.partition.owns(uuid) && self.inner.claims(uuid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_only_index_below_count() {
        assert_eq!(
            Partition::parse("1/3"),
            Ok(Partition { index: 1, count: 3 })
        );
        for bad in ["3/3", "0/0", "1", "a/2", "-1/2", ""] {
            assert!(Partition::parse(bad).is_err(), "{bad}");
        }
    }

    /// The law: for every N, every id belongs to exactly one of the N partitions.
    #[test]
    fn every_id_has_exactly_one_partition() {
        let ids = [
            "",
            "u1",
            "héllo",
            "a\"b\n",
            "00000000-0000-0000-0000-000000000000",
        ];
        for count in 1..=7 {
            for id in ids
                .iter()
                .map(|s| s.to_string())
                .chain((0..200).map(|i| format!("todo-{i}")))
            {
                let owners = (0..count)
                    .filter(|&index| Partition { index, count }.owns(&id))
                    .count();
                assert_eq!(owners, 1, "{id:?} with {count} partitions");
            }
        }
    }

    /// Stable across builds: pinned values (a change would move documents between workers).
    #[test]
    fn the_hash_is_pinned() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn two_partitions_share_the_documents() {
        let half = Partition { index: 0, count: 2 };
        let owned = (0..1000).filter(|i| half.owns(&format!("doc-{i}"))).count();
        assert!((400..600).contains(&owned), "{owned}");
    }
}
