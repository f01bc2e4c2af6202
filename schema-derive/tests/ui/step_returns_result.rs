use docver::{Parts, versioned};

// A function returning a `Result` where the attribute does not say `fallible`: the error says
// to add it.
#[versioned(
    schema = "note",
    versions = 1..=3,
    step(to = 2, upgrade = up, downgrade = down),
)]
pub struct Note {
    pub title: String,
    #[docver(until = 3, downgrade = size_down)]
    pub size: u32,
    #[docver(since = 3, upgrade = size_up)]
    pub size: String,
}

fn up(v1: NoteV1, _parts: &mut Parts) -> Result<NoteV2, String> {
    Ok(NoteV2 { title: v1.title, size: v1.size, unknown: v1.unknown })
}

fn down(v2: NoteV2, _parts: &mut Parts) -> NoteV1 {
    NoteV1 { title: v2.title, size: v2.size, unknown: v2.unknown }
}

fn size_up(v2: &NoteV2) -> String {
    v2.size.to_string()
}

fn size_down(v3: &NoteV3) -> Result<u32, std::num::ParseIntError> {
    v3.size.parse()
}

fn main() {}
