//! The transactional strategy: migrate every document of a family to a target version.
//!
//! In batches of `batch_size` documents (ordered by id), each document written atomically with
//! its companions; a checkpoint in the store (`_local/docver-migrate-<family>-v<target>`, plus a
//! hash of the selection when `--only` narrows it: see [`checkpoint_id`]) lets a crashed run
//! resume where it stopped, and documents already at the target are never
//! rewritten, so a re-run changes nothing. A write conflict (someone edited the document
//! meanwhile) is re-read and retried; a document whose migration fails is reported with its id
//! and left untouched, and the run goes on unless `fail_fast`. Every document left alone is
//! counted and named ([`Report::skipped`]); a downgrade that would lose data is refused per
//! document unless `allow_lossy`, and the loss is listed per document either way.
//!
//! The seed's caveat holds: this is a one-shot migration. A client that was offline during the
//! run and syncs an old-version document afterwards brings it back; `live::stats` shows it and
//! the `_changes` workers of the other strategies handle it.

use std::collections::BTreeMap;

use docver::Family;
use serde_json::{Value, json};

use super::conflicts::{self, ConflictRecord};
use super::engine::{self, Belonging, Membership, MigrationFailure, WritePlan};
use super::lease::Lease;
use super::revisions::{self, Merged};
use super::skipped::{SkipReason, Skipped};
use crate::store::{Conflicted, Doc, DocsPage, Store, StoreError, WriteOutcome};

/// How often a conflicting write is re-read and retried before it counts as a failure.
const MAX_ATTEMPTS: usize = 5;

/// Documents per page (one `all_docs` read and one bulk write per phase). Measured on
/// pouchdb-server (docs/benchmarks-migrate.md): 1000 reads and writes with a tenth of the
/// per-request overhead of 200, and larger pages gain nothing more.
pub const DEFAULT_BATCH_SIZE: usize = 1000;
/// Documents between two checkpoints: what a crashed run re-examines at most (re-examining
/// finds them at the target and writes nothing).
pub const DEFAULT_CHECKPOINT_EVERY: usize = 10_000;

#[derive(Debug, Clone)]
pub struct Options {
    pub target: u32,
    pub batch_size: usize,
    /// Count and show a sample, write nothing.
    pub dry_run: bool,
    /// Stop after the batch in which a document failed (the batch is finished: every other
    /// document of it is migrated, so the counts say exactly what happened).
    pub fail_fast: bool,
    /// Migrate documents even when the target version cannot represent all their data (a
    /// downgrade); without it such documents are left alone and listed.
    pub allow_lossy: bool,
    pub membership: Membership,
    /// Only documents whose top-level `field` equals `value` (the client-side strategy: one
    /// user's documents in a shared local store).
    pub only: Option<(String, Value)>,
    /// Show a progress bar on stderr (when it is a terminal).
    pub progress: bool,
    /// Documents examined between two checkpoints: a crash re-examines at most that many (and
    /// re-examining skips what is already at the target).
    pub checkpoint_every: usize,
    /// Read the next page while the current one is written (see [`run`]) where the store
    /// benefits ([`Store::prefers_read_ahead`]: servers, not SQLite); off = strictly one
    /// request after the other everywhere.
    pub read_ahead: bool,
}

