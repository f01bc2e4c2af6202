use docver::{Parts, versioned};

// With an error in the attribute, the version types are still declared: the user's functions
// naming them report nothing, and the attribute's error stands alone.
#[versioned(
    schema = "note",
    versions = 1..=3,
    step(to = 3, upgrade = up, downgrade = down, lossles),
)]
#[derive(Debug, Clone)]
pub struct Note {
    pub title: String,
    #[docver(since = 3, default)]
    pub pinned: bool,
}

fn up(v2: NoteV2, _parts: &mut Parts) -> NoteV3 {
    NoteV3 { title: v2.title, pinned: false, unknown: v2.unknown }
}

fn down(v3: NoteV3, _parts: &mut Parts) -> NoteV2 {
    NoteV2 { title: v3.title, unknown: v3.unknown }
}

fn latest(note: Note) -> AnyNote {
    AnyNote::V3(note.clone())
}

fn main() {
    let _ = latest;
}
