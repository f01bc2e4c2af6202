use docver::versioned;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Progress {
    Open,
    Started,
    Completed,
}

// `down` forgets `Started`: the generated `match` is not exhaustive, and rustc says so at the
// table.
#[versioned(
    schema = "todo",
    versions = 1..=2,
    step(to = 2, lens(convert(
        status,
        up = { false => Progress::Open, true => Progress::Completed },
        down = { Progress::Open => false, Progress::Completed => true },
    ))),
)]
pub struct Todo {
    #[docver(until = 2)]
    pub status: bool,
    #[docver(since = 2)]
    pub status: Progress,
}

fn main() {}
