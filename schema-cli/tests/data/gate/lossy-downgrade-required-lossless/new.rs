use docver::versioned;

/// `wrap` keeps only the first address on the way back, and the policy wants lossless.
#[versioned(
    schema = "person",
    versions = 1..=2,
    step(to = 2, lens(rename(from = email, to = emails), wrap(emails))),
)]
pub struct Person {
    #[docver(until = 2)]
    pub email: String,
    #[docver(since = 2)]
    pub emails: Vec<String>,
}
