use docver::versioned;

#[versioned(schema = "retype", versions = 1..=2)]
pub struct Doc {
    pub name: String,
    #[docver(until = 2)]
    pub count: bool,
    #[docver(since = 2)]
    pub count: String,
}

fn main() {}
