//! A family defined by data alone: a directory of the reader schemas the derive exports
//! (`v1.json … vN.json`, optionally `vN.writer.json`), each carrying the lens of the step that
//! leads to it under `x-docver-lens`, and a `family.toml` ([`manifest`]). [`FamilyDir`]
//! implements [`Family`] with the lens interpreter (`docver::lens`), so every strategy runs on
//! it from the `docver` binary without compiling anything.
//!
//! A step whose schema carries no lens was written in Rust (a split into companion documents,
//! a computed field): migrating across it is refused, saying to embed the commands in the
//! application's binary (`docver_migrate::cli::run`), which runs the derived code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use docver::lens::{LENS_KEYWORD, Lens, Way};
use docver::{Contract, DocError, DocumentSet, Family, Loss, Migrated};
use serde_json::{Map, Value};

pub mod manifest;

pub use manifest::Manifest;

/// The file naming the family in a family directory.
pub const MANIFEST_FILE: &str = "family.toml";

/// One version's schemas, its compiled reader and the lens of the step leading to it.
struct Version {
    reader: Value,
    writer: Option<Value>,
    validator: jsonschema::Validator,
    /// The step from the previous version (`None` for the first version, and for a step
    /// written in Rust).
    lens: Option<Lens>,
}

/// A family loaded from a directory (see the module documentation).
pub struct FamilyDir {
    dir: PathBuf,
    manifest: Manifest,
    versions: Vec<u32>,
    by_version: BTreeMap<u32, Version>,
}

impl std::fmt::Debug for FamilyDir {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FamilyDir")
            .field("dir", &self.dir)
            .field("name", self.manifest.name.get_ref())
            .field("versions", &self.versions)
            .finish_non_exhaustive()
    }
}

/// What a file name in a family directory is.
enum FileKind {
    Reader(u32),
    Writer(u32),
}

fn file_kind(name: &str) -> Option<FileKind> {
    let number = |s: &str| {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && !s.starts_with('0'))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let stem = name.strip_prefix('v')?;
    if let Some(v) = stem.strip_suffix(".writer.json") {
        return number(v).map(FileKind::Writer);
    }
    number(stem.strip_suffix(".json")?).map(FileKind::Reader)
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}:{}:{}: not JSON: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })
}

impl FamilyDir {
    /// Loads and checks the family in `dir`: `family.toml`, then every `vN.json` (contiguous
    /// versions, tags agreeing with the manifest, lenses whose versions match their files).
    /// Every error names the file, and where it can the line and column or the JSON pointer.
    pub fn load(dir: &Path) -> Result<FamilyDir, String> {
        let manifest_path = dir.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&manifest_path).map_err(|e| {
            format!(
                "{}: cannot read the family's manifest: {e} (a family directory holds \
                 `{MANIFEST_FILE}` and the exported schemas `v1.json … vN.json`)",
                manifest_path.display()
            )
        })?;
        let manifest = Manifest::parse(&manifest_path, &text)?;
        let mut readers = BTreeMap::new();
        let mut writers = BTreeMap::new();
        let entries =
            std::fs::read_dir(dir).map_err(|e| format!("{}: cannot list: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: cannot list: {e}", dir.display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            match file_kind(&name) {
                Some(FileKind::Reader(v)) => {
                    readers.insert(v, read_json(&path)?);
                }
                Some(FileKind::Writer(v)) => {
                    writers.insert(v, read_json(&path)?);
                }
                None if name.ends_with(".json") => {
                    return Err(format!(
                        "{}: not a schema file name of a family directory (`vN.json` or \
                         `vN.writer.json`)",
                        path.display()
                    ));
                }
                None => {}
            }
        }
        let versions: Vec<u32> = readers.keys().copied().collect();
        let (Some(&first), Some(&last)) = (versions.first(), versions.last()) else {
            return Err(format!("{}: no `vN.json` schema", dir.display()));
        };
        if let Some(missing) = (first..=last).find(|v| !readers.contains_key(v)) {
            return Err(format!(
                "{}: v{missing}.json is missing (versions {first} to {last} must all be there)",
                dir.display()
            ));
        }
        if let Some(&v) = writers.keys().find(|v| !readers.contains_key(v)) {
            return Err(format!(
                "{}: v{v}.writer.json has no v{v}.json",
                dir.display()
            ));
        }
        if let Some(base) = &manifest.base
            && !readers.contains_key(base.get_ref())
        {
            return Err(Manifest::error_at(
                &manifest_path,
                &text,
                base.span().start,
                format!(
                    "`base` {} is not one of the versions {versions:?}",
                    base.get_ref()
                ),
            ));
        }
        for key in manifest.parts.keys() {
            let v: u32 = key.get_ref().parse().unwrap_or(0);
            if !readers.contains_key(&v) {
                return Err(Manifest::error_at(
                    &manifest_path,
                    &text,
                    key.span().start,
                    format!("`parts`: {v} is not one of the versions {versions:?}"),
                ));
            }
        }
        let mut by_version = BTreeMap::new();
        for (v, reader) in readers {
            let path = dir.join(format!("v{v}.json"));
            check_tags(&path, &reader, &manifest, v)?;
            let lens = match reader.get(LENS_KEYWORD) {
                None => None,
                Some(_) if v == first => {
                    return Err(format!(
                        "{}: /{LENS_KEYWORD}: the first version has no step leading to it",
                        path.display()
                    ));
                }
                Some(value) => Some(step_lens(&path, value, &manifest, v)?),
            };
            let validator = jsonschema::validator_for(&reader)
                .map_err(|e| format!("{}: not a usable JSON Schema: {e}", path.display()))?;
            by_version.insert(
                v,
                Version {
                    reader,
                    writer: writers.remove(&v),
                    validator,
                    lens,
                },
            );
        }
        Ok(FamilyDir {
            dir: dir.to_owned(),
            manifest,
            versions,
            by_version,
        })
    }

