use docver::versioned;

#[versioned(schema = "dup", versions = 1..=3)]
pub struct Doc {
    pub name: String,
    #[docver(since = 2, since = 3, default)]
    pub flag: bool,
    #[docver(since = 2, default)]
    #[docver(default, until = 3)]
    pub count: u32,
}

fn main() {}
