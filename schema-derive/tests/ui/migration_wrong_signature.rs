use docver::versioned;

#[versioned(schema = "sig", versions = 1..=2)]
pub struct Doc {
    #[docver(until = 2, downgrade = migrate::count_to_bool)]
    pub count: bool,
    #[docver(since = 2, upgrade = migrate::count_from_bool)]
    pub count: u32,
}

mod migrate {
    use super::DocV2;

    // Wrong: an upgrade to v2 reads the v1 document, not the v2 one.
    pub fn count_from_bool(doc: &DocV2) -> u32 {
        doc.count
    }

    pub fn count_to_bool(doc: &DocV2) -> bool {
        doc.count > 0
    }
}

fn main() {}