impl Options {
    pub fn new(target: u32) -> Self {
        Options {
            target,
            batch_size: DEFAULT_BATCH_SIZE,
            dry_run: false,
            fail_fast: false,
            allow_lossy: false,
            membership: Membership::default(),
            only: None,
            progress: false,
            checkpoint_every: DEFAULT_CHECKPOINT_EVERY,
            read_ahead: true,
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Family documents looked at.
    pub examined: usize,
    /// Migrated (or, in a dry run, that would be).
    pub migrated: usize,
    pub already_at_target: usize,
    /// Documents per version before the run.
    pub versions: BTreeMap<u32, usize>,
    pub failed: Vec<MigrationFailure>,
    /// Conflicting writes that were re-read and retried.
    pub retried: usize,
    /// One document before and after, for a dry run's sample diff.
    pub sample: Option<(Value, Value)>,
    /// Whether the run was resumed from a checkpoint.
    pub resumed: bool,
    /// Of a resumed run: documents at or below the checkpoint it still had to migrate (or
    /// failed to), i.e. added or set back there after the interrupted run had passed them.
    pub below_checkpoint: usize,
    /// Documents left alone, by reason (another family, not selected, lossy, …).
    pub skipped: Skipped,
    /// Documents whose migration loses data, with what (migrated only with `allow_lossy`).
    pub losses: Vec<DocLoss>,
    /// With fail-fast: the last id of the batch the run stopped after (later ids were not read).
    pub stopped_after: Option<String>,
    /// Documents found with conflicting revisions (CouchDB `_conflicts`, e.g. an offline
    /// client's late edit): merged into the winning revision (a dry run only lists them; one
    /// that cannot be merged is also in `failed`).
    pub conflicted: Vec<Conflicted>,
    /// Of `conflicted`: merged, and their losing revisions deleted.
    pub merged_revisions: usize,
    /// Values both revisions changed, kept from the winning one (also in the conflict log).
    pub conflicts: Vec<ConflictRecord>,
}

/// What migrating one document loses: JSON pointers into the stored document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocLoss {
    pub id: String,
    pub paths: Vec<String>,
}

impl Report {
    /// Adds what `other` (a further pass of the same run) did.
    fn absorb(&mut self, other: Report) {
        self.examined += other.examined;
        self.migrated += other.migrated;
        self.already_at_target += other.already_at_target;
        for (version, count) in other.versions {
            *self.versions.entry(version).or_default() += count;
        }
        self.failed.extend(other.failed);
        self.retried += other.retried;
        if self.sample.is_none() {
            self.sample = other.sample;
        }
        self.skipped.absorb(other.skipped);
        self.losses.extend(other.losses);
        self.stopped_after = self.stopped_after.take().or(other.stopped_after);
        self.conflicted.extend(other.conflicted);
        self.merged_revisions += other.merged_revisions;
        self.conflicts.extend(other.conflicts);
    }
}

/// The checkpoint of a run: keyed by everything that selects documents, so that a run never
/// resumes from the checkpoint of a run that looked at other documents (`--only owner=bob`
/// after `--only owner=ana` would skip bob's documents below ana's position). The store is the
/// checkpoint's own; family and target are in the id; a narrower selection (`--only`, another
/// tag field, untagged documents claimed for a family without a base) adds a hash of it. A
/// whole-family run keeps the plain id.
pub fn checkpoint_id(family: &dyn Family, options: &Options) -> String {
    let plain = format!(
        "docver-migrate-{}-v{}",
        family.schema_name(),
        options.target
    );
    match selection(family, options) {
        None => plain,
        Some(selection) => {
            use sha2::{Digest, Sha256};
            let digest = Sha256::digest(selection.to_string().as_bytes());
            let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
            format!("{plain}-{hex}")
        }
    }
}

/// What narrows or widens the documents a run looks at, beyond family and target (`None`: the
/// whole family, as its tags say).
fn selection(family: &dyn Family, options: &Options) -> Option<Value> {
    let membership = &options.membership;
    let claims_untagged = membership.untagged_as_base && engine::base_version(family).is_none();
    let default = Membership::default();
    if options.only.is_none() && membership.schema_field == default.schema_field && !claims_untagged
    {
        return None;
    }
    Some(json!({
        "only": options.only.as_ref().map(|(field, value)| json!({ field.as_str(): value })),
        "schema_field": membership.schema_field,
        "untagged_as_base": claims_untagged,
    }))
}

/// Runs the migration. Store errors (the store is unreachable, say) end the run with an
/// error; the checkpoint keeps what was done.
///
/// On a server ([`Store::prefers_read_ahead`]), pages are read one ahead: a reader thread
/// fetches page k+1 while page k is planned and written (on CouchDB over a second pooled
/// connection), so the client's own work and the round trips overlap the server's. This is
/// safe because pages are disjoint ranges of ids in increasing order: writing page k never
/// touches a document of page k+1; a document someone else changed after it was read ahead is
/// a write conflict, re-read and retried like any other. The checkpoint still names the last
/// id of a page that is completely handled.
pub fn run(
    store: &dyn Store,
    family: &dyn Family,
    options: &Options,
) -> Result<Report, StoreError> {
    let checkpoint = checkpoint_id(family, options);
    let after: Option<String> = match store.get_local(&checkpoint)? {
        Some(state) => state
            .get("after")
            .and_then(Value::as_str)
            .map(str::to_owned),
        None => None,
    };
    // A dry run writes nothing, not even a lease.
    let lease = match options.dry_run {
        true => None,
        false => Some(Lease::acquire(store, family, options.target)?),
    };
    let pass = Pass {
        checkpoint: &checkpoint,
        lease: lease.as_ref(),
        from: after.clone(),
        until: None,
    };
    let mut report = scan(store, family, options, pass)?;
    report.resumed = after.is_some();
    if let Some(after) = after
        && !stopped_early(options, &report)
    {
        // The interrupted run passed every id up to the checkpoint, but documents may have been
        // added (or set back) there since: a second pass over that range finds them.
        let pass = Pass {
            checkpoint: &checkpoint,
            lease: lease.as_ref(),
            from: None,
            until: Some(after),
        };
        let below = scan(store, family, options, pass)?;
        report.below_checkpoint = below.migrated + below.failed.len();
        report.absorb(below);
    }
    if let Some(lease) = &lease
        && !stopped_early(options, &report)
    {
        lease.release(store)?;
    }
    Ok(report)
}

/// Whether fail-fast ended the run at a failure.
fn stopped_early(options: &Options, report: &Report) -> bool {
    options.fail_fast && !report.failed.is_empty()
}

/// One pass over the ids after `from` up to `until` (inclusive; `None` = to the end).
struct Pass<'a> {
    checkpoint: &'a str,
    lease: Option<&'a Lease>,
    from: Option<String>,
    until: Option<String>,
}

