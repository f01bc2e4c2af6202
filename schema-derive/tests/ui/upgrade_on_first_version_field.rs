use docver::versioned;

#[versioned(schema = "misplaced", versions = 1..=2)]
pub struct Doc {
    #[docver(upgrade = compute_name)]
    pub name: String,
}

#[allow(dead_code)]
fn compute_name() -> String {
    String::new()
}

fn main() {}
