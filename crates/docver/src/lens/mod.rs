//! Cambria-style lenses: the reference interpreter and its typed model, which live in the
//! `docver-lens` crate (shared with the attribute parser and the derive, which cannot depend on
//! this crate) and are re-exported here whole.

pub use docver_lens::*;
