use docver::versioned;

// Two keys map to "done": the reverse table cannot be derived, and there is no `down`.
#[versioned(
    schema = "todo",
    versions = 1..=2,
    step(to = 2, lens(convert(status, up = { 0 => "open", 1 => "done", 2 => "done" }))),
)]
pub struct Todo {
    #[docver(until = 2)]
    pub status: u8,
    #[docver(since = 2)]
    pub status: String,
}

fn main() {}