/// Migrates the documents of one [`Pass`], reading pages one ahead where the store prefers it.
fn scan(
    store: &dyn Store,
    family: &dyn Family,
    options: &Options,
    pass: Pass<'_>,
) -> Result<Report, StoreError> {
    let batch_size = options.batch_size.max(1);
    if !(options.read_ahead && store.prefers_read_ahead()) {
        let mut cursor = pass.from.clone();
        let mut next_page = || match store.all_docs_page(cursor.as_deref(), batch_size) {
            Ok(page) => match page.last_id() {
                None => Page::End,
                Some(last) => {
                    cursor = Some(last.to_owned());
                    Page::Docs(Ok(page))
                }
            },
            Err(e) => Page::Docs(Err(e)),
        };
        return migrate_pages(store, family, options, &pass, &mut next_page);
    }
    std::thread::scope(|scope| {
        let (pages, received) = std::sync::mpsc::sync_channel::<Page>(1);
        let mut cursor = pass.from.clone();
        let reader = scope.spawn(move || {
            loop {
                let page = store.all_docs_page(cursor.as_deref(), batch_size);
                let last = match &page {
                    Ok(page) => match page.last_id() {
                        Some(last) => last.to_owned(),
                        None => {
                            let _ = pages.send(Page::End);
                            return;
                        }
                    },
                    Err(_) => String::new(),
                };
                let failed = page.is_err();
                // The receiver is gone when the run stopped early (fail-fast, an error).
                if pages.send(Page::Docs(page)).is_err() || failed {
                    return;
                }
                cursor = Some(last);
            }
        });
        let outcome = {
            // Dropped when the run returns, which stops the reader.
            let received = received;
            // A closed channel without `End` means the reader panicked: `run` re-raises it.
            let mut next_page = || received.recv().unwrap_or(Page::ReaderGone);
            migrate_pages(store, family, options, &pass, &mut next_page)
        };
        if let Err(panic) = reader.join() {
            std::panic::resume_unwind(panic);
        }
        outcome
    })
}

/// What the reader thread hands over: a page (or the error reading it), or the end.
enum Page {
    Docs(Result<DocsPage, StoreError>),
    End,
    ReaderGone,
}

