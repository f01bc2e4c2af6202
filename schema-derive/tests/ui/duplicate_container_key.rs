use docver::versioned;

#[versioned(schema = "dup", versions = 1..=2, schema = "other", versions = 1..=3)]
pub struct Doc {
    pub name: String,
}

fn main() {}
