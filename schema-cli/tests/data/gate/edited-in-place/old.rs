use docver::versioned;

#[versioned(schema = "note", versions = 1..=1)]
pub struct Note {
    pub title: String,
    pub color: String,
}
