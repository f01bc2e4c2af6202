//! The `Parts`-free `migrate` and `into_latest` of a family that declares no companion
//! documents: the same results as the `_with` forms, and an error (never a silent drop) when a
//! step function puts a companion anyway.

use docver::{AtVersion, DocError, Loss, Parts, Versioned, versioned};

#[versioned(schema = "name", versions = 1..=2, step(to = 2, upgrade = split, downgrade = join))]
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    #[docver(until = 2)]
    pub full: String,
    #[docver(since = 2)]
    pub first: String,
    #[docver(since = 2)]
    pub last: String,
}

fn split(v1: NameV1, parts: &mut Parts) -> NameV2 {
    let (first, last) = v1.full.split_once(' ').unwrap_or((&v1.full, ""));
    // A step that writes a companion without declaring `parts = [...]`.
    if first == "put" {
        parts.put(&NameV1 {
            full: "companion".into(),
            unknown: Default::default(),
        });
    }
    NameV2 {
        first: first.to_owned(),
        last: last.to_owned(),
        unknown: v1.unknown,
    }
}

fn join(v2: NameV2, _parts: &mut Parts) -> NameV1 {
    NameV1 {
        full: format!("{} {}", v2.first, v2.last),
        unknown: v2.unknown,
    }
}

fn v1(full: &str) -> AnyName {
    AnyName::V1(NameV1 {
        full: full.into(),
        unknown: Default::default(),
    })
}

#[test]
fn parts_free_forms_agree_with_the_with_forms() {
    let mut parts = Parts::new(None);
    let with = v1("Ada Lovelace").into_latest_with(&mut parts).unwrap();
    assert_eq!(v1("Ada Lovelace").into_latest().unwrap(), with);
    let down = AnyName::V2(with.clone()).migrate(1).unwrap();
    assert_eq!(down, AnyName::V2(with).migrate_with(1, &mut parts).unwrap());
    // A whole-step downgrade not declared `lossless` says so, for the whole document.
    assert_eq!(
        down.loss,
        Loss::Lossy {
            paths: vec![String::new()]
        }
    );
    assert_eq!(down.loss.to_string(), "lossy at the whole document");
    let AtVersion {
        doc: AnyName::V1(name),
        ..
    } = down
    else {
        panic!("not v1: {down:?}")
    };
    assert_eq!(name.full, "Ada Lovelace");
}

#[test]
fn an_undeclared_companion_is_an_error_not_dropped() {
    let error = v1("put it").into_latest().unwrap_err();
    let DocError::Migration {
        from, to, message, ..
    } = &error
    else {
        panic!("not a migration error: {error}")
    };
    assert_eq!((*from, *to), (1, 2));
    assert!(
        message.contains("(name)") && message.contains("into_latest_with"),
        "{message}"
    );
    // With `_with`, the caller receives it.
    let mut parts = Parts::new(None);
    v1("put it").into_latest_with(&mut parts).unwrap();
    assert_eq!(parts.docs.keys().collect::<Vec<_>>(), ["name"]);
    let _ = NameV2::VERSION;
}
