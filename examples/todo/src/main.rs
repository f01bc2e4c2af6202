//! `cargo run -p todo`: the seed's story, one version at a time.
//! `cargo run -p todo -- schemas`: rewrites `examples/todo/schemas/` from the code.
//! `cargo run -p todo -- [--family todo-item|contact|note] <strategy command> …`: the migration
//! strategies on a store (the todo family unless `--family` names another)
//! (`migrate`, `stats`, `worker`, `backfill`, `purge`, `sync`, `filter`, `supported-versions`,
//! `plan`; `--help` lists them).

use std::path::Path;

/// `println!` that does not panic when stdout is closed (`cargo run -p todo | head`).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

use docver::{Parts, Versioned};
use serde_json::json;
use todo::{AnyTodo, Progress, TodoV1, TodoV2, TodoV4};

#[derive(Debug, clap::Parser)]
#[command(
    name = "todo",
    about = "The seed's todo app: its story, its schemas, its migrations."
)]
struct Cli {
    /// The family a strategy command works on: todo-item, contact or note (`import` and
    /// `export` need none).
    #[arg(long, global = true, value_name = "NAME")]
    family: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Walk the story (the default).
    Story,
    /// Rewrite examples/todo/schemas/ from the code.
    Schemas,
    #[command(flatten)]
    Strategy(docver_migrate::cli::Command),
}

fn main() {
    let cli = <Cli as clap::Parser>::parse();
    match cli.command {
        None | Some(Command::Story) => {}
        Some(Command::Schemas) => write_schemas(),
        Some(Command::Strategy(command)) => {
            let families: [&dyn docver::Family; 3] = [
                &todo::TodoFamily,
                &todo::contact::ContactFamily,
                &todo::notes::NoteFamily,
            ];
            let family = cli.family.as_deref().or(Some("todo-item"));
            std::process::exit(docver_migrate::cli::run(&command, &families, family))
        }
    }
    if let Err(e) = story() {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

fn write_schemas() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(todo::SCHEMA_DIR);
    for (sub, family) in todo::SCHEMA_FAMILIES {
        match family.write_schemas(&dir.join(sub)) {
            Ok(paths) => paths
                .iter()
                .for_each(|path| say!("wrote {}", path.display())),
            Err(e) => {
                eprintln!("error: cannot write the schemas: {e}");
                std::process::exit(2);
            }
        }
    }
    std::process::exit(0);
}

fn show(label: &str, value: &serde_json::Value) {
    say!("{label}:\n  {value}");
}

fn story() -> Result<(), docver::DocError> {
    // A document written before versioning: no tag, read as v1.
    let old = json!({"_id": "7f3c", "title": "buy milk", "status": true});
    show("stored v1 document (untagged)", &old);
    let mut parts = Parts::new(Some("7f3c".into()));
    let latest: TodoV4 = AnyTodo::from_document(&old)?.into_latest_with(&mut parts)?;
    show("upgraded to v4", &latest.to_document());
    for part in parts.docs.values() {
        show("  with its status document", part);
    }

    // A legacy v1 app asks for the v4 document.
    let (v1, loss) = TodoV1::read(&latest.to_document(), &mut parts.clone())?;
    show("downgraded to v1 for a legacy app", &v1.to_document());
    say!("  loss: {loss:?}");

    // A v2 app edits a v3 document: the progress it doesn't know survives.
    let v3 = json!({"_id": "9a1b", "schema": "todo-item", "version": 3, "title": "write report",
                    "status": "blocked", "important": true, "assignee": "ana"});
    show("stored v3 document", &v3);
    let mut parts = Parts::new(Some("9a1b".into()));
    let (mut v2, _) = TodoV2::read(&v3, &mut parts)?;
    v2.title = "write the report".into();
    let written = v2.write_back(&v3, &mut parts)?;
    show("after a v2 app renamed it", &written);
    assert_eq!(written["status"], json!(Progress::Blocked));
    Ok(())
}
