use docver::versioned;

/// v2 renames `name` to `full_name`, declared by the lens: migrated both ways.
#[versioned(schema = "person", versions = 1..=2, step(to = 2, lens(rename(from = name, to = full_name))))]
pub struct Person {
    #[docver(until = 2)]
    pub name: String,
    #[docver(since = 2)]
    pub full_name: String,
}
