//! A small valid family: a field added with a default, a field removed with a default, and a
//! field whose type changes through user migrations.

use docver::versioned;

#[versioned(schema = "note", versions = 1..=3, base = 1)]
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub text: String,
    #[docver(until = 3, default)]
    pub pinned: bool,
    #[docver(since = 2, default)]
    pub tags: Vec<String>,
    #[docver(until = 2, downgrade = migrate::stars_to_count)]
    pub stars: u8,
    #[docver(since = 2, upgrade = migrate::stars_from_count)]
    pub stars: String,
}

mod migrate {
    use super::{NoteV1, NoteV2};

    pub fn stars_from_count(note: &NoteV1) -> String {
        "*".repeat(usize::from(note.stars))
    }

    pub fn stars_to_count(note: &NoteV2) -> u8 {
        u8::try_from(note.stars.len()).unwrap_or(u8::MAX)
    }
}

fn main() {
    let v1 = NoteV1 {
        text: "hello".to_owned(),
        pinned: true,
        stars: 3,
        unknown: Default::default(),
    };
    let mut parts = docver::Parts::default();
    let v2 = v1.clone().upgrade(&mut parts).unwrap();
    assert_eq!(v2.stars, "***");
    let v3 = v2.upgrade(&mut parts).unwrap();
    let back = v3.downgrade(&mut parts).unwrap().downgrade(&mut parts).unwrap();
    assert_eq!(back.stars, 3);
}
