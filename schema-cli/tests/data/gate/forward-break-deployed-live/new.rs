use docver::versioned;

/// Deployed `live`, a v1 app meets v2 documents as they are: the rename breaks it.
#[versioned(schema = "person", versions = 1..=2, step(to = 2, lens(rename(from = name, to = full_name))))]
pub struct Person {
    #[docver(until = 2)]
    pub name: String,
    #[docver(since = 2)]
    pub full_name: String,
}
