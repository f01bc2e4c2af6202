use docver::versioned;

// An enum is not a family (yet): the error says so, at the enum, and what to do instead.
#[versioned(schema = "shape", versions = 1..=2)]
pub enum Shape {
    Circle { radius: f64 },
    Square { side: f64 },
}

fn main() {}