    /// The directory the family was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The lens of the step from `to - 1` to `to`, if that step is declared with one.
    pub fn lens_to(&self, to: u32) -> Option<&Lens> {
        self.by_version.get(&to)?.lens.as_ref()
    }

    fn id_of(&self, docs: &DocumentSet) -> Option<String> {
        docs.id.clone().or_else(|| {
            ["_id", "id"]
                .iter()
                .find_map(|k| docs.main.get(*k)?.as_str().map(str::to_owned))
        })
    }

    /// `doc` with the family's tags for `version` first, then its other fields.
    fn tagged(&self, doc: &Map<String, Value>, version: u32) -> Value {
        let (schema_field, version_field) =
            (&self.manifest.schema_field, &self.manifest.version_field);
        let mut out = Map::new();
        out.insert(schema_field.clone(), Value::from(self.schema_name()));
        out.insert(version_field.clone(), Value::from(version));
        for (k, v) in doc {
            if k != schema_field && k != version_field {
                out.insert(k.clone(), v.clone());
            }
        }
        Value::Object(out)
    }

    /// The first place `doc` does not match `version`'s reader schema, as `(pointer, message)`.
    fn mismatch(&self, doc: &Value, version: u32) -> Option<(String, String)> {
        let validator = &self.by_version.get(&version)?.validator;
        validator
            .iter_errors(doc)
            .next()
            .map(|e| (e.instance_path().to_string(), e.to_string()))
    }

    fn step(
        &self,
        doc: &mut Value,
        from: u32,
        to: u32,
        id: &Option<String>,
    ) -> Result<Loss, DocError> {
        let failed = |message: String| DocError::Migration {
            id: id.clone(),
            schema: self.schema_name().to_owned(),
            from,
            to,
            message,
        };
        let (way, step_to) = if to > from {
            (Way::Up, to)
        } else {
            (Way::Down, from)
        };
        let Some(lens) = self.lens_to(step_to) else {
            return Err(failed(format!(
                "the step from version {} to {step_to} has no lens in {} (it was written in \
                 Rust): embed the strategy commands in the application's own binary \
                 (`docver_migrate::cli::run` with the derived family) to run it",
                step_to - 1,
                self.dir.join(format!("v{step_to}.json")).display()
            )));
        };
        lens.apply(doc, way).map_err(|e| failed(e.to_string()))?;
        let loss = match (way, lens.loss()) {
            (Way::Down, docver::lens::RoundTripLoss::Lossy { items }) => Loss::Lossy {
                paths: items.into_iter().map(|item| item.pointer).collect(),
            },
            _ => Loss::Lossless,
        };
        Ok(loss)
    }
}

/// The reader schema's tag constants, when it has them, agree with the manifest and the file.
fn check_tags(path: &Path, schema: &Value, manifest: &Manifest, v: u32) -> Result<(), String> {
    let props = schema.get("properties");
    let constant = |field: &str| props?.get(field)?.get("const");
    if let Some(found) = constant(&manifest.schema_field)
        && found.as_str() != Some(manifest.name.get_ref())
    {
        return Err(format!(
            "{}: /properties/{}/const is {found}, but {MANIFEST_FILE} names the family {:?}",
            path.display(),
            manifest.schema_field,
            manifest.name.get_ref()
        ));
    }
    if let Some(found) = constant(&manifest.version_field)
        && found.as_u64() != Some(u64::from(v))
    {
        return Err(format!(
            "{}: /properties/{}/const is {found}, not the file's version {v}",
            path.display(),
            manifest.version_field
        ));
    }
    Ok(())
}

