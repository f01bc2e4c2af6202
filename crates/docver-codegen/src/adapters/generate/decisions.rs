//! The `Decisions` trait and the private helpers the conversions call.

use proc_macro2::TokenStream;
use quote::quote;

use super::Generator;
use super::doc::doc_attrs;

impl Generator<'_> {
    pub(super) fn emit_trait(&self) -> TokenStream {
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

    pub(super) fn emit_helpers(&self) -> TokenStream {
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
