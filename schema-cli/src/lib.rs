//! `docver`, the command-line tool: argument parsing, file loading and output selection. The
//! checks themselves live in the `docver` crate; rendering lives in [`report`].
//!
//! Exit codes are stable: [`EXIT_OK`] (nothing breaking in the requested mode),
//! [`EXIT_BREAKING`] (breaking findings), [`EXIT_BAD_INPUT`] (unreadable file, invalid JSON, not
//! a schema, bad arguments).

pub mod baseline;
pub mod command;
pub mod config;
pub mod input;
pub mod report;

use std::ffi::OsString;
use std::io::Write;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

pub const EXIT_OK: i32 = 0;
pub const EXIT_BREAKING: i32 = 1;
pub const EXIT_BAD_INPUT: i32 = 2;

/// Schema evolution for offline-first document systems.
#[derive(Debug, Parser)]
#[command(name = "docver", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compare schema versions and classify every change per direction.
    Diff(command::diff::DiffArgs),
    /// Print the rule catalog.
    ListRules(command::list_rules::ListRulesArgs),
    /// Check versioned families in Rust source (and against a git ref), without compiling.
    Check(command::check::CheckArgs),
    /// Generate code from schema versions.
    Generate(command::generate::GenerateArgs),
    /// The migration strategies, on a family directory (`--family DIR`).
    #[command(flatten)]
    Strategy(docver_migrate::cli::Command),
}

/// A failure that ends the command with [`EXIT_BAD_INPUT`]. The message says what and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CliError(pub String);

/// Runs the tool with these arguments (the first is the program name), writing to stdout and
/// stderr, and returns the exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let parsed = command::strategy::with_family_arg(Cli::command())
        .try_get_matches_from(args)
        .and_then(|matches| Ok((Cli::from_arg_matches(&matches)?, matches)));
    let (cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                EXIT_BAD_INPUT
            } else {
                EXIT_OK
            };
        }
    };
    let stdout = std::io::stdout();
    // Reports can be many megabytes of short lines: write them in large blocks.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let result = match &cli.command {
        Command::Diff(args) => command::diff::run(args, &mut out),
        Command::ListRules(args) => command::list_rules::run(args, &mut out),
        Command::Generate(args) => command::generate::run(args, &mut out),
        Command::Check(args) => command::check::run(args, &mut out),
        Command::Strategy(strategy) => {
            // The strategy commands print as they go (progress, summaries).
            let _ = out.flush();
            let family = command::strategy::family_dir(&matches);
            command::strategy::run(strategy, family.as_ref())
        }
    };
    let _ = out.flush();
    match result {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            EXIT_BAD_INPUT
        }
    }
}
