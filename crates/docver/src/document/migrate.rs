//! Migrating a document of any version, step by step, to another version: what the generated
//! `migrate`, `read` and [`Family`](crate::Family) implementations call.

use serde_json::Value;

use super::any_version::{AnyVersion, any_from_document};
use super::migration_error::migration_failed;
use super::parts::Parts;
use super::tag::read_tag;
use crate::error::DocError;
use crate::family::{AtVersion, DocumentSet, Loss, Migrated};

/// Migrates one version up or down, step by step, to `target`. Unknown fields survive; the
/// returned loss says what the downgrades could not keep.
pub fn any_migrate<A: AnyVersion>(
    any: A,
    target: u32,
    parts: &mut Parts,
) -> Result<(A, Loss), DocError> {
    let schema = A::NAMES.schema_name;
    if !A::VERSIONS.contains(&target) {
        return Err(DocError::UnknownVersion {
            id: parts.id.clone(),
            schema: schema.to_owned(),
            found: u64::from(target),
            known: A::VERSIONS.to_vec(),
        });
    }
    let mut current = any;
    let mut loss = Loss::Lossless;
    while current.version() != target {
        let step = if current.version() < target {
            current.step_up(parts).map(|next| (next, Loss::Lossless))
        } else {
            current.step_down(parts)
        };
        match step {
            Ok((next, step_loss)) => {
                current = next;
                loss = loss.then(step_loss);
            }
            Err((from, to, e)) => return Err(migration_failed(schema, parts, from, to, e)),
        }
    }
    Ok((current, loss))
}

/// [`any_migrate`] with its result named: the generated `migrate_with`.
#[inline]
pub fn migrate_at<A: AnyVersion>(
    any: A,
    target: u32,
    parts: &mut Parts,
) -> Result<AtVersion<A>, DocError> {
    any_migrate(any, target, parts).map(|(doc, loss)| AtVersion { doc, loss })
}

/// Runs a migration of a family that declares no companion documents (`parts = [...]`) with
/// fresh, empty [`Parts`]: the generated `migrate` and `into_latest`. A step function that puts
/// companions anyway is an error rather than companions silently dropped.
#[inline]
pub fn without_companions<A: AnyVersion, T>(
    any: A,
    target: u32,
    migrate: impl FnOnce(A, &mut Parts) -> Result<T, DocError>,
) -> Result<T, DocError> {
    let from = any.version();
    let mut parts = Parts::new(super::any_version::any_id(&any));
    let migrated = migrate(any, &mut parts)?;
    if parts.is_empty() {
        return Ok(migrated);
    }
    let kinds: Vec<&str> = parts.docs.keys().collect();
    Err(DocError::Migration {
        id: parts.id.clone(),
        schema: A::NAMES.schema_name.to_owned(),
        from,
        to: target,
        message: format!(
            "a step put companion documents ({}) that the family does not declare: declare them with `parts = [...]` on the step and call `migrate_with`/`into_latest_with` to receive them",
            kinds.join(", ")
        ),
    })
}

fn no_path(schema: &str, parts: &Parts, from: u32, to: u32) -> DocError {
    DocError::Migration {
        id: parts.id.clone(),
        schema: schema.to_owned(),
        from,
        to,
        message: "no migration path".to_owned(),
    }
}

/// Reads a document of any known version as the version `extract` takes, migrating it up or
/// down.
pub fn read_as<A: AnyVersion, T>(
    doc: &Value,
    parts: &mut Parts,
    version: u32,
    extract: fn(A) -> Option<T>,
) -> Result<(T, Loss), DocError> {
    let (any, loss) = any_migrate(any_from_document::<A>(doc)?, version, parts)?;
    let found = any.version();
    match extract(any) {
        Some(read) => Ok((read, loss)),
        None => Err(no_path(A::NAMES.schema_name, parts, found, version)),
    }
}

/// [`Family::version_of`](crate::Family::version_of) for a generated family.
pub fn family_version_of<A: AnyVersion>(doc: &Value) -> Result<u32, DocError> {
    let names = A::NAMES;
    read_tag(
        doc,
        names.schema_name,
        names.schema_field,
        names.version_field,
        names.base,
    )
}

/// [`Family::migrate`](crate::Family::migrate) for a generated family.
pub fn family_migrate<A: AnyVersion>(docs: DocumentSet, target: u32) -> Result<Migrated, DocError> {
    let mut parts = Parts::with_docs(docs.id.clone(), docs.parts);
    let (migrated, loss) = any_migrate(any_from_document::<A>(&docs.main)?, target, &mut parts)?;
    Ok(Migrated {
        version: target,
        docs: DocumentSet {
            id: docs.id,
            main: migrated.to_document(),
            parts: parts.docs.into_values(),
        },
        loss,
    })
}
