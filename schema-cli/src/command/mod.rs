//! One module per subcommand.

pub mod check;
pub mod diff;
pub mod generate;
pub mod list_rules;
pub mod strategy;
