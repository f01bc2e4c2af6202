//! A generated crate for `docver check`: `files` `.rs` files, `families` of which hold one
//! `#[versioned(versions = 1..=4)]` family each (modelled on `examples/todo`), the rest ordinary
//! Rust code with no family. Deterministic: the same arguments give the same bytes.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// What was written.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The directory `docver check` is given.
    pub root: PathBuf,
    pub files: usize,
    pub families: usize,
    pub lines: usize,
    pub bytes: usize,
    /// Families that add a required v4 field (with an upgrade function).
    pub required_v4: usize,
}

/// Files per subdirectory, so the walk sees a tree rather than one flat directory.
const PER_DIR: usize = 100;

/// SplitMix64 step: a little deterministic variety without a dependency.
fn mix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Whether file `f` of `files` holds a family: spreads `families` evenly over the files.
fn is_family(f: usize, files: usize, families: usize) -> bool {
    (f * families) % files < families
}

pub fn generate(out: &Path, files: usize, families: usize) -> Result<Generated, String> {
    let families = families.min(files);
    let root = out.join("crate");
    if root.exists() {
        fs::remove_dir_all(&root).map_err(|e| format!("{}: {e}", root.display()))?;
    }
    let mut generated = Generated {
        root: root.clone(),
        files,
        families: 0,
        lines: 0,
        bytes: 0,
        required_v4: 0,
    };
    let mut family = 0;
    let mut other = 0;
    for f in 0..files {
        let dir = root.join(format!("src/part{:02}", f / PER_DIR));
        fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let (path, text) = if is_family(f, files, families) {
            family += 1;
            let (text, required) = family_file(family);
            generated.required_v4 += usize::from(required);
            (dir.join(format!("family_{family}.rs")), text)
        } else {
            other += 1;
            (dir.join(format!("module_{other}.rs")), ordinary_file(other))
        };
        generated.lines += text.lines().count();
        generated.bytes += text.len();
        fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    generated.families = family;
    Ok(generated)
}

/// One family file: a nested struct and an enum defined in the file, and a `Record{i}` family
/// over versions 1..=4 (6–10 fields):
///
/// - v1: `title`, `created_at`, `labels: Vec<String>`, `owner: Option<Owner{i}>`,
///   `stage: bool`, plus 0–3 more fields by `i`;
/// - v2: adds `important` and `notes` (`default`);
/// - v3: `stage` becomes the enum `Stage{i}` (upgrade and downgrade functions);
/// - v4: one family in five adds `revision: u32` (no default; an upgrade function).
///
/// Returns the text and whether v4 adds the required field.
fn family_file(i: usize) -> (String, bool) {
    let r = mix(i as u64);
    let case = [
        "lowercase",
        "snake_case",
        "kebab-case",
        "SCREAMING_SNAKE_CASE",
    ][(r % 4) as usize];
    let variants = &[
        "Draft", "InReview", "Approved", "Blocked", "Shipped", "Archived",
    ][..3 + (r >> 8) as usize % 4];
    let extra_fields = (r >> 16) as usize % 4;
    let required = i % 5 == 0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"//! Records of kind {i}: the `family-{i}` documents.

use docver::versioned;
use schemars::JsonSchema;
use serde::{{Deserialize, Serialize}};

/// Where a record of kind {i} is in its life (v3 onwards).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "{case}")]
pub enum Stage{i} {{
"#
    );
    for v in variants {
        let _ = writeln!(s, "    {v},");
    }
    let _ = write!(
        s,
        r#"}}

/// Who owns a record of kind {i}.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Owner{i} {{
    pub display_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
    pub team_ids: Vec<u32>,
}}

/// A record of kind {i}. Documents written before versioning existed are read as v1.
#[versioned(schema = "family-{i}", versions = 1..=4)]
#[derive(Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Record{i} {{
    pub title: String,
    pub created_at: i64,
    pub labels: Vec<String>,
    pub owner: Option<Owner{i}>,
    /// Done or not (v1, v2).
    #[docver(until = 3, downgrade = m{i}::stage_to_bool)]
    pub stage: bool,
"#
    );
    let extras = [
        "    pub due_date: Option<String>,\n",
        "    #[serde(rename = \"prio\")]\n    pub priority: u8,\n",
        "    pub watchers: Vec<String>,\n",
    ];
    for extra in &extras[..extra_fields] {
        s.push_str(extra);
    }
    let _ = write!(
        s,
        r#"    #[docver(since = 2, default)]
    pub important: bool,
    #[docver(since = 2, default)]
    pub notes: Option<String>,
    /// How far along the record is (v3 onwards).
    #[docver(since = 3, upgrade = m{i}::stage_from_bool)]
    pub stage: Stage{i},
"#
    );
    if required {
        let _ = write!(
            s,
            "    #[docver(since = 4, upgrade = m{i}::first_revision)]\n    pub revision: u32,\n"
        );
    }
    let done = variants[variants.len() - 1];
    let first = variants[0];
    let _ = write!(
        s,
        r#"}}

/// The migrations no generated glue can write.
pub mod m{i} {{
    use super::{{Record{i}V2, Record{i}V3, Stage{i}}};

    /// v2 → v3: done is `{done}`, not done is `{first}`.
    pub fn stage_from_bool(record: &Record{i}V2) -> Stage{i} {{
        if record.stage {{
            Stage{i}::{done}
        }} else {{
            Stage{i}::{first}
        }}
    }}

    /// v3 → v2: only `{done}` is done.
    pub fn stage_to_bool(record: &Record{i}V3) -> bool {{
        record.stage == Stage{i}::{done}
    }}
}}

impl Owner{i} {{
    pub fn new(display_name: impl Into<String>) -> Self {{
        Self {{
            display_name: display_name.into(),
            email_address: None,
            team_ids: Vec::new(),
        }}
    }}
}}
"#
    );
    (s, required)
}

