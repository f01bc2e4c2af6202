//! A whole-step migration written by hand, infallible, and lossless.

use docver::{Parts, Versioned, versioned};

#[versioned(schema = "note", versions = 1..=2, step(to = 2, upgrade = split, downgrade = join, lossless))]
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    #[docver(until = 2)]
    pub name: String,
    #[docver(since = 2)]
    pub first: String,
    #[docver(since = 2)]
    pub last: String,
}

fn split(v1: NoteV1, _parts: &mut Parts) -> NoteV2 {
    let (first, last) = v1.name.split_once(' ').unwrap_or((&v1.name, ""));
    NoteV2 { first: first.to_owned(), last: last.to_owned(), unknown: v1.unknown }
}

fn join(v2: NoteV2, _parts: &mut Parts) -> NoteV1 {
    NoteV1 { name: format!("{} {}", v2.first, v2.last), unknown: v2.unknown }
}

fn main() {
    let v1 = NoteV1 { name: "Ada Lovelace".into(), unknown: Default::default() };
    let doc = v1.to_document();
    // No companion documents: the `Parts` the step functions take are made and checked inside.
    let latest = AnyNote::from_document(&doc).unwrap().into_latest().unwrap();
    assert_eq!(latest.last, "Lovelace");
    let back = AnyNote::V2(latest).migrate(1).unwrap();
    assert_eq!(back.loss, docver::Loss::Lossless);
    assert_eq!(back.loss.to_string(), "lossless");
    let docver::AtVersion { doc: AnyNote::V1(v1), .. } = back else { panic!("not v1") };
    assert_eq!(v1.name, "Ada Lovelace");
    assert!(NoteV2::DOWNGRADE_LOSSLESS);
}