fn migrate_pages(
    store: &dyn Store,
    family: &dyn Family,
    options: &Options,
    pass: &Pass<'_>,
    next_page: &mut dyn FnMut() -> Page,
) -> Result<Report, StoreError> {
    let mut report = Report::default();
    let bar = progress_bar(options.progress);
    let mut since_checkpoint = 0;
    loop {
        let mut page = match next_page() {
            Page::Docs(page) => page?,
            Page::End => break,
            // The reader panicked; `run` re-raises the panic. No final checkpoint.
            Page::ReaderGone => return Ok(report),
        };
        let Some(last_id) = page.last_id().map(str::to_owned) else {
            break;
        };
        if let Some(lease) = pass.lease {
            lease.keep(store)?;
        }
        let last_page = pass
            .until
            .as_deref()
            .is_some_and(|until| last_id.as_str() >= until);
        if let Some(until) = pass.until.as_deref() {
            page.docs.retain(|doc| doc.id.as_str() <= until);
            page.unreadable.retain(|bad| bad.id.as_str() <= until);
        }
        let handled = page.docs.len() + page.unreadable.len();
        migrate_page(store, family, options, &page, &mut report)?;
        bar.inc(handled as u64);
        if stopped_early(options, &report) {
            report.stopped_after = Some(last_id);
            bar.finish_and_clear();
            return Ok(report);
        }
        since_checkpoint += handled;
        if !options.dry_run && since_checkpoint >= options.checkpoint_every {
            store.put_local(pass.checkpoint, &json!({ "after": last_id }))?;
            since_checkpoint = 0;
        }
        if last_page {
            break;
        }
    }
    if !options.dry_run {
        // A finished run leaves no checkpoint to resume from: the next run starts over, finds
        // everything at the target and changes nothing.
        store.put_local(pass.checkpoint, &json!({ "after": null, "finished": true }))?;
    }
    bar.finish_and_clear();
    Ok(report)
}

/// Migrates the family's documents of one page: every one of them, also with fail-fast (the
/// run stops after the page that failed, see [`Report::stopped_after`]), so a batch is never
/// dropped halfway and the counts say exactly what happened.
fn migrate_page(
    store: &dyn Store,
    family: &dyn Family,
    options: &Options,
    page: &DocsPage,
    report: &mut Report,
) -> Result<(), StoreError> {
    // Whether it is the family's cannot be told: reported, so that the run does not claim to
    // have migrated everything.
    for bad in &page.unreadable {
        report.failed.push(MigrationFailure {
            id: bad.id.clone(),
            error: bad.reason.clone(),
        });
    }
    // Plan the whole batch, then write it in three bulk requests (companions, main documents,
    // obsolete companions); only conflicting documents go one by one.
    let mut planned: Vec<(&Doc, WritePlan)> = Vec::new();
    for doc in &page.docs {
        if let Some(conflicted) = page.conflicted.iter().find(|c| c.id == doc.id) {
            // Merged first, then migrated like any other document.
            merge_revisions(store, family, options, doc, conflicted, report)?;
            continue;
        }
        if let Some(plan) = plan_member(store, family, options, doc, report)? {
            planned.push((doc, plan));
        }
    }
    for doc in write_batch(store, &planned, report)? {
        migrate_with_retries(store, family, doc, options, report)?;
    }
    Ok(())
}

/// A document with conflicting revisions: a member's are merged into the winning revision
/// (recorded in the conflict log), then it is migrated; a companion's, or a merge that cannot be
/// decided, fail by id. A dry run lists it and writes nothing.
fn merge_revisions(
    store: &dyn Store,
    family: &dyn Family,
    options: &Options,
    doc: &Doc,
    conflicted: &Conflicted,
    report: &mut Report,
) -> Result<(), StoreError> {
    let fail = |report: &mut Report, why: String| {
        report.failed.push(MigrationFailure {
            id: doc.id.clone(),
            error: format!(
                "conflicting revisions {}: {why}",
                conflicted.revisions.join(", ")
            ),
        });
    };
    match options.membership.classify(family, doc) {
        Belonging::Member => {}
        Belonging::Internal if !doc.deleted && !doc.id.starts_with("_design/") => {
            report.conflicted.push(conflicted.clone());
            fail(
                report,
                "a companion document's concurrent edits are merged by hand (or by `sync`/`worker`)"
                    .to_owned(),
            );
            return Ok(());
        }
        _ => return plan_member(store, family, options, doc, report).map(drop),
    }
    if let Some((field, value)) = &options.only
        && doc.body.get(field) != Some(value)
    {
        report.skipped.add(SkipReason::NotSelected, &doc.id);
        return Ok(());
    }
    report.conflicted.push(conflicted.clone());
    if options.dry_run {
        // Counted as examined and planned as it stands: the run lists it, writes nothing.
        return plan_member(store, family, options, doc, report).map(drop);
    }
    // Counted by the version it had before the merge, like every other document.
    report.examined += 1;
    if let Ok(v) = family.version_of(&doc.body) {
        *report.versions.entry(v).or_default() += 1;
    }
    match revisions::merge_into_winner(store, family, doc)? {
        Merged::Undecided(why) => fail(report, why),
        Merged::Done { conflicts: found } => {
            conflicts::append(store, family.schema_name(), &found)?;
            report.conflicts.extend(found);
            report.merged_revisions += 1;
            if let Some(merged) = store.get(&doc.id)? {
                migrate_with_retries(store, family, &merged, options, report)?;
            }
        }
    }
    Ok(())
}