/// The lens under `x-docver-lens` in `vN.json`: valid, from `N - 1` to `N`, and not changing
/// companion documents (no lens operation can split a document).
fn step_lens(path: &Path, value: &Value, manifest: &Manifest, v: u32) -> Result<Lens, String> {
    let lens =
        Lens::from_value(value).map_err(|e| format!("{}: /{LENS_KEYWORD}: {e}", path.display()))?;
    let expected = (Some(u64::from(v - 1)), Some(u64::from(v)));
    if (lens.from, lens.to) != expected {
        return Err(format!(
            "{}: /{LENS_KEYWORD}: the lens goes from {:?} to {:?}, but the file is version {v} \
             (expected from {} to {v})",
            path.display(),
            lens.from,
            lens.to,
            v - 1
        ));
    }
    if manifest.parts_of(v - 1) != manifest.parts_of(v) {
        return Err(format!(
            "{}: /{LENS_KEYWORD}: versions {} and {v} have different companion documents in \
             {MANIFEST_FILE}, which no lens can make; a split step is written in Rust",
            path.display(),
            v - 1
        ));
    }
    Ok(lens)
}

impl Family for FamilyDir {
    fn schema_name(&self) -> &str {
        self.manifest.name.get_ref()
    }

    fn versions(&self) -> &[u32] {
        &self.versions
    }

    fn version_field(&self) -> &str {
        &self.manifest.version_field
    }

    fn part_schemas(&self, version: u32) -> Vec<String> {
        self.manifest.parts_of(version)
    }

    fn version_of(&self, doc: &Value) -> Result<u32, DocError> {
        docver::family::read_tag(
            doc,
            self.schema_name(),
            &self.manifest.schema_field,
            &self.manifest.version_field,
            self.manifest.base.as_ref().map(|b| *b.get_ref()),
        )
    }

    fn json_schema(&self, version: u32, contract: Contract) -> Option<Value> {
        let v = self.by_version.get(&version)?;
        Some(match contract {
            Contract::Writer => v.writer.clone().unwrap_or_else(|| v.reader.clone()),
            _ => v.reader.clone(),
        })
    }

    fn migrate(&self, docs: DocumentSet, target: u32) -> Result<Migrated, DocError> {
        let id = self.id_of(&docs);
        let schema = self.schema_name().to_owned();
        if !self.versions.contains(&target) {
            return Err(DocError::UnknownVersion {
                id,
                schema,
                found: u64::from(target),
                known: self.versions.clone(),
            });
        }
        let from = self.version_of(&docs.main).map_err(|e| with_id(e, &id))?;
        if !self.versions.contains(&from) {
            return Err(DocError::UnknownVersion {
                id,
                schema,
                found: u64::from(from),
                known: self.versions.clone(),
            });
        }
        let Some(main) = docs.main.as_object() else {
            return Err(DocError::Invalid {
                id,
                schema,
                version: from,
                path: String::new(),
                message: "a document must be a JSON object".to_owned(),
            });
        };
        let mut doc = self.tagged(main, from);
        if let Some((path, message)) = self.mismatch(&doc, from) {
            return Err(DocError::Invalid {
                id,
                schema,
                version: from,
                path,
                message,
            });
        }
        let mut loss = Loss::Lossless;
        let mut at = from;
        while at != target {
            let next = if at < target { at + 1 } else { at - 1 };
            loss = loss.then(self.step(&mut doc, at, next, &id)?);
            at = next;
        }
        let doc = match doc.as_object() {
            Some(map) => self.tagged(map, target),
            None => doc,
        };
        if let Some((path, message)) = self.mismatch(&doc, target) {
            return Err(DocError::Migration {
                id,
                schema,
                from,
                to: target,
                message: format!(
                    "the result does not match version {target} at `{path}`: {message}"
                ),
            });
        }
        Ok(Migrated {
            version: target,
            docs: DocumentSet {
                id: docs.id,
                main: doc,
                parts: docs.parts,
            },
            loss,
        })
    }
}

/// `error` naming `id` when it named no document.
fn with_id(error: DocError, id: &Option<String>) -> DocError {
    match error {
        DocError::Invalid {
            id: None,
            schema,
            version,
            path,
            message,
        } => DocError::Invalid {
            id: id.clone(),
            schema,
            version,
            path,
            message,
        },
        DocError::MissingTag {
            id: None,
            schema,
            field,
        } => DocError::MissingTag {
            id: id.clone(),
            schema,
            field,
        },
        DocError::WrongSchema {
            id: None,
            expected,
            found,
        } => DocError::WrongSchema {
            id: id.clone(),
            expected,
            found,
        },
        other => other,
    }
}
