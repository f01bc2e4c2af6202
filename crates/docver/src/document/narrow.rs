//! Narrowing a widened number on the way down (`i64` → `i32`, `f64` → `f32`): a value that does
//! not fit the older version's type fails the step rather than being truncated.

use super::migration_error::MigrationError;

/// A widened number on the way down: fails (rather than truncating) when it does not fit.
pub fn narrow<S, T: TryFrom<S>>(value: S, field: &str) -> Result<T, MigrationError> {
    T::try_from(value).map_err(|_| {
        MigrationError::new(format!("`{field}` does not fit the older version's type"))
    })
}

/// `f64` → `f32` and other float narrowing, where `TryFrom` does not exist.
pub fn narrow_float(value: f64, field: &str) -> Result<f32, MigrationError> {
    let narrowed = value as f32;
    if f64::from(narrowed) == value || value.is_nan() {
        Ok(narrowed)
    } else {
        Err(MigrationError::new(format!(
            "`{field}` does not fit the older version's type"
        )))
    }
}
