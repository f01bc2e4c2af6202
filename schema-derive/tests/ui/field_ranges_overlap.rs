use docver::versioned;

// The error names the versions the two declarations share (`until` is exclusive).
#[versioned(schema = "note", versions = 1..=4)]
pub struct Note {
    #[docver(until = 3, downgrade = migrate::size_down)]
    pub size: u32,
    #[docver(since = 2, upgrade = migrate::size_up)]
    pub size: String,
}

mod migrate {
    pub fn size_down(note: &super::NoteV3) -> u32 {
        note.size.len() as u32
    }

    pub fn size_up(note: &super::NoteV1) -> String {
        note.size.to_string()
    }
}

fn main() {}
