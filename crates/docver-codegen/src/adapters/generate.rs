//! The generator proper: the state one generation shares (the two versions, the findings and
//! which conversion has accounted for each, the `Decisions` methods asked for so far) and the
//! assembly of the module. The parts are in `generate/`: the two type modules
//! (`types_module`), value conversions (`convert`), struct conversions (`struct_fn`), the entry
//! points (`entry`), the `Decisions` trait and helpers (`decisions`), and doc text (`doc`).

use std::collections::BTreeMap;

use docver_check::{Direction, Finding};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::names::{self, Namespace};
use super::types::Module;

mod convert;
mod decisions;
mod doc;
mod entry;
mod struct_fn;
mod types_module;

use doc::inner_doc_attrs;
use types_module::emit_module;

/// Lints the generated module allows, each because schema text (not the generator) decides
/// what trips it: enum variant names come from enum values (`open_item`, `closed_item` →
/// `OpenItem`, `ClosedItem` share a suffix), and docs quote schema descriptions (Markdown
/// lists, bare URLs, `<tags>`, `[brackets]`). The conversion of a recursive type passes
/// `decisions` on to itself even where only the recursion uses it (`only_used_in_recursion`).
const ALLOWED_LINTS: &str = "clippy::enum_variant_names, clippy::doc_lazy_continuation, \
     clippy::only_used_in_recursion, \
     rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags";

#[derive(Debug, Clone, Copy)]
struct Side<'a> {
    src: &'a Module,
    dst: &'a Module,
    /// `upgrade` or `downgrade`.
    verb: &'static str,
    /// The module names, which are also the variable names of the source value.
    src_mod: &'static str,
    dst_mod: &'static str,
    direction: Direction,
}

impl Side<'_> {
    fn src_mod(&self) -> Ident {
        format_ident!("{}", self.src_mod)
    }
    fn dst_mod(&self) -> Ident {
        format_ident!("{}", self.dst_mod)
    }
    fn var(&self) -> Ident {
        self.src_mod()
    }
}

/// One method of the `Decisions` trait.
struct Decision {
    name: Ident,
    params: TokenStream,
    ret: TokenStream,
    docs: Vec<String>,
}

pub(crate) struct Generator<'a> {
    old: &'a Module,
    new: &'a Module,
    old_name: &'a str,
    new_name: &'a str,
    findings: &'a [Finding],
    claimed: Vec<bool>,
    decisions: Vec<Decision>,
    methods: Namespace,
    fns: Namespace,
    items: Vec<TokenStream>,
    memo: BTreeMap<(&'static str, &'static str, usize, usize), Ident>,
    uses_take: bool,
    uses_stash: bool,
    /// Whether the function being generated passes `decisions` on or calls it.
    uses_decisions: bool,
}

fn under(path: &str, prefix: &str) -> bool {
    prefix.is_empty() || path == prefix || path.starts_with(&format!("{prefix}/"))
}

fn strictly_under(path: &str, prefix: &str) -> bool {
    path != prefix && under(path, prefix)
}

/// Findings about the object itself rather than a value: whether it accepts unknown
/// properties, and how many it may have.
fn object_level(f: &Finding) -> bool {
    use docver_check::rules::{Category, counts_properties, rule_info};
    rule_info(&f.rule).is_some_and(|r| {
        r.category == Category::Object
            || (r.category == Category::Bound && counts_properties(&f.detail))
    })
}

fn where_(pointer: &str) -> String {
    if pointer.is_empty() {
        "the root".to_owned()
    } else {
        format!("`{pointer}`")
    }
}

fn cite(f: &Finding) -> String {
    format!(
        "`{}` at {} (backward: {}, forward: {}): {}",
        f.rule,
        where_(&f.pointer),
        f.backward.label(),
        f.forward.label(),
        f.message
    )
}

