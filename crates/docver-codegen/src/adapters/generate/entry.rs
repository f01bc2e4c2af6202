//! The module's entry points, `pub fn upgrade(…)` and `pub fn downgrade(…)`: the root's
//! conversion (or a decision for the whole document), then a review for every breaking
//! finding no conversion accounted for.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc::{article, capitalize, display, doc_attrs};
use super::{Decision, Generator, Side, cite, where_};
use crate::adapters::names;

impl Generator<'_> {
    /// `pub fn upgrade(…)` / `pub fn downgrade(…)`.
    pub(super) fn entry_point(&mut self, side: Side<'_>) -> TokenStream {
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
        let file_name = |module: &str| {
            if module == "old" {
                self.old_name
            } else {
                self.new_name
            }
        };
        let mut docs = vec![format!(
            "{}s a `{}` document (`{}::{}`) to `{}` (`{}::{}`).",
            capitalize(side.verb),
            file_name(side.src_mod),
            side.src_mod,
            side.src.root_name,
            file_name(side.dst_mod),
            side.dst_mod,
            side.dst.root_name,
        )];
        let body = if breaking.is_empty() && feasible {
            self.conv(side, quote!(#var), &side.src.root, &side.dst.root, "")
        } else {
            let m = self.whole_document_decision(side, &touched, breaking.is_empty());
            docs.push(String::new());
            docs.push(format!(
                "The whole document is decided by `Decisions::{m}`."
            ));
            quote!(decisions.#m(&#var))
        };
        let body = self.review_unclaimed(side, body);
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

    /// The `Decisions` method that converts the whole document, when the root has no
    /// mechanical conversion or a finding about it breaks this direction.
    fn whole_document_decision(
        &mut self,
        side: Side<'_>,
        touched: &[usize],
        no_finding_breaks: bool,
    ) -> proc_macro2::Ident {
        let (src_mod, dst_mod, var) = (side.src_mod(), side.dst_mod(), side.var());
        let src_ty = side.src.root_tokens(&src_mod);
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
            if no_finding_breaks {
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
            ret: side.dst.root_tokens(&dst_mod),
            docs: method_docs,
        });
        self.uses_decisions = true;
        m
    }

    /// `body`, followed by one review decision per breaking finding no conversion claimed.
    fn review_unclaimed(&mut self, side: Side<'_>, body: TokenStream) -> TokenStream {
        let unclaimed: Vec<usize> = (0..self.findings.len())
            .filter(|&i| !self.claimed[i] && self.findings[i].verdict(side.direction).is_breaking())
            .collect();
        if unclaimed.is_empty() {
            return body;
        }
        let (src_mod, dst_mod, var) = (side.src_mod(), side.dst_mod(), side.var());
        let src_ty = side.src.root_tokens(&src_mod);
        let dst_ty = side.dst.root_tokens(&dst_mod);
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
    }
}
