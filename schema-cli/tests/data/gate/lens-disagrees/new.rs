use docver::versioned;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
pub struct AddressV1 {
    pub street: String,
}

/// The lens says `line1`; the struct says `line`.
#[derive(Serialize, Deserialize)]
pub struct AddressV2 {
    pub line: String,
}

#[versioned(
    schema = "contact",
    versions = 1..=2,
    step(to = 2, lens(in(address, rename(from = street, to = line1)))),
)]
pub struct Contact {
    #[docver(until = 2)]
    pub address: AddressV1,
    #[docver(since = 2)]
    pub address: AddressV2,
}
