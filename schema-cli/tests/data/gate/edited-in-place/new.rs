use docver::versioned;

/// Released v1 changed in place: `color` is now a number.
#[versioned(schema = "note", versions = 1..=1)]
pub struct Note {
    pub title: String,
    pub color: u32,
}
