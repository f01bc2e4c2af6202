//! Code generation from a validated family: one struct per version, the upgrade and downgrade
//! of every adjacent pair, the any-version enum and the JSON-level `Family`.

use docver_attr::attr::DefaultValue;
use docver_attr::check::is_widening;
use docver_attr::{Family, Field};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

pub fn expand(family: &Family) -> TokenStream {
    let versions = family.version_numbers();
    let structs = versions.iter().map(|v| version_struct(family, *v));
    let steps = family
        .steps_between()
        .into_iter()
        .map(|(p, n)| step(family, p, n));
    let any = any_enum(family);
    quote! {
        #(#structs)*
        #(#steps)*
        #any
    }
}

fn serde_default(field: &Field) -> TokenStream {
    match field.default() {
        Some(DefaultValue::Trait(_)) => quote!(#[serde(default)]),
        Some(DefaultValue::Path(path)) => {
            // Spanned at the user's path, so an error about it points there.
            let text = syn::LitStr::new(&quote!(#path).to_string().replace(' ', ""), path.span());
            quote!(#[serde(default = #text)])
        }
        None => TokenStream::new(),
    }
}

fn version_struct(family: &Family, version: u32) -> TokenStream {
    let ident = family.version_ident(version);
    let vis = &family.vis;
    let attrs = &family.attrs;
    let schema = &family.schema;
    let (schema_field, version_field) = (&family.schema_field, &family.version_field);
    let base = match family.base {
        Some(b) => {
            let b = b.value;
            quote!(::core::option::Option::Some(#b))
        }
        None => quote!(::core::option::Option::None),
    };
    let fields = family.fields_in(version).into_iter().map(|f| {
        let (attrs, vis, name, ty) = (&f.attrs, &f.vis, &f.ident, &f.ty);
        let default = serde_default(f);
        quote! { #(#attrs)* #default #vis #name: #ty, }
    });
    // The serde and schemars derives come first: the user's `#[serde(...)]` container
    // attributes are helpers of those derives and must follow them.
    quote! {
        #[derive(::docver::__private::serde::Serialize, ::docver::__private::serde::Deserialize, ::docver::__private::schemars::JsonSchema)]
        #(#attrs)*
        #[serde(crate = "::docver::__private::serde")]
        #[schemars(crate = "::docver::__private::schemars")]
        #vis struct #ident {
            #(#fields)*
            /// Fields this version does not know, kept so that writing the document back loses
            /// nothing (including the store's `_id` and `_rev`).
            #[serde(flatten)]
            #[schemars(skip)]
            pub unknown: ::docver::UnknownFields,
        }

        impl ::docver::Versioned for #ident {
            const SCHEMA_NAME: &'static str = #schema;
            const VERSION: u32 = #version;
            const SCHEMA_FIELD: &'static str = #schema_field;
            const VERSION_FIELD: &'static str = #version_field;
            const BASE_VERSION: ::core::option::Option<u32> = #base;

            fn unknown_fields(&self) -> &::docver::UnknownFields {
                &self.unknown
            }

            fn unknown_fields_mut(&mut self) -> &mut ::docver::UnknownFields {
                &mut self.unknown
            }
        }
    }
}

fn default_value(field: &Field, span: Span) -> TokenStream {
    match field.default() {
        Some(DefaultValue::Path(path)) => quote_spanned!(path.span()=> #path()),
        _ => quote_spanned!(span=> ::core::default::Default::default()),
    }
}

/// A user field function, called through a helper that fixes its signature so a mismatch is a
/// type error on the user's path.
fn call_field_fn(
    path: &syn::Path,
    fallible: bool,
    from: &syn::Ident,
    to: &syn::Type,
) -> TokenStream {
    if fallible {
        quote_spanned!(path.span()=> ::docver::__private::field_fallible::<#from, #to, _>(#path, &from)?)
    } else {
        quote_spanned!(path.span()=> ::docver::__private::field::<#from, #to>(#path, &from))
    }
}

fn step(family: &Family, previous: u32, next: u32) -> TokenStream {
    let (prev_ident, next_ident) = (family.version_ident(previous), family.version_ident(next));
    let (upgrade_body, downgrade_body, lossy_paths) = match family.step_to(next) {
        Some(step) => {
            let (up, down) = (
                step.upgrade.as_ref().expect("validated"),
                step.downgrade.as_ref().expect("validated"),
            );
            // `step_fallible` has a third type parameter, the user's error type.
            let (helper, error) = if step.fallible {
                (quote!(step_fallible), quote!(, _))
            } else {
                (quote!(step), quote!())
            };
            let up = quote_spanned!(up.span()=> ::docver::__private::#helper::<#prev_ident, #next_ident #error>(#up, self, parts));
            let down = quote_spanned!(down.span()=> ::docver::__private::#helper::<#next_ident, #prev_ident #error>(#down, self, parts));
            let lossy: Vec<String> = if step.lossless {
                Vec::new()
            } else {
                vec![String::new()]
            };
            (up, down, lossy)
        }
        None => glue(family, previous, next),
    };
    let up_doc = format!(" Upgrades this version {previous} document to version {next}.");
    let down_doc = format!(" Downgrades this version {next} document to version {previous}.");
    let lossless = lossy_paths.is_empty();
    let loss = if lossless {
        quote!(::docver::Loss::Lossless)
    } else {
        quote!(::docver::Loss::Lossy {
            paths: ::std::vec![#(::std::string::String::from(#lossy_paths)),*]
        })
    };
    let loss_doc = format!(" What a downgrade from version {next} to {previous} cannot keep.");
    quote! {
        impl #prev_ident {
            #[doc = #up_doc]
            #[allow(unused_variables, unused_mut)]
            pub fn upgrade(self, parts: &mut ::docver::Parts) -> ::core::result::Result<#next_ident, ::docver::MigrationError> {
                #upgrade_body
            }
        }

        impl #next_ident {
            /// Whether downgrading to the previous version keeps everything.
            pub const DOWNGRADE_LOSSLESS: bool = #lossless;

            #[doc = #loss_doc]
            pub fn downgrade_loss() -> ::docver::Loss {
                #loss
            }

            #[doc = #down_doc]
            #[allow(unused_variables, unused_mut)]
            pub fn downgrade(self, parts: &mut ::docver::Parts) -> ::core::result::Result<#prev_ident, ::docver::MigrationError> {
                #downgrade_body
            }
        }
    }
}

/// The generated upgrade and downgrade bodies for a step without a user `step(...)`, and the
/// document paths a downgrade loses.
fn glue(family: &Family, previous: u32, next: u32) -> (TokenStream, TokenStream, Vec<String>) {
    let (prev_ident, next_ident) = (family.version_ident(previous), family.version_ident(next));
    let mut up_prelude = Vec::new();
    let mut up_fields = Vec::new();
    for field in family.fields_in(next) {
        let name = &field.ident;
        let key = field.name();
        let value = match family.field_in(previous, &key) {
            // The same declaration, or an identical one: the value moves.
            Some(old)
                if std::ptr::eq(old, field)
                    || (old.type_text() == field.type_text() && field.docver.upgrade.is_none()) =>
            {
                quote!(from.#name)
            }
            Some(old) if field.docver.upgrade.is_none() && is_widening(old, field) => {
                if field.is_option() {
                    quote!(::core::option::Option::Some(from.#name))
                } else {
                    quote!(::core::convert::From::from(from.#name))
                }
            }
            _ => match &field.docver.upgrade {
                Some(path) => {
                    let local = format_ident!("{}_upgraded", name);
                    let call = call_field_fn(path, field.docver.fallible, &prev_ident, &field.ty);
                    up_prelude.push(quote!(let #local = #call;));
                    quote!(#local)
                }
                // Added: an older app may have kept the value among its unknown fields.
                None => {
                    let default = default_value(field, name.span());
                    quote!(::docver::document::take_unknown(&mut unknown, #key).unwrap_or_else(|| #default))
                }
            },
        };
        up_fields.push(quote!(#name: #value,));
    }
    let upgrade = quote! {
        let mut from = self;
        #(#up_prelude)*
        let mut unknown = ::core::mem::take(&mut from.unknown);
        ::core::result::Result::Ok(#next_ident {
            #(#up_fields)*
            unknown,
        })
    };

    let mut down_prelude = Vec::new();
    let mut stashes = Vec::new();
    let mut down_fields = Vec::new();
    let mut lossy = Vec::new();
    for field in family.fields_in(next) {
        let key = field.name();
        let name = &field.ident;
        if family.field_in(previous, &key).is_none() {
            // Kept among the older version's unknown fields, so the next upgrade restores it.
            let default = if field.default().is_some() || field.is_option() {
                let value = default_value(field, name.span());
                quote!(::core::option::Option::Some(&#value))
            } else {
                quote!(::core::option::Option::None)
            };
            stashes.push(
                quote!(::docver::document::stash(&mut unknown, #key, &from.#name, #default);),
            );
        }
    }
    for old in family.fields_in(previous) {
        let name = &old.ident;
        let key = old.name();
        let value = match family.field_in(next, &key) {
            Some(new)
                if std::ptr::eq(old, new)
                    || (new.type_text() == old.type_text() && old.docver.downgrade.is_none()) =>
            {
                quote!(from.#name)
            }
            Some(new) if old.docver.downgrade.is_none() && is_widening(old, new) => {
                if new.is_option() {
                    let missing = format!("`{key}` is null, which version {previous} cannot hold");
                    match old.default() {
                        Some(_) => {
                            lossy.push(format!("/{key}"));
                            let default = default_value(old, name.span());
                            quote!(from.#name.unwrap_or_else(|| #default))
                        }
                        None => {
                            quote!(from.#name.ok_or_else(|| ::docver::MigrationError::new(#missing))?)
                        }
                    }
                } else if old.type_text() == "f32" {
                    quote!(::docver::__private::narrow_float(from.#name, #key)?)
                } else {
                    quote!(::docver::__private::narrow(from.#name, #key)?)
                }
            }
            other => match &old.docver.downgrade {
                Some(path) => {
                    if other.is_some() && !old.docver.lossless {
                        lossy.push(format!("/{key}"));
                    }
                    let local = format_ident!("{}_downgraded", name);
                    let call = call_field_fn(path, old.docver.fallible, &next_ident, &old.ty);
                    down_prelude.push(quote!(let #local = #call;));
                    quote!(#local)
                }
                // Removed in the next version: restore what an earlier downgrade stashed, or the default.
                None => {
                    let default = default_value(old, name.span());
                    quote!(::docver::document::take_unknown(&mut unknown, #key).unwrap_or_else(|| #default))
                }
            },
        };
        down_fields.push(quote!(#name: #value,));
    }
    let downgrade = quote! {
        let mut from = self;
        #(#down_prelude)*
        let mut unknown = ::core::mem::take(&mut from.unknown);
        #(#stashes)*
        ::core::result::Result::Ok(#prev_ident {
            #(#down_fields)*
            unknown,
        })
    };
    (upgrade, downgrade, lossy)
}

fn any_enum(family: &Family) -> TokenStream {
    let vis = &family.vis;
    let ident = &family.ident;
    let any = format_ident!("Any{}", ident);
    let family_struct = format_ident!("{}Family", ident);
    let schema = &family.schema;
    let (schema_field, version_field) = (&family.schema_field, &family.version_field);
    let versions = family.version_numbers();
    let latest = family.latest();
    let latest_ident = family.version_ident(latest);
    let variant = |v: u32| format_ident!("V{}", v);
    let variants = versions.iter().map(|v| {
        let (var, ty) = (variant(*v), family.version_ident(*v));
        let doc = format!(" A version {v} document.");
        quote!(#[doc = #doc] #var(#ty),)
    });
    let derives = family.attrs.iter().filter(|a| a.path().is_ident("derive"));
    let version_arms = versions.iter().map(|v| {
        let var = variant(*v);
        quote!(#any::#var(_) => #v,)
    });
    let read_arms = versions.iter().map(|v| {
        let (var, ty) = (variant(*v), family.version_ident(*v));
        quote!(#v => <#ty as ::docver::Versioned>::from_document(doc).map(#any::#var),)
    });
    let json_arms = versions.iter().map(|v| {
        let (var, ty) = (variant(*v), family.version_ident(*v));
        quote! {
            #v => ::docver::__private::serde_json::from_str::<#ty>(text).ok().map(|mut d| {
                d.unknown.remove(#schema_field);
                d.unknown.remove(#version_field);
                #any::#var(d)
            }),
        }
    });
    let unknown_arms = versions.iter().map(|v| {
        let var = variant(*v);
        quote!(#any::#var(d) => &d.unknown,)
    });
    let json_out_arms = versions.iter().map(|v| {
        let var = variant(*v);
        quote!(#any::#var(d) => ::docver::Versioned::to_json(d),)
    });
    let doc_arms = versions.iter().map(|v| {
        let var = variant(*v);
        quote!(#any::#var(d) => ::docver::Versioned::to_document(d),)
    });
    let base = match family.base {
        Some(b) => {
            let b = b.value;
            quote!(::core::option::Option::Some(#b))
        }
        None => quote!(::core::option::Option::None),
    };
    let steps = family.steps_between();
    let up_arms = steps.iter().map(|(p, n)| {
        let (pv, nv) = (variant(*p), variant(*n));
        quote!(#any::#pv(d) => d.upgrade(parts).map(#any::#nv).map_err(|e| (#p, #n, e)),)
    });
    let down_arms = steps.iter().map(|(p, n)| {
        let (pv, nv) = (variant(*p), variant(*n));
        let ty = family.version_ident(*n);
        quote!(#any::#nv(d) => d.downgrade(parts).map(|d| (#any::#pv(d), #ty::downgrade_loss())).map_err(|e| (#n, #p, e)),)
    });
    let first = versions.first().copied().unwrap_or(0);
    let first_var = variant(first);
    let latest_var = variant(latest);
    let schema_arms = versions.iter().map(|v| {
        let ty = family.version_ident(*v);
        quote!(#v => ::core::option::Option::Some(::docver::document::version_schema::<#ty>(contract)),)
    });
    let parts_arms = versions.iter().map(|v| {
        let parts = family.parts_in(*v);
        quote!(#v => ::std::vec![#(::std::string::String::from(#parts)),*],)
    });
    let read_as = versions.iter().map(|v| {
        let (var, ty) = (variant(*v), family.version_ident(*v));
        let read_doc = format!(" Reads a document of any known version as version {v}, migrating it up or down.");
        quote! {
            impl #ty {
                #[doc = #read_doc]
                pub fn read(doc: &::docver::__private::serde_json::Value, parts: &mut ::docver::Parts) -> ::core::result::Result<(Self, ::docver::Loss), ::docver::DocError> {
                    match #any::from_document(doc)?.migrate(#v, parts)? {
                        (#any::#var(d), loss) => ::core::result::Result::Ok((d, loss)),
                        (other, _) => ::core::result::Result::Err(#any::mismatch(parts, other.version(), #v)),
                    }
                }

                /// Writes this (possibly edited) document back over `original`, the document it
                /// was read from. When `original` is newer, every field this version does not
                /// know survives unchanged and the document keeps its newer version; otherwise
                /// the document is written at this version.
                pub fn write_back(&self, original: &::docver::__private::serde_json::Value, parts: &mut ::docver::Parts) -> ::core::result::Result<::docver::__private::serde_json::Value, ::docver::DocError> {
                    let after = ::docver::Versioned::to_document(self);
                    let stored = #any::from_document(original)?;
                    let stored_version = stored.version();
                    if stored_version <= #v {
                        return ::core::result::Result::Ok(after);
                    }
                    let mut scratch = parts.clone();
                    let (before, _) = stored.migrate(#v, &mut scratch)?;
                    let edited = <Self as ::docver::Versioned>::from_document(&after)?;
                    let (upgraded, _) = #any::#var(edited).migrate(stored_version, parts)?;
                    ::core::result::Result::Ok(::docver::document::merge_edit(original, &before.to_document(), &after, &upgraded.to_document()))
                }
            }
        }
    });
    let any_doc = format!(" A `{}` document of any known version.", schema.value());
    let family_doc = format!(
        " The `{}` family as JSON: what stores and migration strategies use.",
        schema.value()
    );
    let latest_doc = format!(" The latest version of `{}` documents.", schema.value());
    quote! {
        #[doc = #latest_doc]
        #vis type #ident = #latest_ident;

        #[doc = #any_doc]
        #(#derives)*
        #vis enum #any {
            #(#variants)*
        }

        impl #any {
            pub const SCHEMA_NAME: &'static str = #schema;
            pub const SCHEMA_FIELD: &'static str = #schema_field;
            pub const VERSION_FIELD: &'static str = #version_field;
            pub const VERSIONS: &'static [u32] = &[#(#versions),*];
            pub const LATEST: u32 = #latest;
            pub const BASE_VERSION: ::core::option::Option<u32> = #base;

            pub fn version(&self) -> u32 {
                match self {
                    #(#version_arms)*
                }
            }

            /// Reads a document of any known version (untagged documents as the base version).
            pub fn from_document(doc: &::docver::__private::serde_json::Value) -> ::core::result::Result<Self, ::docver::DocError> {
                let version = ::docver::document::read_tag(doc, #schema, #schema_field, #version_field, Self::BASE_VERSION)?;
                match version {
                    #(#read_arms)*
                    other => ::core::result::Result::Err(::docver::DocError::UnknownVersion {
                        id: ::docver::document::document_id(doc),
                        schema: ::std::string::String::from(#schema),
                        found: u64::from(other),
                        known: Self::VERSIONS.to_vec(),
                    }),
                }
            }

            /// Parses JSON text and reads it as [`Self::from_document`] does: the tag first, then
            /// the text straight into that version's type (no intermediate `Value`); a document
            /// that does not read is re-read the slow way for an error with its field path.
            pub fn from_json(text: &str) -> ::core::result::Result<Self, ::docver::DocError> {
                #[derive(::docver::__private::serde::Deserialize)]
                #[serde(crate = "::docver::__private::serde")]
                struct Tag<'a> {
                    #[serde(rename = #schema_field, borrow, default)]
                    schema: ::core::option::Option<::std::borrow::Cow<'a, str>>,
                    #[serde(rename = #version_field, default)]
                    version: ::core::option::Option<u64>,
                }
                let fast = ::docver::__private::serde_json::from_str::<Tag<'_>>(text).ok().and_then(|tag| {
                    if tag.schema.as_deref().is_some_and(|s| s != #schema) {
                        return ::core::option::Option::None;
                    }
                    let version = match tag.version {
                        ::core::option::Option::Some(v) => u32::try_from(v).ok()?,
                        ::core::option::Option::None => Self::BASE_VERSION?,
                    };
                    match version {
                        #(#json_arms)*
                        _ => ::core::option::Option::None,
                    }
                });
                if let ::core::option::Option::Some(read) = fast {
                    return ::core::result::Result::Ok(read);
                }
                let doc: ::docver::__private::serde_json::Value = ::docver::__private::serde_json::from_str(text).map_err(|e| ::docver::DocError::Invalid {
                    id: ::core::option::Option::None,
                    schema: ::std::string::String::from(#schema),
                    version: 0,
                    path: ::std::string::String::new(),
                    message: ::std::format!("not JSON: {e}"),
                })?;
                Self::from_document(&doc)
            }

            /// The stored document's id (`_id`, kept among the unknown fields), if any.
            pub fn id(&self) -> ::core::option::Option<::std::string::String> {
                let unknown = match self {
                    #(#unknown_arms)*
                };
                unknown.get("_id").and_then(|v| v.as_str()).map(::std::borrow::ToOwned::to_owned)
            }

            /// The document as JSON text, with its type and version tag.
            pub fn to_json(&self) -> ::std::string::String {
                match self {
                    #(#json_out_arms)*
                }
            }

            /// The document as stored, with its type and version tag.
            pub fn to_document(&self) -> ::docver::__private::serde_json::Value {
                match self {
                    #(#doc_arms)*
                }
            }

            fn mismatch(parts: &::docver::Parts, from: u32, to: u32) -> ::docver::DocError {
                ::docver::DocError::Migration {
                    id: parts.id.clone(),
                    schema: ::std::string::String::from(#schema),
                    from,
                    to,
                    message: ::std::string::String::from("no migration path"),
                }
            }

            /// Migrates one version up or down, step by step, to `target`. Unknown fields
            /// survive; the returned loss says what the downgrades could not keep.
            pub fn migrate(self, target: u32, parts: &mut ::docver::Parts) -> ::core::result::Result<(Self, ::docver::Loss), ::docver::DocError> {
                if !Self::VERSIONS.contains(&target) {
                    return ::core::result::Result::Err(::docver::DocError::UnknownVersion {
                        id: parts.id.clone(),
                        schema: ::std::string::String::from(#schema),
                        found: u64::from(target),
                        known: Self::VERSIONS.to_vec(),
                    });
                }
                let mut current = self;
                let mut loss = ::docver::Loss::Lossless;
                while current.version() != target {
                    let step = if current.version() < target {
                        match current {
                            #(#up_arms)*
                            #any::#latest_var(_) => ::core::result::Result::Err((#latest, #latest, ::docver::MigrationError::new("already the latest version"))),
                        }
                        .map(|d| (d, ::docver::Loss::Lossless))
                    } else {
                        match current {
                            #(#down_arms)*
                            #any::#first_var(_) => ::core::result::Result::Err((#first, #first, ::docver::MigrationError::new("already the first version"))),
                        }
                    };
                    match step {
                        ::core::result::Result::Ok((next, step_loss)) => {
                            current = next;
                            loss = loss.then(step_loss);
                        }
                        ::core::result::Result::Err((from, to, e)) => {
                            return ::core::result::Result::Err(::docver::DocError::Migration {
                                id: parts.id.clone(),
                                schema: ::std::string::String::from(#schema),
                                from,
                                to,
                                message: e.message,
                            });
                        }
                    }
                }
                ::core::result::Result::Ok((current, loss))
            }

            /// Upgrades to the latest version.
            pub fn into_latest(self, parts: &mut ::docver::Parts) -> ::core::result::Result<#latest_ident, ::docver::DocError> {
                match self.migrate(#latest, parts)? {
                    (#any::#latest_var(d), _) => ::core::result::Result::Ok(d),
                    (other, _) => ::core::result::Result::Err(Self::mismatch(parts, other.version(), #latest)),
                }
            }

            /// The JSON Schema of one version: what its reader accepts, or what its writer emits.
            pub fn json_schema(version: u32, contract: ::docver::Contract) -> ::core::option::Option<::docver::__private::serde_json::Value> {
                match version {
                    #(#schema_arms)*
                    _ => ::core::option::Option::None,
                }
            }

            /// Companion document types a document of `version` is split into.
            pub fn part_schemas(version: u32) -> ::std::vec::Vec<::std::string::String> {
                match version {
                    #(#parts_arms)*
                    _ => ::std::vec::Vec::new(),
                }
            }
        }

        #(#read_as)*

        #[doc = #family_doc]
        #[derive(Debug, Clone, Copy, Default)]
        #vis struct #family_struct;

        impl ::docver::Family for #family_struct {
            fn schema_name(&self) -> &str {
                #schema
            }

            fn versions(&self) -> &[u32] {
                #any::VERSIONS
            }

            fn part_schemas(&self, version: u32) -> ::std::vec::Vec<::std::string::String> {
                #any::part_schemas(version)
            }

            fn json_schema(&self, version: u32, contract: ::docver::Contract) -> ::core::option::Option<::docver::__private::serde_json::Value> {
                #any::json_schema(version, contract)
            }

            fn version_of(&self, doc: &::docver::__private::serde_json::Value) -> ::core::result::Result<u32, ::docver::DocError> {
                ::docver::document::read_tag(doc, #schema, #schema_field, #version_field, #any::BASE_VERSION)
            }

            fn migrate(&self, docs: ::docver::DocumentSet, target: u32) -> ::core::result::Result<::docver::Migrated, ::docver::DocError> {
                let mut parts = ::docver::Parts { id: docs.id.clone(), docs: docs.parts };
                let (migrated, loss) = #any::from_document(&docs.main)?.migrate(target, &mut parts)?;
                ::core::result::Result::Ok(::docver::Migrated {
                    version: target,
                    docs: ::docver::DocumentSet { id: docs.id, main: migrated.to_document(), parts: parts.docs },
                    loss,
                })
            }
        }
    }
}
