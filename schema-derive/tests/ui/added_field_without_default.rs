use docver::versioned;

#[versioned(schema = "added", versions = 1..=2)]
pub struct Doc {
    pub name: String,
    #[docver(since = 2)]
    pub priority: u32,
}

fn main() {}
