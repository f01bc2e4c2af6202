use docver::versioned;

/// v2 writes `title` as `name` (a serde rename) and declares no lens: for a reader that is a
/// removal and an addition, and no migration carries either.
#[versioned(schema = "note", versions = 1..=2)]
pub struct Note {
    #[docver(until = 2)]
    pub title: String,
    #[docver(since = 2)]
    #[serde(rename = "name")]
    pub title: String,
    pub body: String,
}
