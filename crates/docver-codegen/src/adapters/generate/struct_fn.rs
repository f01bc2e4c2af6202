//! The conversion of one struct of the source version to one of the target: a function whose
//! body settles each target field (a constant, a decision, a mechanical conversion, or a value
//! taken back from the unknown fields), keeps source-only properties among the unknown
//! fields, and carries the unknown fields over.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::convert::identity;
use super::doc::{article, capitalize, display, doc_attrs, pointer_or_root};
use super::{Decision, Generator, Side, cite, object_level, where_};
use crate::adapters::names;
use crate::adapters::types::{FieldDef, StructDef, Ty};
use docver::pointer;

/// The two structs a conversion function is for, and where they are in documents.
#[derive(Clone, Copy)]
struct StructPair<'s> {
    side: Side<'s>,
    src: &'s StructDef,
    dst: &'s StructDef,
    path: &'s str,
}

impl StructPair<'_> {
    fn src_name(&self) -> Ident {
        names::ident(&self.src.name)
    }
}

/// What the conversion function's body is built from, collected field by field.
#[derive(Default)]
struct Body {
    /// One line per field for the function's docs.
    docs: Vec<String>,
    /// `let decided_x = decisions.upgrade_x(&old);`
    decided: Vec<TokenStream>,
    /// `let taken_x = take_unknown(&mut unknown, "x")…;`
    takes: Vec<TokenStream>,
    /// `unknown.remove("x");` for a decided property the source only has as unknown.
    removes: Vec<TokenStream>,
    /// `stash_unknown(&mut unknown, "x", &old.x);` for source-only properties.
    stashes: Vec<TokenStream>,
    /// `x: <expr>` initialisers of the target struct.
    inits: Vec<TokenStream>,
    /// Findings that break how the object treats properties it does not name.
    unknown_breaking: Vec<usize>,
    /// Findings cited by the unknown fields' decision, if there is one.
    unknown_cites: Vec<usize>,
}

/// A field of the target struct with what the findings say about it.
struct TargetField<'f> {
    field: &'f FieldDef,
    /// The source field with the same JSON name.
    source: Option<&'f FieldDef>,
    /// The field's instance path.
    path: String,
    cites: Vec<String>,
    /// `" (cite; cite)"`, or empty.
    cited: String,
}

