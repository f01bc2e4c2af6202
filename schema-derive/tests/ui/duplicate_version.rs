use docver::versioned;

#[versioned(schema = "dup", versions = [1, 2, 2])]
pub struct Doc {
    pub name: String,
}

fn main() {}
