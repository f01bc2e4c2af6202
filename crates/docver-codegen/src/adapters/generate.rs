//! The generator proper: the two type modules, the `Decisions` trait, and the conversions.

use std::collections::BTreeMap;

use docver_check::{Direction, Finding};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::names::{self, Namespace, ident};
use super::types::{FieldDef, Module, StructDef, Ty};
use docver::pointer;

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

fn doc_attrs(lines: &[String]) -> TokenStream {
    let lines = doc_lines(lines);
    quote!(#(#[doc = #lines])*)
}

/// Lines as rustdoc wants them: one attribute per line, a space after `///` unless blank.
fn doc_lines(lines: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for l in lines {
        if l.is_empty() {
            out.push(String::new());
        }
        for line in l.lines() {
            let line = line.trim_end();
            out.push(if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            });
        }
    }
    out
}

fn inner_doc_attrs(lines: &[String]) -> TokenStream {
    let lines = doc_lines(lines);
    quote!(#(#![doc = #lines])*)
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

/// `Option<Vec<old::Todo>>`, for docs.
fn display(module: &Module, prefix: &str, ty: &Ty) -> String {
    match ty {
        Ty::Bool => "bool".into(),
        Ty::I64 => "i64".into(),
        Ty::F64 => "f64".into(),
        Ty::String => "String".into(),
        Ty::Value => "serde_json::Value".into(),
        Ty::Vec(t) => format!("Vec<{}>", display(module, prefix, t)),
        Ty::Map(t) => format!("BTreeMap<String, {}>", display(module, prefix, t)),
        Ty::Option(t) => format!("Option<{}>", display(module, prefix, t)),
        Ty::Struct(i) => format!("{prefix}::{}", module.structs[*i].name),
        Ty::Enum(i) => format!("{prefix}::{}", module.enums[*i].name),
        Ty::Extern(i) => format!("{prefix}::{}", module.externs[*i].name),
    }
}

/// Whether values convert without code: the same shape and no generated types in it (types
/// both versions map to the same existing Rust type are the same type).
fn identity(side: Side<'_>, s: &Ty, d: &Ty) -> bool {
    match (s, d) {
        (Ty::Bool, Ty::Bool)
        | (Ty::I64, Ty::I64)
        | (Ty::F64, Ty::F64)
        | (Ty::String, Ty::String)
        | (Ty::Value, Ty::Value) => true,
        (Ty::Extern(i), Ty::Extern(j)) => side.src.externs[*i].key == side.dst.externs[*j].key,
        (Ty::Vec(a), Ty::Vec(b)) | (Ty::Map(a), Ty::Map(b)) | (Ty::Option(a), Ty::Option(b)) => {
            identity(side, a, b)
        }
        _ => false,
    }
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

    // ---- conversions ----------------------------------------------------------------------

    fn feasible(&self, side: Side<'_>, s: &Ty, d: &Ty) -> bool {
        match (s, d) {
            _ if identity(side, s, d) => true,
            (Ty::I64, Ty::F64) => true,
            (Ty::Bool | Ty::I64 | Ty::F64 | Ty::String, Ty::Value) => true,
            (Ty::Option(a), Ty::Option(b)) => self.feasible(side, a, b),
            (a, Ty::Option(b)) => !matches!(a, Ty::Option(_)) && self.feasible(side, a, b),
            (Ty::Vec(a), Ty::Vec(b)) | (Ty::Map(a), Ty::Map(b)) => self.feasible(side, a, b),
            (Ty::Struct(_), Ty::Struct(_)) => true,
            (Ty::Enum(i), Ty::Enum(j)) => {
                let target = &side.dst.enums[*j];
                side.src.enums[*i]
                    .variants
                    .iter()
                    .all(|(_, v)| target.variant(v).is_some())
            }
            (Ty::Enum(_), Ty::String) => true,
            _ => false,
        }
    }

    /// Paths whose findings a nested struct conversion handles.
    fn pair_prefixes(s: &Ty, d: &Ty, path: &str, out: &mut Vec<String>) {
        match (s, d) {
            (Ty::Struct(_), Ty::Struct(_)) => out.push(path.to_owned()),
            (Ty::Option(a), Ty::Option(b)) => Self::pair_prefixes(a, b, path, out),
            (a, Ty::Option(b)) => Self::pair_prefixes(a, b, path, out),
            (Ty::Vec(a), Ty::Vec(b)) => Self::pair_prefixes(a, b, &pointer::push(path, "0"), out),
            (Ty::Map(a), Ty::Map(b)) => Self::pair_prefixes(a, b, &pointer::push(path, "key"), out),
            _ => {}
        }
    }

    /// A one-argument function converting `s` to `d`, when one does it.
    fn unary(&mut self, side: Side<'_>, s: &Ty, d: &Ty) -> Option<TokenStream> {
        match (s, d) {
            (Ty::Bool | Ty::I64 | Ty::F64 | Ty::String, Ty::Value) => {
                Some(quote!(serde_json::Value::from))
            }
            (Ty::Enum(i), Ty::Enum(j)) => Some(self.enum_fn(side, *i, Some(*j))),
            (Ty::Enum(i), Ty::String) => Some(self.enum_fn(side, *i, None)),
            _ => None,
        }
    }

    /// The expression converting `e` (of `s`) to `d`; `feasible(s, d)` must hold.
    fn conv(&mut self, side: Side<'_>, e: TokenStream, s: &Ty, d: &Ty, path: &str) -> TokenStream {
        if identity(side, s, d) {
            return e;
        }
        if let Some(f) = self.unary(side, s, d) {
            return quote!(#f(#e));
        }
        match (s, d) {
            (Ty::I64, Ty::F64) => quote!(#e as f64),
            (Ty::Option(a), Ty::Option(b)) => {
                let f = self.mapper(side, a, b, path);
                quote!(#e.map(#f))
            }
            (a, Ty::Option(b)) => {
                let inner = self.conv(side, e, a, b, path);
                quote!(Some(#inner))
            }
            (Ty::Vec(a), Ty::Vec(b)) => {
                let f = self.mapper(side, a, b, &pointer::push(path, "0"));
                quote!(#e.into_iter().map(#f).collect::<Vec<_>>())
            }
            (Ty::Map(a), Ty::Map(b)) => {
                let inner = self.conv(side, quote!(v), a, b, &pointer::push(path, "key"));
                quote!(#e.into_iter().map(|(k, v)| (k, #inner)).collect::<std::collections::BTreeMap<_, _>>())
            }
            (Ty::Struct(i), Ty::Struct(j)) => {
                let f = self.pair_fn(side, *i, *j, path);
                self.uses_decisions = true;
                quote!(#f(#e, decisions))
            }
            // Unreachable when `feasible` holds; keeps the output compiling-or-failing loudly.
            _ => quote!(compile_error!("docver: no conversion")),
        }
    }

    /// A function or closure for `.map(…)`.
    fn mapper(&mut self, side: Side<'_>, s: &Ty, d: &Ty, path: &str) -> TokenStream {
        if let Some(f) = self.unary(side, s, d) {
            return f;
        }
        let inner = self.conv(side, quote!(v), s, d, path);
        quote!(|v| #inner)
    }

    /// `upgrade_progress(v: old::Progress) -> new::Progress`, or `… -> String` for `None`.
    fn enum_fn(&mut self, side: Side<'_>, i: usize, j: Option<usize>) -> TokenStream {
        let key = (
            side.verb,
            if j.is_some() { "enum" } else { "enum-text" },
            i,
            j.unwrap_or(0),
        );
        if let Some(name) = self.memo.get(&key) {
            return quote!(#name);
        }
        let src = &side.src.enums[i];
        let (src_mod, dst_mod) = (side.src_mod(), side.dst_mod());
        let src_name = ident(&src.name);
        let base = match j {
            Some(j) => format!("{}_{}", side.verb, names::snake(&side.dst.enums[j].name)),
            None => format!("{}_{}_text", side.verb, names::snake(&src.name)),
        };
        let name = format_ident!("{}", self.fns.claim(&base));
        self.memo.insert(key, name.clone());
        let (ret, arms, doc) = match j {
            Some(j) => {
                let dst = &side.dst.enums[j];
                let dst_name = ident(&dst.name);
                let arms: Vec<TokenStream> = src
                    .variants
                    .iter()
                    .map(|(v, value)| {
                        let v = ident(v);
                        let w = ident(dst.variant(value).unwrap_or("Unmatched"));
                        quote!(#src_mod::#src_name::#v => #dst_mod::#dst_name::#w)
                    })
                    .collect();
                let doc = format!(
                    "Maps `{}::{}` to `{}::{}` by value (`{}` → `{}`).",
                    side.src_mod, src.name, side.dst_mod, dst.name, src.pointer, dst.pointer
                );
                (quote!(#dst_mod::#dst_name), arms, doc)
            }
            None => {
                let arms: Vec<TokenStream> = src
                    .variants
                    .iter()
                    .map(|(v, value)| {
                        let v = ident(v);
                        quote!(#src_mod::#src_name::#v => String::from(#value))
                    })
                    .collect();
                let doc = format!("The JSON string of a `{}::{}`.", side.src_mod, src.name);
                (quote!(String), arms, doc)
            }
        };
        let doc = doc_attrs(&[doc]);
        self.items.push(quote! {
            #doc
            fn #name(v: #src_mod::#src_name) -> #ret {
                match v {
                    #(#arms,)*
                }
            }
        });
        quote!(#name)
    }

    /// The function converting struct `i` of the source to struct `j` of the target.
    fn pair_fn(&mut self, side: Side<'_>, i: usize, j: usize, path: &str) -> Ident {
        let key = (side.verb, "struct", i, j);
        if let Some(name) = self.memo.get(&key) {
            return name.clone();
        }
        let src = &side.src.structs[i];
        let dst = &side.dst.structs[j];
        let name = format_ident!(
            "{}",
            self.fns
                .claim(&format!("{}_{}", side.verb, names::snake(&dst.name)))
        );
        self.memo.insert(key, name.clone());
        let outer_uses = std::mem::replace(&mut self.uses_decisions, false);
        let (body, docs) = self.struct_body(side, src, dst, path);
        let uses = std::mem::replace(&mut self.uses_decisions, outer_uses);
        let decisions = if uses {
            quote!(decisions)
        } else {
            quote!(_decisions)
        };
        let (src_mod, dst_mod, var) = (side.src_mod(), side.dst_mod(), side.var());
        let (src_name, dst_name) = (ident(&src.name), ident(&dst.name));
        let mut lines = vec![
            format!(
                "{}s `{}::{}` (`{}`) to `{}::{}` (`{}`), at {} in documents.",
                capitalize(side.verb),
                side.src_mod,
                src.name,
                pointer_or_root(&src.pointer),
                side.dst_mod,
                dst.name,
                pointer_or_root(&dst.pointer),
                where_(path)
            ),
            String::new(),
        ];
        lines.extend(docs);
        let doc = doc_attrs(&lines);
        self.items.push(quote! {
            #doc
            fn #name(#var: #src_mod::#src_name, #decisions: &impl Decisions) -> #dst_mod::#dst_name {
                #body
            }
        });
        name
    }

    fn struct_body(
        &mut self,
        side: Side<'_>,
        src: &StructDef,
        dst: &StructDef,
        path: &str,
    ) -> (TokenStream, Vec<String>) {
        let (src_mod, dst_mod, var) = (side.src_mod(), side.dst_mod(), side.var());
        let src_name = ident(&src.name);
        let mut docs = Vec::new();
        let mut decided = Vec::new();
        let mut takes = Vec::new();
        let mut removes = Vec::new();
        let mut stashes = Vec::new();
        let mut inits = Vec::new();

        // The object itself: closed or opened, property counts.
        let object: Vec<usize> = (0..self.findings.len())
            .filter(|&i| self.findings[i].instance_path == path && object_level(&self.findings[i]))
            .collect();
        self.claim(&object);
        let mut unknown_breaking = self.breaking(&object, side);
        let mut unknown_cites: Vec<usize> = object.clone();

        for f in &dst.fields {
            let q = pointer::push(path, &f.json);
            let fid = ident(&f.ident);
            let local = format_ident!("{}_{}", "decided", f.ident);
            let sf = src.field(&f.json);
            let feasible = sf.is_some_and(|sf| self.mechanical(side, sf, f));
            let mut prefixes = Vec::new();
            if let (Some(sf), true) = (sf, feasible) {
                Self::pair_prefixes(&sf.ty, &f.ty, &q, &mut prefixes);
            }
            let touched = self.field_findings(Some((path, &f.json)), &q, &prefixes);
            self.claim(&touched);
            let breaking = self.breaking(&touched, side);
            let cites: Vec<String> = touched.iter().map(|&i| cite(&self.findings[i])).collect();
            let cited = if cites.is_empty() {
                String::new()
            } else {
                format!(" ({})", cites.join("; "))
            };

            // Constants: the target's constant is the only valid value.
            if let Some(c) = &f.constant {
                let base = match &f.ty {
                    Ty::Option(t) => t.as_ref(),
                    t => t,
                };
                if let Some(lit) = side.dst.literal(c, base, None) {
                    let expr = match (&f.ty, sf) {
                        (Ty::Option(_), Some(sf)) if matches!(sf.ty, Ty::Option(_)) => {
                            let sid = ident(&sf.ident);
                            Some(quote!(#var.#sid.map(|_| #lit)))
                        }
                        (Ty::Option(_), Some(_)) => Some(quote!(Some(#lit))),
                        (Ty::Option(_), None) => None,
                        _ => Some(lit),
                    };
                    if let Some(expr) = expr {
                        inits.push(quote!(#fid: #expr));
                        docs.push(format!("- `{}`: set to the constant `{c}`{cited}.", f.json));
                        continue;
                    }
                }
            }

            let needs_decision = !breaking.is_empty()
                || (sf.is_some() && !feasible)
                || (sf.is_none() && f.default.is_none() && !matches!(f.ty, Ty::Option(_)));
            if needs_decision {
                let reason = if !breaking.is_empty() {
                    format!(
                        "The schemas change in a way that is breaking {}, so a person decides.",
                        side.direction.as_str()
                    )
                } else if let Some(sf) = sf {
                    format!(
                        "No finding breaks this direction, but `{}` has no mechanical conversion to `{}`.",
                        display(side.src, side.src_mod, &sf.ty),
                        display(side.dst, side.dst_mod, &f.ty)
                    )
                } else {
                    format!(
                        "`{}` is required in `{}::{}` and `{}::{}` has no value for it.",
                        f.json, side.dst_mod, dst.name, side.src_mod, src.name
                    )
                };
                let mut method_docs = vec![
                    format!(
                        "{}: the value of `{}` (`{}`, at {} in documents) in the `{}::{}` made from {} `{}::{}`.",
                        capitalize(side.verb),
                        f.json,
                        f.pointer,
                        where_(&q),
                        side.dst_mod,
                        dst.name,
                        article(side.src_mod),
                        side.src_mod,
                        src.name
                    ),
                    String::new(),
                    reason,
                ];
                if !cites.is_empty() {
                    method_docs.push(String::new());
                    method_docs.extend(cites.iter().map(|c| format!("- {c}")));
                }
                let m = self.method_name(side, &q, "");
                let ret = side.dst.tokens(&f.ty, Some(&dst_mod));
                let m = self.add_decision(Decision {
                    name: m,
                    params: quote!(#var: &#src_mod::#src_name),
                    ret,
                    docs: method_docs,
                });
                self.uses_decisions = true;
                decided.push(quote!(let #local = decisions.#m(&#var);));
                if sf.is_none() {
                    let json = &f.json;
                    removes.push(quote!(unknown.remove(#json);));
                }
                inits.push(quote!(#fid: #local));
                docs.push(format!(
                    "- `{}`: decided by `Decisions::{m}`{cited}.",
                    f.json
                ));
                continue;
            }

            match sf {
                Some(sf) => {
                    let sid = ident(&sf.ident);
                    let expr = self.mechanical_expr(side, quote!(#var.#sid), sf, f, &q);
                    inits.push(quote!(#fid: #expr));
                    let how = if identity(side, &sf.ty, &f.ty) {
                        "moved"
                    } else {
                        "converted"
                    };
                    docs.push(format!("- `{}`: {how}{cited}.", f.json));
                }
                None => {
                    let json = &f.json;
                    self.uses_take = true;
                    let taken = quote!(take_unknown(&mut unknown, #json));
                    let (expr, how) = match &f.default {
                        Some(d) => {
                            let dfn = format_ident!("{}", d.name);
                            (
                                quote!(#taken.unwrap_or_else(#dst_mod::#dfn)),
                                format!("its default `{}`", d.value),
                            )
                        }
                        None => (taken, "`None`".to_owned()),
                    };
                    let local = format_ident!("taken_{}", f.ident);
                    takes.push(quote!(let #local = #expr;));
                    inits.push(quote!(#fid: #local));
                    docs.push(format!(
                        "- `{}` (not in `{}::{}`): read from the unknown fields when there, else {how}{cited}.",
                        f.json, side.src_mod, src.name
                    ));
                }
            }
        }

        // Properties only the source names: kept in the unknown fields.
        for sf in &src.fields {
            if dst.field(&sf.json).is_some() {
                continue;
            }
            let q = pointer::push(path, &sf.json);
            let touched = self.field_findings(Some((path, &sf.json)), &q, &[]);
            self.claim(&touched);
            let closed: Vec<usize> = self
                .breaking(&touched, side)
                .into_iter()
                .filter(|&i| {
                    docver_check::rules::rule_info(&self.findings[i].rule)
                        .is_some_and(|r| r.closed_object)
                })
                .collect();
            unknown_breaking.extend(&closed);
            unknown_cites.extend(&touched);
            // A renamed property's value goes through the decision for its new name.
            if touched.iter().any(|&i| {
                self.findings[i].rule == docver_check::rules::PROPERTY_RENAMED.info.id
                    && self.findings[i].verdict(side.direction).is_breaking()
            }) {
                docs.push(format!(
                    "- `{}` (not in `{}::{}`): renamed; its value is the decision's to use.",
                    sf.json, side.dst_mod, dst.name
                ));
                continue;
            }
            let sid = ident(&sf.ident);
            let json = &sf.json;
            stashes.push(match (&sf.ty, &sf.default) {
                (Ty::Option(_), _) => quote! {
                    if let Some(v) = &#var.#sid {
                        stash_unknown(&mut unknown, #json, v);
                    }
                },
                (_, Some(d)) => {
                    let dfn = format_ident!("{}", d.name);
                    quote! {
                        if #var.#sid != #src_mod::#dfn() {
                            stash_unknown(&mut unknown, #json, &#var.#sid);
                        }
                    }
                }
                _ => quote!(stash_unknown(&mut unknown, #json, &#var.#sid);),
            });
            docs.push(format!(
                "- `{}` (not in `{}::{}`): kept in the unknown fields.",
                sf.json, side.dst_mod, dst.name
            ));
        }

        unknown_cites.sort_unstable();
        unknown_cites.dedup();
        let unknown_init = if unknown_breaking.is_empty() {
            docs.push("- unknown fields: moved.".to_owned());
            quote!(#var.unknown)
        } else {
            stashes.clear();
            let mut method_docs = vec![
                format!(
                    "{}: the unknown fields of the `{}::{}` made from {} `{}::{}` (at {} in documents).",
                    capitalize(side.verb),
                    side.dst_mod,
                    dst.name,
                    article(side.src_mod),
                    side.src_mod,
                    src.name,
                    where_(path)
                ),
                String::new(),
                format!(
                    "Which properties the object accepts besides the ones it names changes in a way that is breaking {}, so a person decides what to keep.",
                    side.direction.as_str()
                ),
                String::new(),
            ];
            method_docs.extend(
                unknown_cites
                    .iter()
                    .map(|&i| format!("- {}", cite(&self.findings[i]))),
            );
            let m = self.method_name(side, path, "unknown_fields");
            let m = self.add_decision(Decision {
                name: m,
                params: quote!(#var: &#src_mod::#src_name),
                ret: quote!(serde_json::Map<String, serde_json::Value>),
                docs: method_docs,
            });
            self.uses_decisions = true;
            let cited: Vec<String> = unknown_cites
                .iter()
                .map(|&i| cite(&self.findings[i]))
                .collect();
            docs.push(format!(
                "- unknown fields: decided by `Decisions::{m}` ({}).",
                cited.join("; ")
            ));
            quote!(decisions.#m(&#var))
        };
        self.uses_stash |= !stashes.is_empty();
        let mutable = if takes.is_empty() && removes.is_empty() && stashes.is_empty() {
            quote!()
        } else {
            quote!(mut)
        };
        let dst_name = ident(&dst.name);
        let body = quote! {
            #(#decided)*
            let #mutable unknown = #unknown_init;
            #(#takes)*
            #(#removes)*
            #(#stashes)*
            #dst_mod::#dst_name {
                #(#inits,)*
                unknown,
            }
        };
        (body, docs)
    }

    /// Whether the field converts without a decision (ignoring findings).
    fn mechanical(&self, side: Side<'_>, sf: &FieldDef, f: &FieldDef) -> bool {
        if self.feasible(side, &sf.ty, &f.ty) {
            return true;
        }
        // An optional value into a defaulted one: the default fills the gap.
        match (&sf.ty, &f.default) {
            (Ty::Option(a), Some(_)) => self.feasible(side, a, &f.ty),
            _ => false,
        }
    }

    fn mechanical_expr(
        &mut self,
        side: Side<'_>,
        e: TokenStream,
        sf: &FieldDef,
        f: &FieldDef,
        path: &str,
    ) -> TokenStream {
        if self.feasible(side, &sf.ty, &f.ty) {
            return self.conv(side, e, &sf.ty, &f.ty, path);
        }
        let (Ty::Option(a), Some(d)) = (&sf.ty, &f.default) else {
            return quote!(compile_error!("docver: no conversion"));
        };
        let dst_mod = side.dst_mod();
        let dfn = format_ident!("{}", d.name);
        let mapped = if identity(side, a, &f.ty) {
            e
        } else {
            let m = self.mapper(side, a, &f.ty, path);
            quote!(#e.map(#m))
        };
        quote!(#mapped.unwrap_or_else(#dst_mod::#dfn))
    }

    /// `pub fn upgrade(…)` / `pub fn downgrade(…)`.
    fn entry_point(&mut self, side: Side<'_>) -> TokenStream {
        self.claimed = vec![false; self.findings.len()];
        self.uses_decisions = false;
        let (src_mod, dst_mod, var) = (side.src_mod(), side.dst_mod(), side.var());
        let src_ty = side.src.root_tokens(&src_mod);
        let dst_ty = side.dst.root_tokens(&dst_mod);
        let feasible = self.feasible(side, &side.src.root, &side.dst.root);
        let mut prefixes = Vec::new();
        if feasible {
            Self::pair_prefixes(&side.src.root, &side.dst.root, "", &mut prefixes);
        }
        let touched = self.field_findings(None, "", &prefixes);
        self.claim(&touched);
        let breaking = self.breaking(&touched, side);
        let mut docs = vec![format!(
            "{}s a `{}` document (`{}::{}`) to `{}` (`{}::{}`).",
            capitalize(side.verb),
            if side.src_mod == "old" {
                self.old_name
            } else {
                self.new_name
            },
            side.src_mod,
            side.src.root_name,
            if side.dst_mod == "old" {
                self.old_name
            } else {
                self.new_name
            },
            side.dst_mod,
            side.dst.root_name,
        )];
        let body = if breaking.is_empty() && feasible {
            self.conv(side, quote!(#var), &side.src.root, &side.dst.root, "")
        } else {
            let cites: Vec<String> = touched.iter().map(|&i| cite(&self.findings[i])).collect();
            let mut method_docs = vec![
                format!(
                    "{}: a whole `{}::{}` from {} `{}::{}`.",
                    capitalize(side.verb),
                    side.dst_mod,
                    side.dst.root_name,
                    article(side.src_mod),
                    side.src_mod,
                    side.src.root_name
                ),
                String::new(),
                if breaking.is_empty() {
                    format!(
                        "No finding breaks this direction, but `{}` has no mechanical conversion to `{}`.",
                        display(side.src, side.src_mod, &side.src.root),
                        display(side.dst, side.dst_mod, &side.dst.root)
                    )
                } else {
                    format!(
                        "The schemas change in a way that is breaking {}, so a person decides.",
                        side.direction.as_str()
                    )
                },
            ];
            for note in side.src.root_notes.iter().chain(&side.dst.root_notes) {
                method_docs.push(String::new());
                method_docs.push(format!("The document is a `serde_json::Value`: {note}."));
            }
            if !cites.is_empty() {
                method_docs.push(String::new());
                method_docs.extend(cites.iter().map(|c| format!("- {c}")));
            }
            let m = self.method_name(side, "", "");
            let m = self.add_decision(Decision {
                name: m,
                params: quote!(#var: &#src_ty),
                ret: dst_ty.clone(),
                docs: method_docs,
            });
            self.uses_decisions = true;
            docs.push(String::new());
            docs.push(format!(
                "The whole document is decided by `Decisions::{m}`."
            ));
            quote!(decisions.#m(&#var))
        };
        // Breaking findings no conversion above accounted for: a review of the result each.
        let unclaimed: Vec<usize> = (0..self.findings.len())
            .filter(|&i| !self.claimed[i] && self.findings[i].verdict(side.direction).is_breaking())
            .collect();
        let body = if unclaimed.is_empty() {
            body
        } else {
            let mut result = quote!(converted);
            for i in unclaimed {
                let f = &self.findings[i];
                let m = self.method_name(side, "", &format!("review_{}", names::snake(&f.rule)));
                let m = self.add_decision(Decision {
                    name: m,
                    params: quote!(#var: &#src_ty, converted: #dst_ty),
                    ret: dst_ty.clone(),
                    docs: vec![
                        format!(
                            "{}: reviews the converted document for a change no field conversion accounts for (at {} in documents).",
                            capitalize(side.verb),
                            where_(&f.instance_path)
                        ),
                        String::new(),
                        format!("- {}", cite(f)),
                    ],
                });
                result = quote!(decisions.#m(&reviewed, #result));
            }
            self.uses_decisions = true;
            quote! {
                let reviewed = #var.clone();
                let converted = #body;
                #result
            }
        };
        let decisions = if self.uses_decisions {
            quote!(decisions)
        } else {
            quote!(_decisions)
        };
        let name = format_ident!("{}", side.verb);
        let doc = doc_attrs(&docs);
        quote! {
            #doc
            pub fn #name(#var: #src_ty, #decisions: &impl Decisions) -> #dst_ty {
                #body
            }
        }
    }

    fn emit_trait(&self) -> TokenStream {
        let methods = self.decisions.iter().map(|d| {
            let doc = doc_attrs(&d.docs);
            let (name, params, ret) = (&d.name, &d.params, &d.ret);
            quote! {
                #doc
                fn #name(&self, #params) -> #ret;
            }
        });
        let mut docs = vec![
            "What a person decides: one method per change the schemas alone cannot settle."
                .to_owned(),
            String::new(),
            "Each method cites the rule id and schema pointer of the change it settles. There are \
             no default implementations: the module compiles once every decision is written."
                .to_owned(),
        ];
        let unit_impl = if self.decisions.is_empty() {
            docs.push(String::new());
            docs.push(
                "These two versions need no decisions: pass `&()` to `upgrade` and `downgrade`."
                    .to_owned(),
            );
            quote!(impl Decisions for () {})
        } else {
            quote!()
        };
        let doc = doc_attrs(&docs);
        quote! {
            #doc
            pub trait Decisions {
                #(#methods)*
            }
            #unit_impl
        }
    }

    fn emit_helpers(&self) -> TokenStream {
        let take = self.uses_take.then(|| {
            quote! {
                /// Takes a property the source version kept among its unknown fields, when it
                /// reads as the target type; leaves it there otherwise.
                fn take_unknown<T: serde::de::DeserializeOwned>(
                    unknown: &mut serde_json::Map<String, serde_json::Value>,
                    name: &str,
                ) -> Option<T> {
                    let value = unknown.get(name)?.clone();
                    let parsed = serde_json::from_value(value).ok()?;
                    unknown.remove(name);
                    Some(parsed)
                }
            }
        });
        let stash = self.uses_stash.then(|| {
            quote! {
                /// Keeps a property the target version does not name among its unknown fields.
                fn stash_unknown<T: serde::Serialize>(
                    unknown: &mut serde_json::Map<String, serde_json::Value>,
                    name: &str,
                    value: &T,
                ) {
                    if let Ok(value) = serde_json::to_value(value) {
                        unknown.insert(name.to_owned(), value);
                    }
                }
            }
        });
        quote!(#take #stash)
    }
}

fn article(module: &str) -> &'static str {
    if module == "old" { "an" } else { "a" }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// `pub mod old { … }`: structs, enums, the root alias, and default functions.
fn emit_module(module: &Module, mod_name: &str, doc: &str) -> TokenStream {
    let mut items = Vec::new();
    for def in &module.structs {
        let mut lines = Vec::new();
        if let Some(d) = &def.description {
            lines.push(d.clone());
            lines.push(String::new());
        }
        lines.push(format!("Schema: `{}`.", pointer_or_root(&def.pointer)));
        if def.closed {
            lines.push(String::new());
            lines.push(
                "The schema closes this object (`additionalProperties: false`): `unknown` stays \
                 empty for valid documents."
                    .to_owned(),
            );
        }
        let doc = doc_attrs(&lines);
        let sname = ident(&def.name);
        let mut fields = Vec::new();
        let mut defaults = Vec::new();
        for f in &def.fields {
            let mut lines = Vec::new();
            if let Some(d) = &f.description {
                lines.push(d.clone());
                lines.push(String::new());
            }
            lines.push(format!(
                "Schema: `{}`{}.",
                f.pointer,
                if f.required { " (required)" } else { "" }
            ));
            for note in &f.notes {
                lines.push(String::new());
                lines.push(format!("`serde_json::Value` here: {note}."));
            }
            let doc = doc_attrs(&lines);
            let fid = ident(&f.ident);
            let ty = module.tokens(&f.ty, None);
            let json = &f.json;
            let rename = (f.ident != *json).then(|| quote!(#[serde(rename = #json)]));
            let default = match (&f.default, &f.ty, f.required) {
                (Some(d), _, _) => {
                    let dfn = &d.name;
                    let dfn_ident = format_ident!("{}", d.name);
                    let value = module
                        .literal(&d.value, &f.ty, None)
                        .unwrap_or_else(|| quote!(compile_error!("docver: default")));
                    let ddoc = doc_attrs(&[format!(
                        "The default of `{}.{}`: `{}` (`{}`).",
                        def.name, f.json, d.value, f.pointer
                    )]);
                    defaults.push(quote! {
                        #ddoc
                        pub fn #dfn_ident() -> #ty {
                            #value
                        }
                    });
                    Some(quote!(#[serde(default = #dfn)]))
                }
                (None, Ty::Option(_), false) => {
                    Some(quote!(#[serde(default, skip_serializing_if = "Option::is_none")]))
                }
                _ => None,
            };
            fields.push(quote! {
                #doc
                #rename
                #default
                pub #fid: #ty,
            });
        }
        items.push(quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
            pub struct #sname {
                #(#fields)*
                /// Properties this version does not name: kept, so that they survive a round trip.
                #[serde(flatten)]
                pub unknown: serde_json::Map<String, serde_json::Value>,
            }
        });
        items.extend(defaults);
    }
    for def in &module.enums {
        let mut lines = Vec::new();
        if let Some(d) = &def.description {
            lines.push(d.clone());
            lines.push(String::new());
        }
        lines.push(format!("Schema: `{}`.", pointer_or_root(&def.pointer)));
        let doc = doc_attrs(&lines);
        let ename = ident(&def.name);
        let variants = def.variants.iter().map(|(v, value)| {
            let v = ident(v);
            quote! {
                #[serde(rename = #value)]
                #v
            }
        });
        items.push(quote! {
            #doc
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
            pub enum #ename {
                #(#variants,)*
            }
        });
    }
    for def in &module.externs {
        let doc = doc_attrs(&[format!(
            "Schema: `{}`. The existing type `{}` ({}): not generated here.",
            pointer_or_root(&def.pointer),
            def.path,
            def.source
        )]);
        let name = ident(&def.name);
        // A plain path is re-exported (`pub use crate::Progress;`); anything else, such as a
        // generic type, is an alias.
        let item = match syn::parse_str::<syn::Type>(&def.path) {
            Ok(syn::Type::Path(p)) if p.qself.is_none() && plain_path(&p.path) => {
                let path = &p.path;
                let last = p.path.segments.last().map(|s| s.ident.to_string());
                if last.as_deref() == Some(name.to_string().as_str()) {
                    quote!(pub use #path;)
                } else {
                    quote!(pub use #path as #name;)
                }
            }
            _ => {
                let ty = def.ty();
                quote!(pub type #name = #ty;)
            }
        };
        items.push(quote! {
            #doc
            #item
        });
    }
    if !matches!(module.root, Ty::Struct(_) | Ty::Enum(_) | Ty::Extern(_)) {
        let mut lines = Vec::new();
        if let Some(d) = &module.root_description {
            lines.push(d.clone());
            lines.push(String::new());
        }
        lines.push("The document.".to_owned());
        for note in &module.root_notes {
            lines.push(String::new());
            lines.push(format!("`serde_json::Value` here: {note}."));
        }
        let doc = doc_attrs(&lines);
        let name = ident(&module.root_name);
        let ty = module.tokens(&module.root, None);
        items.push(quote! {
            #doc
            pub type #name = #ty;
        });
    }
    let mod_doc = doc_attrs(&[doc.to_owned()]);
    let mod_name = Ident::new(mod_name, Span::call_site());
    quote! {
        #mod_doc
        pub mod #mod_name {
            #(#items)*
        }
    }
}

/// A path `use` can import: no generic arguments, at least two segments.
fn plain_path(path: &syn::Path) -> bool {
    path.segments.len() > 1
        && path
            .segments
            .iter()
            .all(|s| matches!(s.arguments, syn::PathArguments::None))
}

fn pointer_or_root(pointer: &str) -> &str {
    if pointer.is_empty() { "#" } else { pointer }
}
