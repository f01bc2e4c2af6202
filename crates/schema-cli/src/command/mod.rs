//! One module per subcommand.

pub mod diff;
pub mod list_rules;
