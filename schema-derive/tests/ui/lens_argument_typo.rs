use docver::versioned;

// A misspelt argument is blamed on itself, not on the operation it is in.
#[versioned(
    schema = "note",
    versions = 1..=2,
    step(to = 2, lens(rename(form = body, to = text))),
)]
pub struct Note {
    #[docver(until = 2)]
    pub body: String,
    #[docver(since = 2)]
    pub text: String,
}

fn main() {}
