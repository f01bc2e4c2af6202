use docver::versioned;

#[versioned(schema = "defaults", versions = 1..=2)]
pub struct Doc {
    pub name: String,
    #[docver(since = 2, default = 5)]
    pub priority: u32,
}

fn main() {}
