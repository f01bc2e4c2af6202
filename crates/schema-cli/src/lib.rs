//! The `docver` command line, as a library: every command is a function tests can call.
