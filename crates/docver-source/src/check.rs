//! The whole check of a set of paths: every family's versions derived from the working tree,
//! the pairs its policy asks for compared the precise way, and with a base ref, the history
//! rules. What callers render is a [`Checked`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use docver::Contract;
use docver_check::{DiffReport, Schema};
use serde_json::Value;

use crate::error::SourceError;
use crate::git::{PastTypes, Repository};
use crate::history::{FamilyAtHead, history};
use crate::lens::step_lens;
use crate::migration::apply_migrations;
use crate::policy::Policy;
use crate::precise::{Contracts, VersionModels, locate_findings, precise_diff};
use crate::sources::Sources;
use crate::tree::{read_files, scan_tree};

/// The sources a check reads: the working tree, and the same paths at the base ref.
#[derive(Debug)]
pub struct Check {
    pub head: Sources,
    pub base: Option<Sources>,
    /// Field declarations over the history (empty without a base).
    pub past: PastTypes,
    /// Working-tree entries the scan left out (`path: why`), reported as warnings.
    pub skipped: Vec<String>,
}

/// One version of one family, as reports name it.
#[derive(Debug, Clone)]
pub struct VersionView {
    /// Index into the head's files: the `.rs` file diagnostics point into.
    pub file: usize,
    /// `todo-item v3`.
    pub label: String,
}

/// One OLD → NEW comparison, by index into [`Checked::versions`].
#[derive(Debug)]
pub struct Compared {
    pub old: usize,
    pub new: usize,
    pub report: DiffReport,
}

/// What a check found.
#[derive(Debug)]
pub struct Checked {
    pub versions: Vec<VersionView>,
    pub comparisons: Vec<Compared>,
    /// `file:line:column: message` for what the derivation could not resolve.
    pub warnings: Vec<String>,
    /// Every version's models, by (family index, version). Returned rather than dropped so a
    /// caller about to exit can skip freeing them.
    pub models: BTreeMap<(usize, u32), VersionModels>,
}

impl Check {
    /// Reads and scans `paths` (relative to `cwd`), and with `against` the same paths at that
    /// ref. Families that do not validate are an error listing each.
    pub fn load(
        cwd: &Path,
        paths: &[PathBuf],
        against: Option<&str>,
    ) -> Result<Check, SourceError> {
        let tree = scan_tree(paths)?;
        let files = tree.files;
        let head = Sources::scan(read_files(&files)?);
        if !head.errors.is_empty() {
            return Err(SourceError(format!(
                "the families do not validate (the derive would refuse them too):\n{}",
                head.errors.join("\n")
            )));
        }
        let (base, past) = match against {
            Some(reference) => {
                let repository = Repository::discover(cwd)?;
                let roots = if paths.is_empty() {
                    vec![PathBuf::from(".")]
                } else {
                    paths.to_vec()
                };
                let base = Sources::scan(repository.read_at(reference, &roots, &files)?);
                (Some(base), repository.past_types(&files)?)
            }
            None => (None, PastTypes::new()),
        };
        let mut check = Check::from_sources(head, base, past);
        check.skipped = tree.skipped;
        Ok(check)
    }

    /// A check of sources already read (a rule's fixture: two versions of one file).
    pub fn from_sources(head: Sources, base: Option<Sources>, past: PastTypes) -> Check {
        Check {
            head,
            base,
            past,
            skipped: Vec::new(),
        }
    }

    /// Derives every version's models, compares the pairs each family's policy asks for
    /// (`policies` by family name; default policy otherwise), then checks history.
    pub fn run(&self, policies: &BTreeMap<String, Policy>) -> Result<Checked, SourceError> {
        let Derivations {
            lensed,
            versions,
            index,
            models,
            mut warnings,
        } = self.derive_all()?;
        warnings.extend(self.skipped.iter().cloned());
        let index = |fi: usize, version: u32| index[&(fi, version)];
        let mut jobs: Vec<(usize, u32, u32)> = Vec::new();
        let mut lives: Vec<Vec<u32>> = Vec::new();
        let mut family_policies: Vec<Policy> = Vec::new();
        for (fi, (_, family)) in self.head.families.iter().enumerate() {
            let policy = policies
                .get(&family.schema.value())
                .cloned()
                .unwrap_or_default();
            let declared = family.version_numbers();
            jobs.extend(policy.pairs(&declared).into_iter().map(|(a, b)| (fi, a, b)));
            lives.push(policy.live(&declared));
            family_policies.push(policy);
        }
        let mut comparisons = Vec::new();
        for ((fi, a, b), mut report) in jobs.iter().copied().zip(compare_all(&jobs, &models)) {
            let (file_index, family) = &self.head.families[fi];
            let file = &self.head.files[*file_index];
            let (old, new) = (&models[&(fi, a)], &models[&(fi, b)]);
            if let Some(lensed) = lensed.get(&(fi, b))
                && family.steps_between().contains(&(a, b))
            {
                add_lens_disagreements(&mut report, &old.reader, lensed);
            }
            locate_findings(&mut report, file, family, (a, old), (b, new));
            apply_migrations(&mut report, family, (a, b), &family_policies[fi]);
            comparisons.push(Compared {
                old: index(fi, a),
                new: index(fi, b),
                report,
            });
        }
        if let Some(base) = &self.base {
            for (fi, (file_index, family)) in self.head.families.iter().enumerate() {
                let at_head = FamilyAtHead {
                    file: &self.head.files[*file_index],
                    family,
                    live: &lives[fi],
                    models: &models,
                    family_index: fi,
                };
                let checks = history(&at_head, base, &self.past, &family_policies[fi])?;
                if !checks.findings.is_empty() {
                    let last = *family.version_numbers().last().unwrap_or(&0);
                    comparisons.push(Compared {
                        old: index(fi, last),
                        new: index(fi, last),
                        report: checks,
                    });
                }
            }
        }
        Ok(Checked {
            versions,
            comparisons,
            warnings,
            models,
        })
    }

