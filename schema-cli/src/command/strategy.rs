//! The migration strategies from `docver` itself (`migrate`, `stats`, `worker`, … `import`,
//! `export`, `replication`): `docver_migrate::cli`'s commands, on a family given as a directory
//! of exported schemas and `family.toml` (`--family DIR`, run with the lens interpreter). An
//! app that embeds the same commands in its own binary runs its derived Rust family instead.

use std::path::PathBuf;

use clap::{Arg, ArgMatches};
use docver_migrate::cli::Command;
use docver_migrate::family_dir::FamilyDir;

use crate::CliError;

/// The id of the `--family DIR` argument added to every strategy command.
const FAMILY_DIR: &str = "family_dir";

/// The names of the strategy commands, as `docver_migrate::cli::Command` declares them.
fn command_names() -> Vec<String> {
    let commands =
        <Command as clap::Subcommand>::augment_subcommands(clap::Command::new("strategies"));
    commands
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect()
}

/// `cli` with `--family DIR` on every strategy command (added here, not in
/// `docver_migrate::cli`, where an embedding binary picks one of its own families by name).
pub fn with_family_arg(mut cli: clap::Command) -> clap::Command {
    for name in command_names() {
        cli = cli.mut_subcommand(name, |sub| {
            sub.arg(
                Arg::new(FAMILY_DIR)
                    .long("family")
                    .value_name("DIR")
                    .value_parser(clap::value_parser!(PathBuf))
                    .help(
                        "The family: a directory of its exported schemas (v1.json … vN.json) \
                         and family.toml",
                    ),
            )
        });
    }
    cli
}

/// The `--family DIR` given to the strategy command in `matches`, if any.
pub fn family_dir(matches: &ArgMatches) -> Option<PathBuf> {
    let (_, sub) = matches.subcommand()?;
    sub.try_get_one::<PathBuf>(FAMILY_DIR)
        .ok()
        .flatten()
        .cloned()
}

/// Runs a strategy command; `family` is required unless the command moves any documents.
pub fn run(command: &Command, family: Option<&PathBuf>) -> Result<i32, CliError> {
    let loaded = match (command.needs_family(), family) {
        (false, None) => None,
        (false, Some(_)) => {
            return Err(CliError(
                "--family: `import` and `export` move documents of any family; leave it out"
                    .to_owned(),
            ));
        }
        (true, None) => {
            return Err(CliError(
                "--family DIR is required: the directory of the family's exported schemas \
                 (v1.json … vN.json, each step's lens in `x-docver-lens`) and family.toml"
                    .to_owned(),
            ));
        }
        (true, Some(dir)) => Some(FamilyDir::load(dir).map_err(CliError)?),
    };
    let families: Vec<&dyn docver::Family> = loaded
        .iter()
        .map(|family| family as &dyn docver::Family)
        .collect();
    // `run` prints its own errors (bad input included) and answers the exit code.
    Ok(docver_migrate::cli::run(command, &families, None))
}