/// Counts `doc` (examined, or skipped and why) and plans its migration: `Some` when there is
/// something to write; failures, documents already at the target, refused losses and dry-run
/// counts are recorded in `report`.
fn plan_member(
    store: &dyn Store,
    family: &dyn Family,
    options: &Options,
    doc: &Doc,
    report: &mut Report,
) -> Result<Option<WritePlan>, StoreError> {
    match options.membership.classify(family, doc) {
        Belonging::Member => {}
        Belonging::Internal => return Ok(None),
        Belonging::Outside(reason) => {
            report.skipped.add(reason, &doc.id);
            return Ok(None);
        }
    }
    if let Some((field, value)) = &options.only
        && doc.body.get(field) != Some(value)
    {
        report.skipped.add(SkipReason::NotSelected, &doc.id);
        return Ok(None);
    }
    report.examined += 1;
    if let Ok(v) = family.version_of(&doc.body) {
        *report.versions.entry(v).or_default() += 1;
    }
    let Some(plan) = plan_one(store, family, doc, options, report)? else {
        return Ok(None);
    };
    if options.dry_run {
        report.migrated += 1;
        if report.sample.is_none() {
            report.sample = Some((doc.body.clone(), plan.after.clone().unwrap_or_default()));
        }
        return Ok(None);
    }
    Ok(Some(plan))
}

/// [`engine::plan`] for one member, recording in `report` what is not to be written: a
/// failure (its companion unreadable included: it fails alone, by id), a document already at
/// the target, a loss not allowed. The loss of a lossy plan is listed either way.
fn plan_one(
    store: &dyn Store,
    family: &dyn Family,
    doc: &Doc,
    options: &Options,
    report: &mut Report,
) -> Result<Option<WritePlan>, StoreError> {
    let planned = match engine::plan(store, family, doc, options.target) {
        Ok(planned) => planned.map_err(|e| e.to_string()),
        Err(e) => match e.unreadable_doc() {
            Some(bad) => Err(format!(
                "its companion document `{}` cannot be read: {}",
                bad.id, bad.reason
            )),
            None => return Err(e),
        },
    };
    let plan = match planned {
        Err(error) => {
            report.failed.push(MigrationFailure {
                id: doc.id.clone(),
                error,
            });
            return Ok(None);
        }
        Ok(plan) if plan.main.is_none() => {
            report.already_at_target += 1;
            return Ok(None);
        }
        Ok(plan) => plan,
    };
    if let docver::Loss::Lossy { paths } = &plan.loss {
        if report.losses.last().is_none_or(|l| l.id != doc.id) {
            report.losses.push(DocLoss {
                id: doc.id.clone(),
                paths: paths.clone(),
            });
        }
        if !options.allow_lossy {
            report.skipped.add(SkipReason::Lossy, &doc.id);
            return Ok(None);
        }
    }
    Ok(Some(plan))
}

fn progress_bar(enabled: bool) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !enabled || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{spinner} {pos} documents read ({per_sec})")
    {
        bar.set_style(style);
    }
    bar
}