impl<'a> Generator<'a> {
    pub(crate) fn new(
        old: &'a Module,
        new: &'a Module,
        old_name: &'a str,
        new_name: &'a str,
        findings: &'a [Finding],
    ) -> Generator<'a> {
        Generator {
            old,
            new,
            old_name,
            new_name,
            findings,
            claimed: vec![false; findings.len()],
            decisions: Vec::new(),
            methods: Namespace::default(),
            fns: Namespace::with_reserved(&[
                "upgrade",
                "downgrade",
                "take_unknown",
                "stash_unknown",
            ]),
            items: Vec::new(),
            memo: BTreeMap::new(),
            uses_take: false,
            uses_stash: false,
            uses_decisions: false,
        }
    }

    /// The whole module body: inner attributes, then items.
    pub(crate) fn generate(mut self) -> TokenStream {
        let up = Side {
            src: self.old,
            dst: self.new,
            verb: "upgrade",
            src_mod: "old",
            dst_mod: "new",
            direction: Direction::Backward,
        };
        let down = Side {
            src: self.new,
            dst: self.old,
            verb: "downgrade",
            src_mod: "new",
            dst_mod: "old",
            direction: Direction::Forward,
        };
        let upgrade = self.entry_point(up);
        let downgrade = self.entry_point(down);

        let old_mod = emit_module(
            self.old,
            "old",
            &format!("The types of `{}`.", self.old_name),
        );
        let new_mod = emit_module(
            self.new,
            "new",
            &format!("The types of `{}`.", self.new_name),
        );
        let trait_ = self.emit_trait();
        let helpers = self.emit_helpers();
        let items = &self.items;
        let header = inner_doc_attrs(&[
            format!(
                "Adapters between two versions of a document schema: `{}` (module `old`) and `{}` (module `new`).",
                self.old_name, self.new_name
            ),
            String::new(),
            "Generated by `docver generate adapters`; do not edit: regenerate instead.".into(),
            String::new(),
            "[`upgrade`] and [`downgrade`] convert whole documents. What the schemas decide is \
             filled in; every change that needs a person's decision is a method of [`Decisions`] \
             that cites the rule and schema pointer of the change, so this module does not \
             compile until they are implemented. Properties a version does not name are kept \
             in its `unknown` map, so data survives a round trip."
                .into(),
        ]);
        let allow: TokenStream = ALLOWED_LINTS.parse().unwrap_or_default();
        quote! {
            #header
            #![allow(#allow)]

            #old_mod
            #new_mod
            #trait_
            #upgrade
            #downgrade
            #(#items)*
            #helpers
        }
    }

    fn claim(&mut self, indices: &[usize]) {
        for &i in indices {
            self.claimed[i] = true;
        }
    }

    fn breaking(&self, indices: &[usize], side: Side<'_>) -> Vec<usize> {
        indices
            .iter()
            .copied()
            .filter(|&i| self.findings[i].verdict(side.direction).is_breaking())
            .collect()
    }

    /// Findings about the value at `path` (a property `name` of the object at `parent`, or
    /// the root): at or below it, except what nested struct conversions (`prefixes`) handle.
    fn field_findings(
        &self,
        parent: Option<(&str, &str)>,
        path: &str,
        prefixes: &[String],
    ) -> Vec<usize> {
        (0..self.findings.len())
            .filter(|&i| {
                let f = &self.findings[i];
                let p = f.instance_path.as_str();
                let renamed = parent.is_some_and(|(parent, name)| {
                    f.rule == docver_check::rules::PROPERTY_RENAMED.info.id
                        && p.rsplit_once('/').is_some_and(|(pp, _)| pp == parent)
                        && docver_check::rules::renamed(&f.detail)
                            .is_some_and(|(a, b)| a == name || b == name)
                });
                (under(p, path) || renamed)
                    && !prefixes
                        .iter()
                        .any(|r| strictly_under(p, r) || (p == r && object_level(f)))
            })
            .collect()
    }

    fn add_decision(&mut self, decision: Decision) -> Ident {
        let name = decision.name.clone();
        self.decisions.push(decision);
        name
    }

    fn method_name(&mut self, side: Side<'_>, path: &str, suffix: &str) -> Ident {
        let mut parts: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| match s {
                "0" => "item".to_owned(),
                other => names::snake(&docver::pointer::unescape(other)),
            })
            .collect();
        if parts.is_empty() && suffix.is_empty() {
            parts.push("document".to_owned());
        }
        if !suffix.is_empty() {
            parts.push(suffix.to_owned());
        }
        let name = self
            .methods
            .claim(&format!("{}_{}", side.verb, parts.join("_")));
        format_ident!("{}", name)
    }
}
