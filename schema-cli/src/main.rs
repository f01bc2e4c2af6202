//! The `docver` command. Everything it does is a library call in `docver_cli`.

fn main() {
    let code = docver_cli::run(std::env::args_os());
    std::process::exit(code);
}
