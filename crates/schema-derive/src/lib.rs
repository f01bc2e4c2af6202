//! Derive macros for `docver` document families.
