//! The benchmark proper: generate, measure docver and the peers, report.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::generate::{self, Pair, Shape};
use crate::measure::{self, Outcome};
use crate::report;

pub const USAGE: &str = "\
usage: bench-diff [options]
  --out DIR             where the generated schemas and tool outputs go (target/bench-diff)
  --runs N              measured runs per tool, the best time counts (5)
  --defs N              definitions in the big pair (5000)
  --changes N           changes from OLD to NEW in the big pair (300)
  --seed N              generator seed (1)
  --tools DIR           where the peers are installed (.tools)
  --install-peers       install missing peers into --tools first (cargo install, npm install)
  --npm-timeout SECS    time limit per run of the npm peer (120)
  --shapes LIST         pair shapes to measure, the first is the headline
                        (flat,cyclic,tree,draft07-tree,draft07-tree-min)
  --scale LIST          also a curve of `docver diff` time and memory over these sizes
                        (definitions, e.g. 500,5000,50000), one run each
  --scale-shapes LIST   shapes of the curve (flat,draft07-tree-min)
  --npm-sizes LIST      smaller pairs (definitions) to find where the npm peer copes
                        (10,25,50,100,250; the tree-shaped ladder stops at 100)
  --crate-timeout SECS  time limit per run of docver and the crate peer (600)
  --write-doc FILE      also write the results as Markdown into FILE (e.g. docs/benchmarks.md),
                        replacing only the part between the bench-diff markers
subcommands used by the bench itself:
  measure-self OLD NEW  one docver run (read both, diff), prints figures
  run-child [--timeout-ms N] [--stdout F] [--stderr F] -- CMD ARGS...";

#[derive(Debug, Clone)]
pub struct Options {
    pub out: PathBuf,
    pub runs: usize,
    pub defs: usize,
    pub changes: usize,
    pub seed: u64,
    pub tools: PathBuf,
    pub install_peers: bool,
    pub npm_timeout: Duration,
    pub npm_sizes: Vec<usize>,
    pub shapes: Vec<Shape>,
    pub scale: Vec<usize>,
    pub scale_shapes: Vec<Shape>,
    pub crate_timeout: Duration,
    pub write_doc: Option<PathBuf>,
    /// The bench's own command line, for the report.
    pub command_line: String,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut o = Options {
            out: PathBuf::from("target/bench-diff"),
            runs: 5,
            defs: 5000,
            changes: 300,
            seed: 1,
            tools: PathBuf::from(".tools"),
            install_peers: false,
            npm_timeout: Duration::from_secs(120),
            npm_sizes: vec![10, 25, 50, 100, 250],
            shapes: Shape::ALL.to_vec(),
            scale: Vec::new(),
            scale_shapes: vec![Shape::Flat, Shape::Draft07TreeMinified],
            crate_timeout: Duration::from_secs(600),
            write_doc: None,
            command_line: std::iter::once("bench-diff".to_owned())
                .chain(args.iter().cloned())
                .collect::<Vec<_>>()
                .join(" "),
        };
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            if flag == "--install-peers" {
                o.install_peers = true;
                continue;
            }
            let value = it
                .next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
            let number = || -> Result<u64, String> {
                value
                    .parse()
                    .map_err(|_| format!("{flag}: `{value}` is not a number"))
            };
            match flag.as_str() {
                "--out" => o.out = PathBuf::from(value),
                "--runs" => o.runs = number()?.max(1) as usize,
                "--defs" => o.defs = number()?.max(1) as usize,
                "--changes" => o.changes = number()? as usize,
                "--seed" => o.seed = number()?,
                "--tools" => o.tools = PathBuf::from(value),
                "--npm-timeout" => o.npm_timeout = Duration::from_secs(number()?),
                "--crate-timeout" => o.crate_timeout = Duration::from_secs(number()?),
                "--write-doc" => o.write_doc = Some(PathBuf::from(value)),
                "--shapes" => o.shapes = shapes(flag, value)?,
                "--scale-shapes" => o.scale_shapes = shapes(flag, value)?,
                "--npm-sizes" => o.npm_sizes = sizes(flag, value)?,
                "--scale" => o.scale = sizes(flag, value)?,
                _ => return Err(format!("unknown option {flag}\n{USAGE}")),
            }
        }
        Ok(o)
    }
}

