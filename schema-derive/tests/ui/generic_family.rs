use docver::versioned;

// Generic parameters are refused at the parameters, not silently dropped.
#[versioned(schema = "envelope", versions = 1..=2)]
pub struct Envelope<T: Clone> {
    pub payload: T,
    #[docver(since = 2, default)]
    pub sent: bool,
}

fn main() {}
