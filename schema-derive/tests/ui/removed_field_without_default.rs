use docver::versioned;

#[versioned(schema = "removed", versions = 1..=2)]
pub struct Doc {
    pub name: String,
    #[docver(until = 2)]
    pub legacy: u32,
}

fn main() {}
