use docver::{Parts, versioned};

#[versioned(
    schema = "dup",
    versions = 1..=2,
    step(to = 2, upgrade = up, downgrade = down, upgrade = up),
    step(to = 2, upgrade = up, downgrade = down),
)]
pub struct Doc {
    pub name: String,
}

fn up(v1: DocV1, _parts: &mut Parts) -> DocV2 {
    DocV2 { name: v1.name, unknown: v1.unknown }
}

fn down(v2: DocV2, _parts: &mut Parts) -> DocV1 {
    DocV1 { name: v2.name, unknown: v2.unknown }
}

fn main() {}