fn shapes(flag: &str, value: &str) -> Result<Vec<Shape>, String> {
    value
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| Shape::from_label(s.trim()).ok_or_else(|| format!("{flag}: unknown shape `{s}`")))
        .collect()
}

fn sizes(flag: &str, value: &str) -> Result<Vec<usize>, String> {
    value
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.trim().parse::<usize>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("{flag}: `{value}` is not a list of numbers"))
}

/// How a tool's measurement ended.
#[derive(Debug, Clone)]
pub enum Status {
    Done,
    TimedOut(Duration),
    Failed(String),
    NotInstalled(String),
}

/// One tool measured on one pair.
#[derive(Debug, Clone)]
pub struct ToolResult {
    pub tool: String,
    pub command: String,
    pub status: Status,
    /// The fastest completed run.
    pub best: Option<Outcome>,
    /// Largest peak RSS over all runs, including a run that timed out.
    pub peak_rss_kib: u64,
    pub runs: usize,
    /// Findings / changes, as the tool reports them.
    pub count: String,
    /// docver only: in-process read and diff time of the fastest run.
    pub breakdown: Option<(Duration, Duration)>,
}

/// The generated pair as written to disk.
#[derive(Debug, Clone)]
pub struct PairFiles {
    pub defs: usize,
    pub properties: usize,
    pub changes: usize,
    pub old: PathBuf,
    pub new: PathBuf,
    pub old_bytes: usize,
    pub new_bytes: usize,
    /// The same pair with `$schema` set to draft-07, for the npm peer: its validator (Ajv in
    /// draft-07 mode) rejects a draft 2020-12 `$schema` before diffing.
    pub npm_old: PathBuf,
    pub npm_new: PathBuf,
}

/// The `$schema` the generator writes, and what the npm peer's copy says instead.
pub const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";
pub const DRAFT_07: &str = "http://json-schema.org/draft-07/schema#";

/// The big pair in one shape and the tools measured on it.
#[derive(Debug, Clone)]
pub struct ShapeRun {
    pub shape: Shape,
    pub pair: PairFiles,
    pub tools: Vec<ToolResult>,
    /// `docver diff` on a one-definition pair of the shape: the memory a run takes whatever
    /// its input (the constant of the memory goal).
    pub floor: ToolResult,
}

/// One point of the scale curve: `docver diff` and the parse limit on one size.
#[derive(Debug, Clone)]
pub struct ScalePoint {
    pub shape: Shape,
    pub pair: PairFiles,
    pub docver: ToolResult,
    pub parse: ToolResult,
}

/// The largest pair the tree-shaped ladder tries: the crate peer needs minutes beyond it.
pub const TREE_LADDER_MAX: usize = 100;

/// The ladder of smaller pairs in one shape.
#[derive(Debug, Clone)]
pub struct Ladder {
    pub shape: Shape,
    pub rows: Vec<LadderRow>,
}

/// One size of the ladder of smaller pairs.
#[derive(Debug, Clone)]
pub struct LadderRow {
    pub pair: PairFiles,
    pub results: Vec<ToolResult>,
}

