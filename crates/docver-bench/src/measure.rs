//! Running one tool as a child process and measuring its wall time and peak RSS.
//!
//! `getrusage(RUSAGE_CHILDREN)` reports the largest peak RSS of *all* children a process
//! has waited for, so the bench never measures two tools from the same process. Each
//! measured run goes through a fresh wrapper, `bench-diff run-child`, which spawns exactly
//! one command, waits for it (killing it on timeout) and prints one result line.

use std::fs::File;
use std::io;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::resource::{UsageWho, getrusage};

/// One measured run of one command.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub wall: Duration,
    pub max_rss_kib: u64,
    /// Exit code; `None` if killed by a signal.
    pub status: Option<i32>,
    pub timed_out: bool,
}

impl Outcome {
    pub fn rss_mib(&self) -> f64 {
        self.max_rss_kib as f64 / 1024.0
    }
}

/// Runs `command` through a fresh `bench-diff run-child` wrapper; the command's stdout and
/// stderr go to the given files.
pub fn run_measured(
    command: &[String],
    timeout: Duration,
    stdout: &Path,
    stderr: &Path,
) -> io::Result<Outcome> {
    let exe = std::env::current_exe()?;
    let output = Command::new(exe)
        .arg("run-child")
        .arg("--timeout-ms")
        .arg(timeout.as_millis().to_string())
        .arg("--stdout")
        .arg(stdout)
        .arg("--stderr")
        .arg(stderr)
        .arg("--")
        .args(command)
        .stdin(Stdio::null())
        .output()?;
    let text = String::from_utf8_lossy(&output.stdout);
    parse_result(&text).ok_or_else(|| {
        io::Error::other(format!(
            "run-child gave no result line: {text} {}",
            String::from_utf8_lossy(&output.stderr)
        ))
    })
}

fn parse_result(text: &str) -> Option<Outcome> {
    let line = text.lines().find(|l| l.starts_with("wall_ns="))?;
    let mut wall = None;
    let mut rss = None;
    let mut status = None;
    let mut timed_out = None;
    for field in line.split_whitespace() {
        let (key, value) = field.split_once('=')?;
        match key {
            "wall_ns" => wall = Some(Duration::from_nanos(value.parse().ok()?)),
            "max_rss_kib" => rss = Some(value.parse().ok()?),
            "status" => status = Some(value.parse::<i32>().ok()),
            "timed_out" => timed_out = Some(value == "1"),
            _ => {}
        }
    }
    Some(Outcome {
        wall: wall?,
        max_rss_kib: rss?,
        status: status?,
        timed_out: timed_out?,
    })
}

/// The `run-child` subcommand: `--timeout-ms N --stdout FILE --stderr FILE -- CMD ARGS...`.
pub fn run_child_main(args: &[String]) -> ExitCode {
    match run_child(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("run-child: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_child(args: &[String]) -> io::Result<()> {
    let mut timeout = Duration::from_secs(3600);
    let mut stdout = None;
    let mut stderr = None;
    let mut rest = args;
    while let Some((first, tail)) = rest.split_first() {
        match first.as_str() {
            "--" => {
                rest = tail;
                break;
            }
            "--timeout-ms" | "--stdout" | "--stderr" => {
                let (value, tail) = tail
                    .split_first()
                    .ok_or_else(|| io::Error::other(format!("{first} needs a value")))?;
                match first.as_str() {
                    "--timeout-ms" => {
                        let ms = value.parse().map_err(io::Error::other)?;
                        timeout = Duration::from_millis(ms);
                    }
                    "--stdout" => stdout = Some(value.clone()),
                    _ => stderr = Some(value.clone()),
                }
                rest = tail;
            }
            other => return Err(io::Error::other(format!("unknown option {other}"))),
        }
    }
    let (program, program_args) = rest
        .split_first()
        .ok_or_else(|| io::Error::other("no command given"))?;
    let out = match stdout {
        Some(path) => Stdio::from(File::create(path)?),
        None => Stdio::null(),
    };
    let err = match stderr {
        Some(path) => Stdio::from(File::create(path)?),
        None => Stdio::null(),
    };

    let start = Instant::now();
    let mut child = Command::new(program)
        .args(program_args)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()?;
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if start.elapsed() >= timeout {
            timed_out = true;
            child.kill()?;
            break child.wait()?;
        }
        thread::sleep(Duration::from_millis(1));
    };
    let wall = start.elapsed();
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).map_err(io::Error::other)?;
    // Linux reports ru_maxrss in KiB.
    let max_rss_kib = u64::try_from(usage.max_rss()).unwrap_or(0);
    let status = status
        .code()
        .map_or_else(|| "signal".to_owned(), |c| c.to_string());
    println!(
        "wall_ns={} max_rss_kib={max_rss_kib} status={status} timed_out={}",
        wall.as_nanos(),
        u8::from(timed_out)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_result_line() {
        let o = parse_result("wall_ns=1500000000 max_rss_kib=2048 status=1 timed_out=0\n")
            .expect("parses");
        assert_eq!(o.wall, Duration::from_millis(1500));
        assert_eq!(o.max_rss_kib, 2048);
        assert_eq!(o.status, Some(1));
        assert!(!o.timed_out);
        let o = parse_result("wall_ns=1 max_rss_kib=0 status=signal timed_out=1").expect("parses");
        assert_eq!(o.status, None);
        assert!(o.timed_out);
    }
}
