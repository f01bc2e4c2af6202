//! `replication`: what a client of one version needs to replicate only the documents it must
//! see, in the three forms servers and clients understand: the Mango selector (CouchDB 2 and
//! later), a design document with the same filter as a JavaScript function (servers and
//! clients without selector support in replication, pouchdb-server among them), and a
//! `_replicator` document that uses the design document's filter.

use clap::Args;
use docver::Family;
use docver_codegen::couchdb::{FILTER_NAME, replication_design_document, replication_design_name};
use serde_json::json;

use super::{check_versions, fail};
use crate::store::redact_url;
use crate::strategy::engine::Membership;
use crate::strategy::per_version_documents;

#[derive(Debug, Args)]
pub struct ReplicationArgs {
    /// The client's version.
    #[arg(long)]
    pub client_version: u32,
    /// The database the client replicates from (for the `_replicator` document), without
    /// credentials: docver never prints them (add them to the document yourself).
    #[arg(long, value_name = "URL")]
    pub source: String,
    /// The client's database (for the `_replicator` document), without credentials.
    #[arg(long, value_name = "URL")]
    pub target: String,
}

/// Prints `{"selector", "design_document", "replicator_document"}` as one JSON object.
pub fn replication(args: &ReplicationArgs, family: &dyn Family) -> i32 {
    if let Err(e) = check_versions(family, "--client-version", &[args.client_version]) {
        return fail(e);
    }
    for (flag, url) in [("--source", &args.source), ("--target", &args.target)] {
        if redact_url(url) != *url {
            return fail(format!(
                "{flag} {}: the URL carries credentials, which docver does not print; give it \
                 without them and add them to the printed `_replicator` document",
                redact_url(url)
            ));
        }
    }
    let tags = Membership::default();
    let (schema_field, version_field) = (tags.schema_field.as_str(), family.version_field());
    let name = family.schema_name();
    let selector = per_version_documents::replication_selector(
        family,
        schema_field,
        version_field,
        args.client_version,
    );
    let design =
        replication_design_document(name, schema_field, version_field, args.client_version);
    let filter = format!(
        "{}/{FILTER_NAME}",
        replication_design_name(name, args.client_version)
    );
    let replicator = json!({
        "_id": format!("docver-{name}-v{}", args.client_version),
        "source": args.source,
        "target": args.target,
        "filter": filter,
        "continuous": true,
    });
    say!(
        "{}",
        serde_json::to_string_pretty(&json!({
            "selector": selector,
            "design_document": design,
            "replicator_document": replicator,
        }))
        .unwrap_or_default()
    );
    0
}