impl Generator<'_> {
    /// The function converting struct `i` of the source to struct `j` of the target.
    pub(super) fn pair_fn(&mut self, side: Side<'_>, i: usize, j: usize, path: &str) -> Ident {
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
        let pair = StructPair {
            side,
            src,
            dst,
            path,
        };
        let (body, docs) = self.struct_body(pair);
        let uses = std::mem::replace(&mut self.uses_decisions, outer_uses);
        let decisions = if uses {
            quote!(decisions)
        } else {
            quote!(_decisions)
        };
        let (src_mod, dst_mod, var) = (side.src_mod(), side.dst_mod(), side.var());
        let (src_name, dst_name) = (names::ident(&src.name), names::ident(&dst.name));
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

    /// The body of [`Self::pair_fn`] and one doc line per field.
    fn struct_body(&mut self, pair: StructPair<'_>) -> (TokenStream, Vec<String>) {
        let mut body = Body::default();
        // The object itself: closed or opened, property counts.
        let object: Vec<usize> = (0..self.findings.len())
            .filter(|&i| {
                self.findings[i].instance_path == pair.path && object_level(&self.findings[i])
            })
            .collect();
        self.claim(&object);
        body.unknown_breaking = self.breaking(&object, pair.side);
        body.unknown_cites = object;
        for f in &pair.dst.fields {
            self.target_field(pair, f, &mut body);
        }
        for sf in &pair.src.fields {
            if pair.dst.field(&sf.json).is_none() {
                self.source_only_field(pair, sf, &mut body);
            }
        }
        let unknown_init = self.unknown_fields(pair, &mut body);
        self.uses_stash |= !body.stashes.is_empty();
        let Body {
            docs,
            decided,
            takes,
            removes,
            stashes,
            inits,
            ..
        } = body;
        let mutable = if takes.is_empty() && removes.is_empty() && stashes.is_empty() {
            quote!()
        } else {
            quote!(mut)
        };
        let dst_mod = pair.side.dst_mod();
        let dst_name = names::ident(&pair.dst.name);
        let tokens = quote! {
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
        (tokens, docs)
    }

    /// How target field `f` gets its value.
    fn target_field(&mut self, pair: StructPair<'_>, f: &FieldDef, body: &mut Body) {
        let side = pair.side;
        let q = pointer::push(pair.path, &f.json);
        let sf = pair.src.field(&f.json);
        let feasible = sf.is_some_and(|sf| self.mechanical(side, sf, f));
        let mut prefixes = Vec::new();
        if let (Some(sf), true) = (sf, feasible) {
            Self::pair_prefixes(&sf.ty, &f.ty, &q, &mut prefixes);
        }
        let touched = self.field_findings(Some((pair.path, &f.json)), &q, &prefixes);
        self.claim(&touched);
        let breaking = !self.breaking(&touched, side).is_empty();
        let cites: Vec<String> = touched.iter().map(|&i| cite(&self.findings[i])).collect();
        let cited = if cites.is_empty() {
            String::new()
        } else {
            format!(" ({})", cites.join("; "))
        };
        let target = TargetField {
            field: f,
            source: sf,
            path: q,
            cites,
            cited,
        };
        if self.constant_field(pair, &target, body) {
            return;
        }
        let needs_decision = breaking
            || (sf.is_some() && !feasible)
            || (sf.is_none() && f.default.is_none() && !matches!(f.ty, Ty::Option(_)));
        if needs_decision {
            self.decided_field(pair, &target, breaking, body);
        } else if let Some(sf) = sf {
            self.converted_field(pair, &target, sf, body);
        } else {
            self.taken_field(pair, &target, body);
        }
    }

    /// A constant in the target (its only valid value) is set; returns whether it was.
    fn constant_field(
        &self,
        pair: StructPair<'_>,
        target: &TargetField<'_>,
        body: &mut Body,
    ) -> bool {
        let (f, sf) = (target.field, target.source);
        let Some(c) = &f.constant else {
            return false;
        };
        let base = match &f.ty {
            Ty::Option(t) => t.as_ref(),
            t => t,
        };
        let Some(lit) = pair.side.dst.literal(c, base, None) else {
            return false;
        };
        let var = pair.side.var();
        let expr = match (&f.ty, sf) {
            (Ty::Option(_), Some(sf)) if matches!(sf.ty, Ty::Option(_)) => {
                let sid = names::ident(&sf.ident);
                Some(quote!(#var.#sid.map(|_| #lit)))
            }
            (Ty::Option(_), Some(_)) => Some(quote!(Some(#lit))),
            (Ty::Option(_), None) => None,
            _ => Some(lit),
        };
        let Some(expr) = expr else {
            return false;
        };
        let fid = names::ident(&f.ident);
        body.inits.push(quote!(#fid: #expr));
        body.docs.push(format!(
            "- `{}`: set to the constant `{c}`{}.",
            f.json, target.cited
        ));
        true
    }

    /// A field a person decides: a method of `Decisions`, called before the struct is built.
    fn decided_field(
        &mut self,
        pair: StructPair<'_>,
        target: &TargetField<'_>,
        breaking: bool,
        body: &mut Body,
    ) {
        let StructPair { side, src, dst, .. } = pair;
        let (f, sf) = (target.field, target.source);
        let reason = if breaking {
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
                where_(&target.path),
                side.dst_mod,
                dst.name,
                article(side.src_mod),
                side.src_mod,
                src.name
            ),
            String::new(),
            reason,
        ];
        if !target.cites.is_empty() {
            method_docs.push(String::new());
            method_docs.extend(target.cites.iter().map(|c| format!("- {c}")));
        }
        let (src_mod, dst_mod, var) = (side.src_mod(), side.dst_mod(), side.var());
        let src_name = pair.src_name();
        let m = self.method_name(side, &target.path, "");
        let ret = side.dst.tokens(&f.ty, Some(&dst_mod));
        let m = self.add_decision(Decision {
            name: m,
            params: quote!(#var: &#src_mod::#src_name),
            ret,
            docs: method_docs,
        });
        self.uses_decisions = true;
        let local = format_ident!("{}_{}", "decided", f.ident);
        body.decided.push(quote!(let #local = decisions.#m(&#var);));
        if sf.is_none() {
            let json = &f.json;
            body.removes.push(quote!(unknown.remove(#json);));
        }
        let fid = names::ident(&f.ident);
        body.inits.push(quote!(#fid: #local));
        body.docs.push(format!(
            "- `{}`: decided by `Decisions::{m}`{}.",
            f.json, target.cited
        ));
    }

    /// A field the source has and that converts mechanically.
    fn converted_field(
        &mut self,
        pair: StructPair<'_>,
        target: &TargetField<'_>,
        sf: &FieldDef,
        body: &mut Body,
    ) {
        let (side, f) = (pair.side, target.field);
        let var = side.var();
        let sid = names::ident(&sf.ident);
        let expr = self.mechanical_expr(side, quote!(#var.#sid), sf, f, &target.path);
        let fid = names::ident(&f.ident);
        body.inits.push(quote!(#fid: #expr));
        let how = if identity(side, &sf.ty, &f.ty) {
            "moved"
        } else {
            "converted"
        };
        body.docs
            .push(format!("- `{}`: {how}{}.", f.json, target.cited));
    }

    /// A field the source does not name: read from its unknown fields when there (an older
    /// writer may have kept it), else the default or `None`.
    fn taken_field(&mut self, pair: StructPair<'_>, target: &TargetField<'_>, body: &mut Body) {
        let f = target.field;
        let json = &f.json;
        self.uses_take = true;
        let taken = quote!(take_unknown(&mut unknown, #json));
        let (expr, how) = match &f.default {
            Some(d) => {
                let dst_mod = pair.side.dst_mod();
                let dfn = format_ident!("{}", d.name);
                (
                    quote!(#taken.unwrap_or_else(#dst_mod::#dfn)),
                    format!("its default `{}`", d.value),
                )
            }
            None => (taken, "`None`".to_owned()),
        };
        let local = format_ident!("taken_{}", f.ident);
        body.takes.push(quote!(let #local = #expr;));
        let fid = names::ident(&f.ident);
        body.inits.push(quote!(#fid: #local));
        body.docs.push(format!(
            "- `{}` (not in `{}::{}`): read from the unknown fields when there, else {how}{}.",
            f.json, pair.side.src_mod, pair.src.name, target.cited
        ));
    }

    /// A property only the source names: kept in the unknown fields.
    fn source_only_field(&mut self, pair: StructPair<'_>, sf: &FieldDef, body: &mut Body) {
        let StructPair {
            side, dst, path, ..
        } = pair;
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
        body.unknown_breaking.extend(&closed);
        body.unknown_cites.extend(&touched);
        // A renamed property's value goes through the decision for its new name.
        if touched.iter().any(|&i| {
            self.findings[i].rule == docver_check::rules::PROPERTY_RENAMED.info.id
                && self.findings[i].verdict(side.direction).is_breaking()
        }) {
            body.docs.push(format!(
                "- `{}` (not in `{}::{}`): renamed; its value is the decision's to use.",
                sf.json, side.dst_mod, dst.name
            ));
            return;
        }
        let (src_mod, var) = (side.src_mod(), side.var());
        let sid = names::ident(&sf.ident);
        let json = &sf.json;
        body.stashes.push(match (&sf.ty, &sf.default) {
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
        body.docs.push(format!(
            "- `{}` (not in `{}::{}`): kept in the unknown fields.",
            sf.json, side.dst_mod, dst.name
        ));
    }

    /// The target's unknown fields: the source's, moved, unless a breaking change to what the
    /// object accepts makes them a decision (then the stashes are the decision's to make).
    fn unknown_fields(&mut self, pair: StructPair<'_>, body: &mut Body) -> TokenStream {
        let StructPair {
            side,
            src,
            dst,
            path,
        } = pair;
        let var = side.var();
        body.unknown_cites.sort_unstable();
        body.unknown_cites.dedup();
        if body.unknown_breaking.is_empty() {
            body.docs.push("- unknown fields: moved.".to_owned());
            return quote!(#var.unknown);
        }
        body.stashes.clear();
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
            body.unknown_cites
                .iter()
                .map(|&i| format!("- {}", cite(&self.findings[i]))),
        );
        let src_mod = side.src_mod();
        let src_name = pair.src_name();
        let m = self.method_name(side, path, "unknown_fields");
        let m = self.add_decision(Decision {
            name: m,
            params: quote!(#var: &#src_mod::#src_name),
            ret: quote!(serde_json::Map<String, serde_json::Value>),
            docs: method_docs,
        });
        self.uses_decisions = true;
        let cited: Vec<String> = body
            .unknown_cites
            .iter()
            .map(|&i| cite(&self.findings[i]))
            .collect();
        body.docs.push(format!(
            "- unknown fields: decided by `Decisions::{m}` ({}).",
            cited.join("; ")
        ));
        quote!(decisions.#m(&#var))
    }
}
