//! JSON pointers and `$ref` fragments, the one place they are escaped: defined in the
//! `docver-lens` crate (the lens interpreter uses them) and re-exported here whole.

pub use docver_lens::pointer::*;
