//! Store URLs carry passwords; no output of a strategy command may show one, whatever the URL
//! looks like and whichever way the command fails (issue 15, item 4). Runs the todo binary
//! against a port nothing listens on and reads everything it prints.

use std::process::Command;

/// Every URL form that printed its password before: https, an upper-case scheme, an unknown
/// scheme, a password containing `/` or `@`, no scheme, and a token without a user.
const URLS: &[&str] = &[
    "https://admin:TopSecret@127.0.0.1:9/db",
    "HTTP://admin:TopSecret@127.0.0.1:9/db",
    "ftp://admin:TopSecret@127.0.0.1:9/db",
    "http://admin:TopSecret@127.0.0.1:9/db",
    "http://admin:Top/Secret@127.0.0.1:9/db",
    "http://admin:Top@Secret@127.0.0.1:9/db",
    "admin:TopSecret@127.0.0.1:9/db",
    "https://TopSecret@127.0.0.1:9/db",
];

/// The command's stdout and stderr together.
fn output_of(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_todo"))
        .args(args)
        .output()
        .expect("the todo binary runs");
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn no_command_prints_a_store_password() {
    for url in URLS {
        let sync_spec = format!("1={url}");
        for args in [
            &["migrate", "--store", url, "--to", "2"][..],
            &["stats", "--store", url],
            &["worker", "--store", url, "--live", "1,2", "--idle-ms", "1"],
            &["sync", "--db", &sync_spec],
            &["sync", "--db", url],
        ] {
            let output = output_of(args);
            assert!(
                !output.contains("Secret"),
                "`todo {}` printed the password:\n{output}",
                args.join(" ")
            );
            assert!(
                output.contains("error:"),
                "`todo {}`: {output}",
                args.join(" ")
            );
        }
    }
}
