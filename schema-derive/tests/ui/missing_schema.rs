use docver::versioned;

// Without `schema`, the field attributes are still checked and reported.
#[versioned(versions = 1..=2)]
pub struct Doc {
    pub name: String,
    #[docver(sinse = 2, default)]
    pub flag: bool,
}

fn main() {}
