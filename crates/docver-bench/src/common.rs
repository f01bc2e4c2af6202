//! Shared by both benches: machine description, date, and writing a marked section of
//! `docs/benchmarks.md`.

use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

/// Writes `section` into `path` between the `<!-- {name}:begin -->` and `<!-- {name}:end -->`
/// markers, leaving the rest of the file alone; appends it (with markers) if they are missing
/// and creates the file if needed. The benches share `docs/benchmarks.md` this way.
pub fn write_section(path: &Path, name: &str, section: &str) -> Result<(), String> {
    let begin = format!("<!-- {name}:begin -->");
    let end = format!("<!-- {name}:end -->");
    let block = format!("{begin}\n{}\n{end}", section.trim_end());
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "# Benchmarks\n".to_owned(),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let updated = match (text.find(&begin), text.find(&end)) {
        (Some(b), Some(e)) if b < e => {
            format!("{}{block}{}", &text[..b], &text[e + end.len()..])
        }
        _ => format!("{}\n\n{block}\n", text.trim_end()),
    };
    std::fs::write(path, updated).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

pub fn machine() -> String {
    let nproc = command_output("nproc", &[]).unwrap_or_else(|| {
        std::thread::available_parallelism().map_or_else(|_| "?".into(), |n| n.to_string())
    });
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name")?.split_once(':'))
        .map_or_else(|| "unknown CPU".into(), |(_, m)| m.trim().to_owned());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        .map_or_else(String::new, |kib| {
            format!(", {:.1} GiB RAM", kib as f64 / 1048576.0)
        });
    let rustc = command_output("rustc", &["--version"]).unwrap_or_else(|| "rustc ?".into());
    format!("`nproc` = {nproc}, CPU model \"{model}\"{memory}, {rustc}")
}

/// Today's date (UTC) as YYYY-MM-DD.
pub fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Howard Hinnant's days-since-1970 → (year, month, day).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn sections_replace_only_their_part() {
        let dir = std::env::temp_dir().join(format!("docver-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("b.md");
        std::fs::write(
            &path,
            "# B\n\nhand\n<!-- x:begin -->\nold\n<!-- x:end -->\nafter\n",
        )
        .unwrap();
        write_section(&path, "x", "new\n").unwrap();
        write_section(&path, "y", "other").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "# B\n\nhand\n<!-- x:begin -->\nnew\n<!-- x:end -->\nafter\n\n<!-- y:begin -->\nother\n<!-- y:end -->\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
