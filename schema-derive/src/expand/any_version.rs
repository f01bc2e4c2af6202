//! The any-version enum (`AnyTodo`): one variant per version, the latest version's alias, and
//! the enum's own methods. Everything that does not depend on the family's types lives in
//! generic functions of `docver::__private` (checked once, compiled where used); what is
//! generated are the per-version match arms and one-line wrappers, all `#[inline]` so that a
//! crate compiles only the parts it calls, as with serde's derives.

use docver_attr::FamilyDecl;
use proc_macro2::TokenStream;
use quote::quote;

use super::{any_ident, base_version, variant};

/// `type Todo = TodoV3;` and `enum AnyTodo { V1(TodoV1), ... }`.
pub(super) fn any_enum(family: &FamilyDecl) -> TokenStream {
    let (vis, ident, any, schema) = (
        &family.vis,
        &family.ident,
        any_ident(family),
        &family.schema,
    );
    let versions = family.version_numbers();
    let latest_ident = family.version_ident(family.latest());
    let variants = versions.iter().map(|v| {
        let (var, ty) = (variant(*v), family.version_ident(*v));
        let doc = format!(" A version {v} document.");
        quote!(#[doc = #doc] #var(#ty),)
    });
    let derives = family.attrs.iter().filter(|a| a.path().is_ident("derive"));
    let any_doc = format!(" A `{}` document of any known version.", schema.value());
    let latest_doc = format!(" The latest version of `{}` documents.", schema.value());
    let inherent = inherent_impl(family);
    quote! {
        #[doc = #latest_doc]
        #vis type #ident = #latest_ident;

        #[doc = #any_doc]
        #(#derives)*
        #vis enum #any {
            #(#variants)*
        }

        #inherent
    }
}

