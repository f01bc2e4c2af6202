use docver::versioned;

#[versioned(schema = "order", versions = [1, 3, 2])]
pub struct Doc {
    pub name: String,
}

fn main() {}
