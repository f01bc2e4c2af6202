use docver::versioned;

// A misspelt operation is one error, with the name meant; the fields it would have renamed are
// not reported as removed and added on top of it.
#[versioned(
    schema = "note",
    versions = 1..=2,
    step(to = 2, lens(renam(from = body, to = text))),
)]
pub struct Note {
    #[docver(until = 2)]
    pub body: String,
    #[docver(since = 2)]
    pub text: String,
}

fn main() {}