    /// Every version of every family: its view, its models, and the derivation's warnings.
    fn derive_all(&self) -> Result<Derivations, SourceError> {
        let mut versions = Vec::new();
        let mut index = BTreeMap::new();
        let mut models = BTreeMap::new();
        let mut warnings = Vec::new();
        for (fi, (file_index, family)) in self.head.families.iter().enumerate() {
            let file = &self.head.files[*file_index];
            for version in family.version_numbers() {
                let (reader_derived, reader) =
                    self.head.derive(family, version, Contract::Reader)?;
                let (writer_derived, writer) =
                    self.head.derive(family, version, Contract::Writer)?;
                warnings.extend(
                    reader_derived
                        .warnings
                        .iter()
                        .map(|(span, message)| file.located(file.span(*span), message)),
                );
                index.insert((fi, version), versions.len());
                versions.push(VersionView {
                    file: *file_index,
                    label: format!("{} v{version}", family.schema.value()),
                });
                models.insert(
                    (fi, version),
                    VersionModels {
                        reader_derived,
                        reader,
                        writer_derived,
                        writer,
                    },
                );
            }
        }
        let lensed = self.lensed_readers(&models, &mut warnings)?;
        Ok(Derivations {
            lensed,
            versions,
            index,
            models,
            warnings,
        })
    }
}

impl Check {
    /// Each lens step's newer reader schema with the step's lens on it (`x-docver-lens`, as
    /// the example's schema files carry it), by (family index, newer version): diffed against
    /// the older reader, it says whether the lens produces the newer version
    /// (`lens-disagrees`).
    fn lensed_readers(
        &self,
        models: &BTreeMap<(usize, u32), VersionModels>,
        warnings: &mut Vec<String>,
    ) -> Result<BTreeMap<(usize, u32), Schema>, SourceError> {
        let mut lensed = BTreeMap::new();
        for (fi, (file_index, family)) in self.head.families.iter().enumerate() {
            let file = &self.head.files[*file_index];
            for (previous, next) in family.steps_between() {
                let schemas = (
                    &models[&(fi, previous)].reader_derived.schema,
                    &models[&(fi, next)].reader_derived.schema,
                );
                let lens = match step_lens(family, (previous, next), &self.head.items, schemas) {
                    None => continue,
                    Some(Ok(lens)) => lens,
                    Some(Err(why)) => {
                        let at = family.step_to(next).map_or(family.span, |s| s.span);
                        warnings.push(file.located(file.span(at), &format!("the lens of the step to v{next} is not checked against v{next}: {why}")));
                        continue;
                    }
                };
                let mut derived = models[&(fi, next)].reader_derived.clone();
                if let Value::Object(root) = &mut derived.schema {
                    root.insert(docver::lens::LENS_KEYWORD.to_owned(), lens);
                }
                lensed.insert((fi, next), self.head.read_model(family, next, &derived)?);
            }
        }
        Ok(lensed)
    }
}

/// Every version's view and models, keyed by (family index, version).
struct Derivations {
    /// Lens steps' newer readers carrying the lens, by (family index, newer version).
    lensed: BTreeMap<(usize, u32), Schema>,
    versions: Vec<VersionView>,
    index: BTreeMap<(usize, u32), usize>,
    models: BTreeMap<(usize, u32), VersionModels>,
    warnings: Vec<String>,
}

/// The step's lens checked against its versions' readers: what the lens produces from the
/// older reader must be the newer one (the writers differ from the readers by design).
fn add_lens_disagreements(report: &mut DiffReport, older: &Schema, lensed_newer: &Schema) {
    let id = docver_check::rules::LENS_DISAGREES.info.id;
    let agreement = docver_check::diff(older, lensed_newer, &docver_check::DiffOptions::default());
    for f in agreement.findings.into_iter().filter(|f| f.rule == id) {
        report.backward = report.backward.worst(f.backward);
        report.forward = report.forward.worst(f.forward);
        report.findings.push(f);
    }
}

/// The precise diff of each `(family, older, newer)` job. The diffs are independent and the
/// models are plain data: they are spread over the cores.
fn compare_all(
    jobs: &[(usize, u32, u32)],
    models: &BTreeMap<(usize, u32), VersionModels>,
) -> Vec<DiffReport> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .max(1);
    let chunk = jobs.len().div_ceil(threads).max(1);
    let contracts: BTreeMap<(usize, u32), Contracts<'_>> = models
        .iter()
        .map(|(key, m)| (*key, m.contracts()))
        .collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .map(|part| {
                let contracts = &contracts;
                scope.spawn(move || {
                    part.iter()
                        .map(|(fi, a, b)| {
                            precise_diff(contracts[&(*fi, *a)], contracts[&(*fi, *b)])
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}
