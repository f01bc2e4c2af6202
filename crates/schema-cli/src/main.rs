//! The `docver` command. Everything it does is a library call in `schema_cli`.

fn main() {
    let code = schema_cli::run(std::env::args_os());
    std::process::exit(code);
}
