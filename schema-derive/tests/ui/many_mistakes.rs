use docver::versioned;

// Every mistake below is reported in the same build.
#[versioned(schema = "many", versions = [1, 2, 2, 4], base = 3, sheme = "x")]
pub struct Doc {
    pub name: String,
    #[docver(sinse = 2)]
    pub flag: bool,
    #[docver(since = 2)]
    pub priority: u32,
    #[docver(until = 4)]
    pub legacy: u32,
    #[docver(until = 4)]
    pub kind: bool,
    #[docver(since = 4)]
    pub kind: String,
    #[docver(since = 3, until = 3, default)]
    pub never: bool,
}

fn main() {}
