//! A second family, declared with lenses only: every step of `contact` is a list of lens
//! operations, so the derive writes all of its upgrades and downgrades.
//!
//! - v1: `name`, `email`, `address { street, city }`, `phones: [{ num }]`, `note`;
//! - v2: `name` renamed to `full_name`; `nickname` added (optional);
//! - v3: `email` becomes `emails`, an array (lossy back: only the first address survives);
//! - v4: `city` moves out of `address` to the top level;
//! - v5: inside `address`, `street` becomes `line1`; inside every phone, `num` becomes
//!   `number`; `note` is removed (kept among unknown fields for older apps).

use docver::versioned;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The address of a contact up to v3.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct AddressV1 {
    pub street: String,
    pub city: String,
}

/// The address of a contact in v4: the city has moved up to the contact.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct AddressV4 {
    pub street: String,
}

/// The address of a contact from v5 on.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct AddressV5 {
    pub line1: String,
}

/// A phone number up to v4.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PhoneV1 {
    pub num: String,
}

/// A phone number from v5 on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PhoneV5 {
    pub number: String,
}

/// A contact in an address book.
#[versioned(
    schema = "contact",
    versions = 1..=5,
    base = 1,
    step(to = 2, lens(rename(from = name, to = full_name), add(nickname))),
    step(to = 3, lens(rename(from = email, to = emails), wrap(emails))),
    step(to = 4, lens(hoist(host = address, name = city))),
    step(to = 5, lens(
        in(address, rename(from = street, to = line1)),
        in(phones, map(rename(from = num, to = number))),
        remove(note, default = String::new()),
    )),
)]
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    #[docver(until = 2)]
    pub name: String,
    #[docver(since = 2)]
    pub full_name: String,
    #[docver(since = 2)]
    pub nickname: Option<String>,
    #[docver(until = 3)]
    pub email: String,
    #[docver(since = 3)]
    pub emails: Vec<String>,
    #[docver(until = 4)]
    pub address: AddressV1,
    #[docver(since = 4, until = 5)]
    pub address: AddressV4,
    #[docver(since = 5)]
    pub address: AddressV5,
    #[docver(since = 4)]
    pub city: String,
    #[docver(until = 5)]
    pub phones: Vec<PhoneV1>,
    #[docver(since = 5)]
    pub phones: Vec<PhoneV5>,
    #[docver(until = 5)]
    pub note: String,
}