/// One file of ordinary code: structs, an enum, impls, a trait, free functions and tests.
fn ordinary_file(j: usize) -> String {
    let r = mix(1_000_000 + j as u64);
    let structs = 1 + (r % 3) as usize;
    let fns = 2 + (r >> 8) as usize % 4;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"//! Module {j}: bookkeeping helpers.

use std::collections::{{BTreeMap, HashMap}};
use std::fmt;

/// What went wrong in module {j}.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error{j} {{
    Missing(String),
    Invalid {{ key: String, reason: String }},
    Overflow(u64),
}}

impl fmt::Display for Error{j} {{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{
        match self {{
            Error{j}::Missing(key) => write!(f, "missing `{{key}}`"),
            Error{j}::Invalid {{ key, reason }} => write!(f, "`{{key}}` is invalid: {{reason}}"),
            Error{j}::Overflow(n) => write!(f, "overflow at {{n}}"),
        }}
    }}
}}

impl std::error::Error for Error{j} {{}}

/// Something that can be summed up.
pub trait Summary{j} {{
    fn total(&self) -> u64;
    fn describe(&self) -> String {{
        format!("total {{}}", self.total())
    }}
}}
"#
    );
    for k in 0..structs {
        let _ = write!(
            s,
            r#"
/// Entry {k} of module {j}.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entry{j}x{k} {{
    pub id: u64,
    pub name: String,
    pub weights: Vec<u32>,
    pub attributes: BTreeMap<String, String>,
    pub parent: Option<Box<Entry{j}x{k}>>,
}}

impl Entry{j}x{k} {{
    pub fn new(id: u64, name: &str) -> Self {{
        Self {{
            id,
            name: name.to_owned(),
            ..Default::default()
        }}
    }}

    pub fn with_weight(mut self, weight: u32) -> Self {{
        self.weights.push(weight);
        self
    }}

    pub fn attribute(&self, key: &str) -> Result<&str, Error{j}> {{
        self.attributes
            .get(key)
            .map(String::as_str)
            .ok_or_else(|| Error{j}::Missing(key.to_owned()))
    }}

    pub fn depth(&self) -> usize {{
        let mut depth = 0;
        let mut current = self.parent.as_deref();
        while let Some(p) = current {{
            depth += 1;
            current = p.parent.as_deref();
        }}
        depth
    }}
}}

impl Summary{j} for Entry{j}x{k} {{
    fn total(&self) -> u64 {{
        self.weights.iter().map(|w| u64::from(*w)).sum::<u64>() + self.id
    }}
}}
"#
        );
    }
    for k in 0..fns {
        let _ = write!(
            s,
            r#"
/// Groups the names by their first character and counts them (variant {k}).
pub fn group_{k}(names: &[&str], limit: usize) -> Result<HashMap<char, usize>, Error{j}> {{
    let mut out = HashMap::new();
    for (index, name) in names.iter().enumerate() {{
        if index >= limit {{
            return Err(Error{j}::Overflow(index as u64));
        }}
        let Some(first) = name.chars().next() else {{
            return Err(Error{j}::Invalid {{
                key: format!("names[{{index}}]"),
                reason: "empty".into(),
            }});
        }};
        *out.entry(first.to_ascii_lowercase()).or_insert(0) += {step};
    }}
    Ok(out)
}}
"#,
            step = k + 1
        );
    }
    let _ = write!(
        s,
        r#"
#[cfg(test)]
mod tests {{
    use super::*;

    #[test]
    fn groups() {{
        let counts = group_0(&["apple", "Avocado", "banana"], 10).unwrap();
        assert_eq!(counts[&'a'], 2);
        assert!(group_0(&[""], 10).is_err());
    }}

    #[test]
    fn entries() {{
        let e = Entry{j}x0::new(7, "seven").with_weight(3);
        assert_eq!(e.total(), 10);
        assert_eq!(e.depth(), 0);
        assert!(e.attribute("x").is_err());
    }}
}}
"#
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_spread_evenly() {
        let n = (0..2000).filter(|f| is_family(*f, 2000, 500)).count();
        assert_eq!(n, 500);
        let n = (0..10).filter(|f| is_family(*f, 10, 3)).count();
        assert_eq!(n, 3);
    }

    #[test]
    fn deterministic() {
        assert_eq!(family_file(3), family_file(3));
        assert_eq!(ordinary_file(3), ordinary_file(3));
        assert!(family_file(5).1);
        assert!(
            family_file(7)
                .0
                .contains("#[versioned(schema = \"family-7\"")
        );
    }
}
