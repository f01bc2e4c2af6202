use docver::versioned;

#[versioned(schema = "empty", versions = 1..=3)]
pub struct Doc {
    pub name: String,
    #[docver(since = 3, until = 3, default)]
    pub never: bool,
    #[docver(since = 7, default)]
    pub later: bool,
}

fn main() {}