fn migrate_with_retries(
    store: &dyn Store,
    family: &dyn Family,
    doc: &Doc,
    options: &Options,
    report: &mut Report,
) -> Result<(), StoreError> {
    let mut current = doc.clone();
    for attempt in 0..MAX_ATTEMPTS {
        let Some(plan) = plan_one(store, family, &current, options, report)? else {
            return Ok(());
        };
        if options.dry_run {
            report.migrated += 1;
            if report.sample.is_none() {
                report.sample =
                    Some((current.body.clone(), plan.after.clone().unwrap_or_default()));
            }
            return Ok(());
        }
        match write(store, &plan)? {
            Written::Done => {
                report.migrated += 1;
                return Ok(());
            }
            Written::Rejected(reason) => {
                report.failed.push(MigrationFailure {
                    id: current.id.clone(),
                    error: reason,
                });
                return Ok(());
            }
            Written::Conflict => {
                report.retried += 1;
                match store.get(&current.id)? {
                    Some(fresh) => current = fresh,
                    // Deleted meanwhile: nothing left to migrate.
                    None => return Ok(()),
                }
                let _ = attempt;
            }
        }
    }
    report.failed.push(MigrationFailure {
        id: doc.id.clone(),
        error: format!("still conflicting after {MAX_ATTEMPTS} attempts"),
    });
    Ok(())
}

/// Writes a batch of plans in three bulk requests (companions, main documents, obsolete
/// companions); returns the documents that hit a conflict, to retry one by one. A document
/// whose companion write failed is not written further in this batch.
fn write_batch<'d>(
    store: &dyn Store,
    planned: &[(&'d Doc, WritePlan)],
    report: &mut Report,
) -> Result<Vec<&'d Doc>, StoreError> {
    use std::collections::HashSet;
    let mut retry: HashSet<String> = HashSet::new();
    let mut rejected: HashSet<String> = HashSet::new();
    let phases: [fn(&WritePlan) -> Vec<Doc>; 3] = [
        |p| p.parts.clone(),
        |p| p.main.iter().cloned().collect(),
        |p| p.obsolete.clone(),
    ];
    for (phase, select) in phases.iter().enumerate() {
        let mut docs = Vec::new();
        let mut owners: Vec<&Doc> = Vec::new();
        for (doc, plan) in planned {
            if retry.contains(&doc.id) || rejected.contains(&doc.id) {
                continue;
            }
            for d in select(plan) {
                docs.push(d);
                owners.push(doc);
            }
        }
        if docs.is_empty() {
            continue;
        }
        for (outcome, owner) in store.bulk_write(&docs)?.into_iter().zip(owners) {
            match outcome {
                WriteOutcome::Written { .. } => {
                    if phase == 1 {
                        report.migrated += 1;
                    }
                }
                // An obsolete companion someone rewrote meanwhile is left for the next run.
                WriteOutcome::Conflict { .. } if phase == 2 => {}
                WriteOutcome::Conflict { .. } => {
                    retry.insert(owner.id.clone());
                }
                WriteOutcome::Rejected { id, reason } => {
                    if rejected.insert(owner.id.clone()) {
                        report.failed.push(MigrationFailure {
                            id: owner.id.clone(),
                            error: format!("{id}: {reason}"),
                        });
                    }
                }
            }
        }
    }
    Ok(planned
        .iter()
        .map(|(d, _)| *d)
        .filter(|d| retry.contains(&d.id))
        .collect())
}

enum Written {
    Done,
    Conflict,
    Rejected(String),
}

/// Companions first, then the main document, then obsolete companions: every prefix of this
/// sequence leaves a state a re-run completes.
fn write(store: &dyn Store, plan: &WritePlan) -> Result<Written, StoreError> {
    let groups: [Vec<Doc>; 3] = [
        plan.parts.clone(),
        plan.main.iter().cloned().collect(),
        plan.obsolete.clone(),
    ];
    for group in groups {
        if group.is_empty() {
            continue;
        }
        for outcome in store.bulk_write(&group)? {
            match outcome {
                WriteOutcome::Written { .. } => {}
                WriteOutcome::Conflict { .. } => return Ok(Written::Conflict),
                WriteOutcome::Rejected { id, reason } => {
                    return Ok(Written::Rejected(format!("{id}: {reason}")));
                }
            }
        }
    }
    Ok(Written::Done)
}
