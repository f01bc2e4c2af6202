//! Calls into the user's migration functions. They take the functions as function pointers,
//! so that a function with the wrong signature is a type error pointing at the user's path.

use super::migration_error::MigrationError;
use super::parts::Parts;

/// A field computed from the whole previous (or next) version.
pub fn field<S, T>(f: fn(&S) -> T, from: &S) -> T {
    f(from)
}

/// A fallible field migration; the error's `Display` becomes the migration error.
pub fn field_fallible<S, T, E: core::fmt::Display>(
    f: fn(&S) -> Result<T, E>,
    from: &S,
) -> Result<T, MigrationError> {
    f(from).map_err(MigrationError::new)
}

/// A whole step, with the companion documents.
pub fn step<S, T>(
    f: fn(S, &mut Parts) -> T,
    from: S,
    parts: &mut Parts,
) -> Result<T, MigrationError> {
    Ok(f(from, parts))
}

/// A fallible whole step; the error's `Display` becomes the migration error.
pub fn step_fallible<S, T, E: core::fmt::Display>(
    f: fn(S, &mut Parts) -> Result<T, E>,
    from: S,
    parts: &mut Parts,
) -> Result<T, MigrationError> {
    f(from, parts).map_err(MigrationError::new)
}