/// Everything the report needs.
#[derive(Debug, Clone)]
pub struct Results {
    pub options: Options,
    /// The big pair in each shape, with every tool's result on it.
    pub shapes: Vec<ShapeRun>,
    pub ladders: Vec<Ladder>,
    pub scale: Vec<ScalePoint>,
    pub crate_version: Option<String>,
    pub npm_version: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tool {
    /// `docver diff --format json`: the whole command, the baseline of every ratio.
    DocverJson,
    /// `docver diff --format text`.
    DocverText,
    /// The library alone (read both, diff; no report), for the breakdown.
    Docver,
    /// `serde_json::from_slice::<Value>` of both files: the limit.
    Parse,
    Crate,
    Npm,
}

/// The name of the baseline row, [`Tool::DocverJson`].
pub const BASELINE: &str = "docver diff --format json";

struct Peers {
    docver_bin: PathBuf,
    crate_bin: PathBuf,
    npm_bin: PathBuf,
}

pub fn run(o: &Options) -> Result<(), String> {
    let self_exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let peers = Peers {
        // Built beside the bench: `cargo build --release -p docver-cli`.
        docver_bin: self_exe.with_file_name("docver"),
        crate_bin: o.tools.join("json-schema-diff/bin/json-schema-diff"),
        npm_bin: o.tools.join("npm/node_modules/.bin/json-schema-diff"),
    };
    if o.install_peers {
        install_peers(o, &peers)?;
    }
    let mut shapes = Vec::new();
    for &shape in &o.shapes {
        let dir = o.out.join(shape.label());
        fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        eprintln!(
            "generating {} definitions, {} changes, {} shape ...",
            o.defs,
            o.changes,
            shape.label()
        );
        let pair = write_pair(&dir, o.defs, o.changes, o.seed, shape)?;
        eprintln!(
            "  {} ({} bytes), {} ({} bytes), {} properties, {} changes",
            pair.old.display(),
            pair.old_bytes,
            pair.new.display(),
            pair.new_bytes,
            pair.properties,
            pair.changes
        );
        let tools = vec![
            measure_tool(Tool::DocverJson, &peers, &pair, o.runs, o)?,
            measure_tool(Tool::Parse, &peers, &pair, o.runs, o)?,
            measure_tool(Tool::Docver, &peers, &pair, o.runs, o)?,
            measure_tool(Tool::DocverText, &peers, &pair, o.runs, o)?,
            measure_tool(Tool::Crate, &peers, &pair, o.runs, o)?,
            // The npm peer is slow: one run on the big pair.
            measure_tool(Tool::Npm, &peers, &pair, 1, o)?,
        ];
        let dir = o.out.join(format!("{}-1", shape.label()));
        fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let tiny = write_pair(&dir, 1, 1, o.seed, shape)?;
        let floor = measure_tool(Tool::DocverJson, &peers, &tiny, o.runs, o)?;
        shapes.push(ShapeRun {
            shape,
            pair,
            tools,
            floor,
        });
    }

    let mut scale = Vec::new();
    for &shape in &o.scale_shapes {
        for &defs in &o.scale {
            let changes = (defs * o.changes / o.defs.max(1)).max(2);
            let dir = o.out.join(format!("scale/{}-{defs}", shape.label()));
            fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let pair = write_pair(&dir, defs, changes, o.seed, shape)?;
            scale.push(ScalePoint {
                shape,
                docver: measure_tool(Tool::DocverJson, &peers, &pair, 1, o)?,
                parse: measure_tool(Tool::Parse, &peers, &pair, 1, o)?,
                pair,
            });
        }
    }

    // Where does the npm peer stop coping? Smaller pairs of the flat shape (and of the tree
    // shape, which it rejects at any size).
    let mut ladders = Vec::new();
    if peers.npm_bin.exists() {
        for &shape in o
            .shapes
            .iter()
            .filter(|s| matches!(s, Shape::Flat | Shape::Tree))
        {
            let sizes: Vec<usize> = o
                .npm_sizes
                .iter()
                .copied()
                .filter(|&n| shape != Shape::Tree || n <= TREE_LADDER_MAX)
                .collect();
            let rows = ladder(o, &peers, shape, &sizes)?;
            ladders.push(Ladder { shape, rows });
        }
    }

    let results = Results {
        options: o.clone(),
        shapes,
        ladders,
        scale,
        crate_version: version_of_crate_peer(&peers.crate_bin),
        npm_version: version_of_npm_peer(&o.tools),
    };
    let markdown = report::markdown(&results);
    println!("{markdown}");
    if let Some(path) = &o.write_doc {
        crate::common::write_section(path, "bench-diff", &markdown)?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

fn ladder(
    o: &Options,
    peers: &Peers,
    shape: Shape,
    sizes: &[usize],
) -> Result<Vec<LadderRow>, String> {
    let mut rows = Vec::new();
    let mut npm_gave_up = false;
    for &defs in sizes {
        let changes = (defs * o.changes / o.defs.max(1)).max(2);
        let dir = o.out.join(format!("{}-{defs}", shape.label()));
        fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let small = write_pair(&dir, defs, changes, o.seed, shape)?;
        let mut results = vec![
            measure_tool(Tool::DocverJson, peers, &small, 1, o)?,
            measure_tool(Tool::Crate, peers, &small, 1, o)?,
        ];
        if npm_gave_up {
            results.push(ToolResult {
                tool: tool_name(Tool::Npm),
                command: String::new(),
                status: Status::Failed("not run: a smaller pair already timed out".into()),
                best: None,
                peak_rss_kib: 0,
                runs: 0,
                count: String::new(),
                breakdown: None,
            });
        } else {
            let r = measure_tool(Tool::Npm, peers, &small, 1, o)?;
            npm_gave_up = matches!(r.status, Status::TimedOut(_));
            results.push(r);
        }
        rows.push(LadderRow {
            pair: small,
            results,
        });
    }
    Ok(rows)
}

fn write_pair(
    dir: &Path,
    defs: usize,
    changes: usize,
    seed: u64,
    shape: Shape,
) -> Result<PairFiles, String> {
    let Pair {
        old,
        new,
        defs,
        properties,
        changes,
    } = generate::generate(defs, changes, seed, shape);
    let old_path = dir.join("old.json");
    let new_path = dir.join("new.json");
    let write =
        |p: &Path, text: &str| fs::write(p, text).map_err(|e| format!("{}: {e}", p.display()));
    write(&old_path, &old)?;
    write(&new_path, &new)?;
    let npm_old = dir.join("old.draft-07.json");
    let npm_new = dir.join("new.draft-07.json");
    write(&npm_old, &old.replacen(DRAFT_2020_12, DRAFT_07, 1))?;
    write(&npm_new, &new.replacen(DRAFT_2020_12, DRAFT_07, 1))?;
    write(&dir.join("changes.txt"), &(changes.join("\n") + "\n"))?;
    Ok(PairFiles {
        defs,
        properties,
        changes: changes.len(),
        old: old_path,
        new: new_path,
        old_bytes: old.len(),
        new_bytes: new.len(),
        npm_old,
        npm_new,
    })
}

fn tool_name(tool: Tool) -> String {
    match tool {
        Tool::DocverJson => BASELINE,
        Tool::DocverText => "docver diff --format text",
        Tool::Docver => "docver (library: read + diff)",
        Tool::Parse => "serde_json::from_slice (limit)",
        Tool::Crate => "json-schema-diff (crate)",
        Tool::Npm => "json-schema-diff (npm)",
    }
    .to_owned()
}

fn measure_tool(
    tool: Tool,
    peers: &Peers,
    pair: &PairFiles,
    runs: usize,
    o: &Options,
) -> Result<ToolResult, String> {
    let (old, new) = match tool {
        Tool::Npm => (&pair.npm_old, &pair.npm_new),
        _ => (&pair.old, &pair.new),
    };
    let old = old.display().to_string();
    let new = new.display().to_string();
    let self_exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let (program, display_program, timeout, ok_codes): (PathBuf, String, Duration, &[i32]) =
        match tool {
            Tool::Docver => (
                self_exe.clone(),
                "bench-diff measure-self".to_owned(),
                o.crate_timeout,
                &[0],
            ),
            Tool::Parse => (
                self_exe.clone(),
                "bench-diff measure-parse".to_owned(),
                o.crate_timeout,
                &[0],
            ),
            // `docver diff` exits 1 when a change fails the mode.
            Tool::DocverJson | Tool::DocverText => (
                peers.docver_bin.clone(),
                "target/release/docver diff".to_owned(),
                o.crate_timeout,
                &[0, 1],
            ),
            Tool::Crate => (
                peers.crate_bin.clone(),
                peers.crate_bin.display().to_string(),
                o.crate_timeout,
                &[0],
            ),
            // It exits 1 when it finds breaking changes.
            Tool::Npm => (
                peers.npm_bin.clone(),
                peers.npm_bin.display().to_string(),
                o.npm_timeout,
                &[0, 1],
            ),
        };
    let mut command = vec![program.display().to_string()];
    match tool {
        Tool::Docver => command.push("measure-self".into()),
        Tool::Parse => command.push("measure-parse".into()),
        Tool::DocverJson | Tool::DocverText => command.push("diff".into()),
        Tool::Crate | Tool::Npm => {}
    }
    command.push(old.clone());
    command.push(new.clone());
    let format = match tool {
        Tool::DocverJson => " --format json",
        Tool::DocverText => " --format text --color never",
        _ => "",
    };
    command.extend(format.split_whitespace().map(str::to_owned));
    let mut result = ToolResult {
        tool: tool_name(tool),
        command: format!("{display_program} {old} {new}{format}"),
        status: Status::Done,
        best: None,
        peak_rss_kib: 0,
        runs: 0,
        count: String::new(),
        breakdown: None,
    };
    if !program.exists() {
        let hint = match tool {
            Tool::Crate => format!(
                "cargo install json-schema-diff --features build-binary --root {}",
                o.tools.join("json-schema-diff").display()
            ),
            Tool::DocverJson | Tool::DocverText => "cargo build --release -p docver-cli".to_owned(),
            _ => format!(
                "npm install --prefix {} json-schema-diff",
                o.tools.join("npm").display()
            ),
        };
        result.status = Status::NotInstalled(hint);
        return Ok(result);
    }

    let tag = match tool {
        Tool::DocverJson => "docver-json",
        Tool::DocverText => "docver-text",
        Tool::Parse => "parse",
        Tool::Docver => "docver",
        Tool::Crate => "crate",
        Tool::Npm => "npm",
    };
    let dir = pair.old.parent().unwrap_or(Path::new("."));
    let stdout_path = dir.join(format!("{tag}.stdout"));
    let stderr_path = dir.join(format!("{tag}.stderr"));
    for run in 1..=runs {
        eprintln!(
            "  {} on {} definitions, run {run}/{runs} ...",
            result.tool, pair.defs
        );
        let outcome = measure::run_measured(&command, timeout, &stdout_path, &stderr_path)
            .map_err(|e| e.to_string())?;
        result.runs = run;
        result.peak_rss_kib = result.peak_rss_kib.max(outcome.max_rss_kib);
        eprintln!(
            "    {:.3} s, {:.1} MiB, exit {:?}{}",
            outcome.wall.as_secs_f64(),
            outcome.rss_mib(),
            outcome.status,
            if outcome.timed_out {
                " (timed out)"
            } else {
                ""
            }
        );
        if outcome.timed_out {
            result.status = Status::TimedOut(timeout);
            break;
        }
        let mut stdout = fs::read_to_string(&stdout_path).unwrap_or_default();
        // The npm peer writes its report to stderr when it exits 1 for "breaking changes
        // found".
        if tool == Tool::Npm && stdout.trim().is_empty() {
            let stderr = fs::read_to_string(&stderr_path).unwrap_or_default();
            if stderr.trim_start().starts_with("Breaking changes found") {
                stdout = stderr;
            }
        }
        // A non-zero exit without any report is a failure even where the tool uses exit 1
        // for "breaking changes found".
        let failed_quietly = outcome.status != Some(0) && stdout.trim().is_empty();
        if failed_quietly || !outcome.status.is_some_and(|c| ok_codes.contains(&c)) {
            let stderr = fs::read_to_string(&stderr_path).unwrap_or_default();
            let why = stderr
                .lines()
                .find(|l| l.trim_start().starts_with("message:"))
                .map(|l| l.trim().to_owned())
                .unwrap_or_else(|| {
                    let tail: Vec<&str> = stderr.lines().rev().take(3).collect();
                    tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
                });
            let code = outcome
                .status
                .map_or_else(|| "killed by a signal".to_owned(), |c| format!("exit {c}"));
            result.status = Status::Failed(format!("{code}: {why}"));
            break;
        }
        let faster = result.best.as_ref().is_none_or(|b| outcome.wall < b.wall);
        if faster {
            if tool == Tool::Docver {
                result.breakdown = docver_breakdown(&stdout);
            }
            result.best = Some(outcome);
        }
        result.count = count(tool, &stdout, &stdout_path);
    }
    Ok(result)
}

fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.split_whitespace()
        .find_map(|f| f.strip_prefix(key)?.strip_prefix('='))
}

fn docver_breakdown(stdout: &str) -> Option<(Duration, Duration)> {
    let read = field(stdout, "read_ns")?.parse().ok()?;
    let diff = field(stdout, "diff_ns")?.parse().ok()?;
    Some((Duration::from_nanos(read), Duration::from_nanos(diff)))
}

fn count(tool: Tool, stdout: &str, stdout_path: &Path) -> String {
    let bytes = fs::metadata(stdout_path).map_or(0, |m| m.len());
    match tool {
        Tool::DocverJson => {
            let findings = serde_json::from_str::<serde_json::Value>(stdout)
                .ok()
                .and_then(|report| Some(report.get("changes")?.as_array()?.len()));
            format!(
                "{} findings, report {:.1} KiB",
                findings.map_or_else(|| "?".into(), |n| n.to_string()),
                bytes as f64 / 1024.0
            )
        }
        Tool::DocverText => format!(
            "{} diagnostics, report {:.1} KiB",
            stdout
                .lines()
                .filter(|l| l.starts_with("error[")
                    || l.starts_with("warning[")
                    || l.starts_with("note["))
                .count(),
            bytes as f64 / 1024.0
        ),
        Tool::Parse => format!("{} documents read", field(stdout, "values").unwrap_or("?")),
        Tool::Docver => format!(
            "{} findings, {} witnesses",
            field(stdout, "findings").unwrap_or("?"),
            field(stdout, "witnesses").unwrap_or("?")
        ),
        Tool::Crate => {
            let lines: Vec<&str> = stdout.lines().filter(|l| !l.trim().is_empty()).collect();
            let breaking = lines
                .iter()
                .filter(|l| l.contains("\"is_breaking\":true"))
                .count();
            format!("{} changes ({breaking} breaking)", lines.len())
        }
        // It prints the added and removed value sets as schemas, not a list of changes.
        Tool::Npm => stdout
            .lines()
            .next()
            .unwrap_or("(no output)")
            .trim()
            .to_owned(),
    }
}

fn install_peers(o: &Options, peers: &Peers) -> Result<(), String> {
    let run = |mut c: Command| -> Result<(), String> {
        eprintln!("running {c:?}");
        let status = c.status().map_err(|e| format!("{c:?}: {e}"))?;
        status
            .success()
            .then_some(())
            .ok_or_else(|| format!("{c:?} failed: {status}"))
    };
    if !peers.crate_bin.exists() {
        let mut c = Command::new("cargo");
        c.args(["install", "json-schema-diff", "--features", "build-binary"])
            .arg("--root")
            .arg(o.tools.join("json-schema-diff"));
        run(c)?;
    }
    if !peers.npm_bin.exists() {
        let mut c = Command::new("npm");
        c.arg("install")
            .arg("--prefix")
            .arg(o.tools.join("npm"))
            .arg("json-schema-diff");
        run(c)?;
    }
    Ok(())
}

fn version_of_crate_peer(bin: &Path) -> Option<String> {
    let out = Command::new(bin).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    Some(text.split_whitespace().last()?.to_owned())
}

fn version_of_npm_peer(tools: &Path) -> Option<String> {
    let text =
        fs::read_to_string(tools.join("npm/node_modules/json-schema-diff/package.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    Some(json.get("version")?.as_str()?.to_owned())
}
