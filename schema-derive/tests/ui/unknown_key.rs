use docver::versioned;

#[versioned(schema = "typo", versions = 1..=2)]
pub struct Doc {
    pub name: String,
    #[docver(sinse = 2, default)]
    pub flag: bool,
}

fn main() {}
