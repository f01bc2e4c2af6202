use docver::versioned;

// An entry after `_` would never be reached by the generated `match`, while the interpreter
// would try it first: the table is refused at the entry.
#[versioned(
    schema = "todo",
    versions = 1..=2,
    step(to = 2, lens(convert(
        status,
        up = { 0 => "open", _ => "done", 2 => "started" },
        down = { "open" => 0, _ => 1 },
    ))),
)]
pub struct Todo {
    #[docver(until = 2)]
    pub status: u8,
    #[docver(since = 2)]
    pub status: String,
}

fn main() {}
