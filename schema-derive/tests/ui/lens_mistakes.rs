use docver::versioned;

// Every mistake in the lens is reported at once, each at its tokens.
#[versioned(
    schema = "contact",
    versions = 1..=2,
    step(to = 2, lens(
        rename(from = nmae, to = full_name),
        wrapp(emails),
        add(nickname),
        remove(note),
    )),
    step(to = 2, upgrade = up, downgrade = down, lens(add(nickname))),
)]
pub struct Contact {
    #[docver(until = 2)]
    pub name: String,
    #[docver(since = 2)]
    pub full_name: String,
    #[docver(since = 2)]
    pub nickname: String,
    #[docver(until = 2)]
    pub note: String,
    pub emails: Vec<String>,
}

fn main() {}