/// `impl AnyTodo { ... }`: constants, reading, writing and migrating.
fn inherent_impl(family: &FamilyDecl) -> TokenStream {
    let any = any_ident(family);
    let schema = &family.schema;
    let (schema_field, version_field) = (&family.schema_field, &family.version_field);
    let versions = family.version_numbers();
    let latest = family.latest();
    let latest_ident = family.version_ident(latest);
    let base = base_version(family);
    let into_latest_body = into_latest_body(family);
    let without_companions = without_companions(family);
    let json_out_arms = versions.iter().map(|v| {
        let var = variant(*v);
        quote!(#any::#var(d) => ::docver::Versioned::to_json(d),)
    });
    let schema_arms = versions.iter().map(|v| {
        let ty = family.version_ident(*v);
        quote!(#v => ::core::option::Option::Some(::docver::__private::version_schema::<#ty>(contract)),)
    });
    let parts_arms = versions.iter().map(|v| {
        let parts = family.parts_in(*v);
        quote!(#v => ::std::vec![#(::std::string::String::from(#parts)),*],)
    });
    quote! {
        impl #any {
            pub const SCHEMA_NAME: &'static str = #schema;
            pub const SCHEMA_FIELD: &'static str = #schema_field;
            pub const VERSION_FIELD: &'static str = #version_field;
            pub const VERSIONS: &'static [u32] = &[#(#versions),*];
            pub const LATEST: u32 = #latest;
            pub const BASE_VERSION: ::core::option::Option<u32> = #base;

            #[inline]
            pub fn version(&self) -> u32 {
                ::docver::__private::AnyVersion::version(self)
            }

            /// Reads a document of any known version (untagged documents as the base version).
            #[inline]
            pub fn from_document(doc: &::docver::__private::serde_json::Value) -> ::core::result::Result<Self, ::docver::DocError> {
                ::docver::__private::any_from_document::<Self>(doc)
            }

            /// Reads JSON text as [`Self::from_document`] does, but straight from the text into
            /// the version's type (no intermediate `Value`); only a document that does not read
            /// is parsed again, the slow way, for an error naming its id, version and field path.
            /// [`Self::id`] gives the id for [`Parts`](::docver::Parts).
            #[inline]
            pub fn from_json(text: &str) -> ::core::result::Result<Self, ::docver::DocError> {
                ::docver::__private::any_from_json::<Self>(text)
            }

            /// [`Self::from_json`] over bytes.
            #[inline]
            pub fn from_slice(bytes: &[u8]) -> ::core::result::Result<Self, ::docver::DocError> {
                ::docver::__private::any_from_slice::<Self>(bytes)
            }

            /// The stored document's id (`_id`, kept among the unknown fields), if any.
            #[inline]
            pub fn id(&self) -> ::core::option::Option<::std::string::String> {
                ::docver::__private::any_id(self)
            }

            /// The document as JSON text, with its type and version tag.
            #[inline]
            pub fn to_json(&self) -> ::std::string::String {
                match self {
                    #(#json_out_arms)*
                }
            }

            /// The document as stored, with its type and version tag.
            #[inline]
            pub fn to_document(&self) -> ::docver::__private::serde_json::Value {
                ::docver::__private::AnyVersion::to_document(self)
            }

            /// Migrates one version up or down, step by step, to `target`, with the companion
            /// documents in `parts`. Unknown fields survive; the loss says what the downgrades
            /// could not keep.
            #[inline]
            pub fn migrate_with(self, target: u32, parts: &mut ::docver::Parts) -> ::core::result::Result<::docver::AtVersion<Self>, ::docver::DocError> {
                ::docver::__private::migrate_at(self, target, parts)
            }

            /// Upgrades to the latest version, with the companion documents in `parts`.
            #[inline]
            pub fn into_latest_with(self, parts: &mut ::docver::Parts) -> ::core::result::Result<#latest_ident, ::docver::DocError> {
                #into_latest_body
            }

            #without_companions
            /// The JSON Schema of one version: what its reader accepts, or what its writer emits.
            #[inline]
            pub fn json_schema(version: u32, contract: ::docver::Contract) -> ::core::option::Option<::docver::__private::serde_json::Value> {
                match version {
                    #(#schema_arms)*
                    _ => ::core::option::Option::None,
                }
            }

            /// Companion document types a document of `version` is split into.
            #[inline]
            pub fn part_schemas(version: u32) -> ::std::vec::Vec<::std::string::String> {
                match version {
                    #(#parts_arms)*
                    _ => ::std::vec::Vec::new(),
                }
            }
        }
    }
}

/// `migrate` and `into_latest` without [`Parts`](docver::Parts), for a family that declares no
/// companion documents (one that does has only the `_with` forms, which hand them over).
fn without_companions(family: &FamilyDecl) -> TokenStream {
    if family.steps.iter().any(|s| !s.parts.is_empty()) {
        return TokenStream::new();
    }
    let latest = family.latest();
    let latest_ident = family.version_ident(latest);
    quote! {
        /// Migrates one version up or down, step by step, to `target`. Unknown fields
        /// survive; the loss says what the downgrades could not keep.
        #[inline]
        pub fn migrate(self, target: u32) -> ::core::result::Result<::docver::AtVersion<Self>, ::docver::DocError> {
            ::docver::__private::without_companions(self, target, |any, parts| any.migrate_with(target, parts))
        }

        /// Upgrades to the latest version.
        #[inline]
        pub fn into_latest(self) -> ::core::result::Result<#latest_ident, ::docver::DocError> {
            ::docver::__private::without_companions(self, #latest, |any, parts| any.into_latest_with(parts))
        }
    }
}

/// `into_latest_with`: upgrades step by step until the latest version.
fn into_latest_body(family: &FamilyDecl) -> TokenStream {
    let any = any_ident(family);
    let schema = &family.schema;
    let steps = family.steps_between();
    let latest_var = variant(family.latest());
    let latest_arms = steps.iter().map(|(p, n)| {
        let (pv, nv) = (variant(*p), variant(*n));
        quote!(#any::#pv(d) => #any::#nv(::docver::__private::upgraded(d.upgrade(parts), #schema, parts, #p, #n)?),)
    });
    if steps.is_empty() {
        quote!(match self { #any::#latest_var(d) => ::core::result::Result::Ok(d) })
    } else {
        quote! {
            let mut current = self;
            loop {
                current = match current {
                    #(#latest_arms)*
                    #any::#latest_var(d) => return ::core::result::Result::Ok(d),
                };
            }
        }
    }
}
