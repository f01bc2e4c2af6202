//! Code generation from a validated family: one struct per version, the upgrade and downgrade
//! of every adjacent pair, the any-version enum and the JSON-level `Family`.

use docver_attr::attr::DefaultValue;
use docver_attr::check::is_widening;
use docver_attr::serde_attr::{SerdeValue, Written};
use docver_attr::{Family, Field};

use crate::lens::{self, Way};
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

/// Whether every serde key read is either in `assigned` and written `key = "..."` (the form
/// whose meaning the derive itself knows) or in `any_form`, and all of them could be read.
fn serde_keys_within(serde: &Written, assigned: &[&str], any_form: &[&str]) -> bool {
    serde.readable
        && serde.keys.iter().all(|k| {
            let str_value = matches!(k.value, SerdeValue::Str(_));
            any_form.contains(&k.name.as_str()) || str_value && assigned.contains(&k.name.as_str())
        })
}

/// How a version's generated `Deserialize` reads its fields.
#[derive(Clone, Copy, PartialEq)]
enum Reader {
    /// Generated slots driven by `docver::__private::read_fields`: when the fields' serde
    /// attributes are only renames and aliases, whose meaning the derive knows, and write-only
    /// keys. Far less code per version than serde's derive (no field visitor, no sequence
    /// visitor).
    Slots,
    /// A private struct with the user's serde attributes and serde's derive, read through
    /// `docver::__private::with_unknown`, which keeps the entries the struct skips.
    SerdeFields,
    /// serde's derive on the version itself, unknown fields through `#[serde(flatten)]`: when
    /// a field is itself flattened (its entries would never reach the unknown fields) or a
    /// container attribute changes how the struct as a whole is built.
    Flatten,
}

fn reader(family: &Family, fields: &[&Field]) -> Reader {
    let has = |attrs: &[syn::Attribute], name: &str| attrs.iter().any(|a| a.path().is_ident(name));
    // `cfg_attr` may hide serde keys: only serde's derive on the version itself sees them all.
    if has(&family.attrs, "cfg_attr") || fields.iter().any(|f| has(&f.attrs, "cfg_attr")) {
        return Reader::Flatten;
    }
    // Besides renames and aliases, a field may carry the keys that only change how it is
    // written; a `cfg`'d field goes to the private fields struct, which keeps the `cfg`.
    let write_only = ["skip_serializing", "skip_serializing_if", "serialize_with"];
    let container = family.serde().written;
    if serde_keys_within(&container, &["rename", "rename_all", "crate"], &[])
        && fields.iter().all(|f| {
            let field = f.serde();
            !has(&f.attrs, "cfg")
                && serde_keys_within(&field.written, &["rename", "alias"], &write_only)
        })
    {
        return Reader::Slots;
    }
    let container_ok = serde_keys_within(
        &container,
        &[],
        &["rename", "rename_all", "expecting", "crate"],
    );
    let no_flatten = |f: &&Field| {
        let field = f.serde();
        field.written.readable && !field.flatten
    };
    if container_ok && fields.iter().all(no_flatten) {
        Reader::SerdeFields
    } else {
        Reader::Flatten
    }
}

/// The generated reader of a version whose fields fill slots (`Reader::Slots`): the slots, the
/// `Deserialize` impl and the `Versioned` impl, in one anonymous const.
fn slots_reader(
    family: &Family,
    ident: &syn::Ident,
    fields: &[&Field],
    versioned_impl: &TokenStream,
) -> TokenStream {
    let struct_name = family.serde_rename().unwrap_or_else(|| ident.to_string());
    let names: Vec<&syn::Ident> = fields.iter().map(|f| &f.ident).collect();
    let types = fields.iter().map(|f| &f.ty);
    let json: Vec<String> = fields.iter().map(|f| family.json_name(f)).collect();
    // Every name a field is read under: its JSON name (index = slot), then the aliases after
    // all of them, each mapped to its field's slot.
    let mut keys = json.clone();
    let mut patterns: Vec<Vec<usize>> = (0..fields.len()).map(|i| vec![i]).collect();
    for (slot, field) in fields.iter().enumerate() {
        for alias in field.serde_aliases() {
            patterns[slot].push(keys.len());
            keys.push(alias);
        }
    }
    let patterns = patterns.iter().map(|p| {
        let p = p.iter().map(|&i| proc_macro2::Literal::usize_unsuffixed(i));
        quote!(#(#p)|*)
    });
    let values = fields.iter().zip(&json).map(|(f, json)| {
        let name = &f.ident;
        match f.default() {
            Some(DefaultValue::Trait(_)) => quote!(self.#name.unwrap_or_default()),
            Some(DefaultValue::Path(path)) => {
                quote_spanned!(path.span()=> self.#name.unwrap_or_else(#path))
            }
            None => quote!(::docver::__private::required_slot(self.#name, #json)?),
        }
    });
    quote! {
        const _: () = {
            struct __Slots {
                #(#names: ::core::option::Option<#types>,)*
            }

            impl<'de> ::docver::__private::FieldSlots<'de> for __Slots {
                type Output = #ident;
                const STRUCT_NAME: &'static str = #struct_name;
                const NAMES: &'static [&'static str] = &[#(#keys),*];

                #[inline]
                fn empty() -> Self {
                    __Slots { #(#names: ::core::option::Option::None,)* }
                }

                #[inline]
                #[allow(unused_variables)]
                fn fill<A: ::docver::__private::serde::de::MapAccess<'de>>(&mut self, index: usize, map: &mut A) -> ::core::result::Result<(), A::Error> {
                    match index {
                        #(#patterns => ::docver::__private::fill_slot(&mut self.#names, map, #json),)*
                        _ => ::core::result::Result::Ok(()),
                    }
                }

                #[inline]
                fn finish<E: ::docver::__private::serde::de::Error>(self, unknown: ::docver::UnknownFields) -> ::core::result::Result<#ident, E> {
                    ::core::result::Result::Ok(#ident { #(#names: #values,)* unknown })
                }
            }

            impl<'de> ::docver::__private::serde::Deserialize<'de> for #ident {
                #[inline]
                fn deserialize<D: ::docver::__private::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    ::core::result::Result::Ok(::docver::__private::read_fields::<__Slots, D>(deserializer, ::core::option::Option::None)?.0)
                }
            }

            #versioned_impl
        };
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
    let version_fields = family.fields_in(version);
    let fields = version_fields.iter().map(|f| {
        let (attrs, vis, name, ty) = (&f.attrs, &f.vis, &f.ident, &f.ty);
        let default = serde_default(f);
        quote! { #(#attrs)* #default #vis #name: #ty, }
    });
    let reader = reader(family, &version_fields);
    let read_tagged = match reader {
        Reader::Slots => quote! {
            #[inline]
            fn read_tagged<'de, D: ::docver::__private::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<(Self, ::docver::document::TagSeen), D::Error> {
                ::docver::__private::read_fields::<__Slots, D>(deserializer, ::core::option::Option::Some(::docver::document::tag_names::<Self>()))
            }
        },
        Reader::SerdeFields => quote! {
            #[inline]
            fn read_tagged<'de, D: ::docver::__private::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<(Self, ::docver::document::TagSeen), D::Error> {
                let (fields, unknown, seen) = ::docver::__private::with_unknown_tagged::<__Fields, D>(deserializer, ::docver::document::tag_names::<Self>())?;
                ::core::result::Result::Ok((__build(fields, unknown), seen))
            }
        },
        Reader::Flatten => TokenStream::new(),
    };
    let versioned_impl = quote! {
        impl ::docver::Versioned for #ident {
            const SCHEMA_NAME: &'static str = #schema;
            const VERSION: u32 = #version;
            const SCHEMA_FIELD: &'static str = #schema_field;
            const VERSION_FIELD: &'static str = #version_field;
            const BASE_VERSION: ::core::option::Option<u32> = #base;

            #[inline]
            fn unknown_fields(&self) -> &::docver::UnknownFields {
                &self.unknown
            }

            #[inline]
            fn unknown_fields_mut(&mut self) -> &mut ::docver::UnknownFields {
                &mut self.unknown
            }

            #read_tagged
        }
    };
    let unknown_field = quote! {
        /// Fields this version does not know, kept so that writing the document back loses
        /// nothing (including the store's `_id` and `_rev`).
        #[serde(flatten)]
        #[schemars(skip)]
        pub unknown: ::docver::UnknownFields,
    };
    // serde's `Deserialize` derive only when it reads the version itself, through `flatten`.
    let deserialize =
        (reader == Reader::Flatten).then(|| quote!(::docver::__private::serde::Deserialize,));
    let read = match reader {
        Reader::Slots => slots_reader(family, &ident, &version_fields, &versioned_impl),
        Reader::SerdeFields => {
            serde_fields_reader(family, &ident, &version_fields, &versioned_impl)
        }
        Reader::Flatten => versioned_impl,
    };
    // The serde and schemars derives come first: the user's `#[serde(...)]` container
    // attributes are helpers of those derives and must follow them.
    quote! {
        #[derive(::docver::__private::serde::Serialize, #deserialize ::docver::__private::schemars::JsonSchema)]
        #(#attrs)*
        #[serde(crate = "::docver::__private::serde")]
        #[schemars(crate = "::docver::__private::schemars")]
        #vis struct #ident {
            #(#fields)*
            #unknown_field
        }

        #read
    }
}

/// The generated reader of a version read through serde's derive (`Reader::SerdeFields`): the
/// fields alone (the user's serde attributes, no `flatten`), the unknown entries kept by
/// `with_unknown` as the derive skips them: one pass, nothing buffered.
fn serde_fields_reader(
    family: &Family,
    ident: &syn::Ident,
    fields: &[&Field],
    versioned_impl: &TokenStream,
) -> TokenStream {
    let serde_only = |attrs: &[syn::Attribute]| -> Vec<syn::Attribute> {
        attrs
            .iter()
            .filter(|a| a.path().is_ident("serde") || a.path().is_ident("cfg"))
            .cloned()
            .collect()
    };
    let container_serde = serde_only(&family.attrs);
    // serde's errors name the version ("expected struct TodoV2"), not the private struct.
    let rename = family.serde_rename().is_none().then(|| {
        let name = ident.to_string();
        quote!(#[serde(rename = #name)])
    });
    let names: Vec<&syn::Ident> = fields.iter().map(|f| &f.ident).collect();
    let read_fields = fields.iter().map(|f| {
        let (name, ty) = (&f.ident, &f.ty);
        let attrs = serde_only(&f.attrs);
        let default = serde_default(f);
        quote! { #(#attrs)* #default #name: #ty, }
    });
    quote! {
        const _: () = {
            #[derive(::docver::__private::serde::Deserialize)]
            #(#container_serde)*
            #rename
            #[serde(crate = "::docver::__private::serde")]
            struct __Fields {
                #(#read_fields)*
            }

            #[inline]
            fn __build(fields: __Fields, unknown: ::docver::UnknownFields) -> #ident {
                #ident { #(#names: fields.#names,)* unknown }
            }

            impl<'de> ::docver::__private::serde::Deserialize<'de> for #ident {
                #[inline]
                fn deserialize<D: ::docver::__private::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    let (fields, unknown) = ::docver::__private::with_unknown::<__Fields, D>(deserializer)?;
                    ::core::result::Result::Ok(__build(fields, unknown))
                }
            }

            #versioned_impl
        };
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
    let (upgrade_body, downgrade_body, lossy_paths) = match family.function_step_to(next) {
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
    let lens_fn = lens_fn(family, previous, next);
    quote! {
        impl #prev_ident {
            #[doc = #up_doc]
            #[allow(unused_variables, unused_mut)]
            #[inline]
            pub fn upgrade(self, parts: &mut ::docver::Parts) -> ::core::result::Result<#next_ident, ::docver::MigrationError> {
                #upgrade_body
            }
        }

        impl #next_ident {
            /// Whether downgrading to the previous version keeps everything.
            pub const DOWNGRADE_LOSSLESS: bool = #lossless;

            #[doc = #loss_doc]
            #[inline]
            pub fn downgrade_loss() -> ::docver::Loss {
                #loss
            }

            #[doc = #down_doc]
            #[allow(unused_variables, unused_mut)]
            #[inline]
            pub fn downgrade(self, parts: &mut ::docver::Parts) -> ::core::result::Result<#prev_ident, ::docver::MigrationError> {
                #downgrade_body
            }

            #lens_fn
        }
    }
}

/// `lens()` on a version whose incoming step is declared with `lens(...)`: the lens in its JSON
/// form (`docver::lens`), with the property schemas the schema transform needs.
fn lens_fn(family: &Family, previous: u32, next: u32) -> TokenStream {
    let ops = family.lens_to(next);
    if ops.is_empty() {
        return TokenStream::new();
    }
    let (prev_ident, next_ident) = (family.version_ident(previous), family.version_ident(next));
    let ops = lens::ops_json(family, ops, Some((previous, next)));
    let doc = format!(
        " The lens from version {previous} to this version, in its JSON form (`docver::lens`)."
    );
    quote! {
        #[doc = #doc]
        #[inline]
        pub fn lens() -> ::docver::__private::serde_json::Value {
            ::docver::__private::lens_document(
                #previous,
                #next,
                #ops,
                &::docver::document::version_schema::<#prev_ident>(::docver::Contract::Reader),
                &::docver::document::version_schema::<#next_ident>(::docver::Contract::Reader),
            )
        }
    }
}

/// The generated upgrade and downgrade bodies for a step without a user `step(...)`, and the
/// document paths a downgrade loses.
fn glue(family: &Family, previous: u32, next: u32) -> (TokenStream, TokenStream, Vec<String>) {
    let (prev_ident, next_ident) = (family.version_ident(previous), family.version_ident(next));
    // Fields a `lens(...)` accounts for get their values from the lens code.
    let lensed = docver_attr::check::check_lens(&docver_attr::Ctxt::new(), family, previous, next);
    let lens_up = lens::generate(family, previous, next, Way::Up);
    let lens_down = lens::generate(family, previous, next, Way::Down);
    let up_statements = &lens_up.statements;
    let mut up_prelude = Vec::new();
    let mut up_fields = Vec::new();
    for field in family.fields_in(next) {
        let name = &field.ident;
        let key = field.name();
        if let Some((_, value)) = lens_up.fields.iter().find(|(n, _)| *n == key) {
            up_fields.push(quote!(#name: #value,));
            continue;
        }
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
        #(#up_statements)*
        ::core::result::Result::Ok(#next_ident {
            #(#up_fields)*
            unknown,
        })
    };

    let mut down_prelude = Vec::new();
    let mut stashes = Vec::new();
    let mut down_fields = Vec::new();
    let mut lossy = lens_up.lossy.clone();
    for field in family.fields_in(next) {
        let key = field.name();
        let name = &field.ident;
        if family.field_in(previous, &key).is_none() && !lensed.written.contains(&key) {
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
        if let Some((_, value)) = lens_down.fields.iter().find(|(n, _)| *n == key) {
            down_fields.push(quote!(#name: #value,));
            continue;
        }
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
    let down_statements = &lens_down.statements;
    let downgrade = quote! {
        let mut from = self;
        #(#down_prelude)*
        let mut unknown = ::core::mem::take(&mut from.unknown);
        #(#stashes)*
        #(#down_statements)*
        ::core::result::Result::Ok(#prev_ident {
            #(#down_fields)*
            unknown,
        })
    };
    (upgrade, downgrade, lossy)
}

fn any_enum(family: &Family) -> TokenStream {
    // Everything that does not depend on the family's types lives in generic functions of
    // `docver::document` (checked once, compiled where used); what is generated here are the
    // per-version match arms and one-line wrappers, all `#[inline]` so that a crate compiles
    // only the parts it calls, as with serde's derives.
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
        quote!(#v => ::core::option::Option::Some(::docver::document::decode_as::<#ty, Self>(doc, #any::#var)),)
    });
    let parse_arms = versions.iter().map(|v| {
        let (var, ty) = (variant(*v), family.version_ident(*v));
        quote!(#v => ::core::option::Option::Some(::docver::document::parse_as::<#ty, Self>(text, #any::#var)),)
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
        quote!(#any::#pv(d) => ::docver::document::stepped(d.upgrade(parts), #any::#nv, #p, #n),)
    });
    let down_arms = steps.iter().map(|(p, n)| {
        let (pv, nv) = (variant(*p), variant(*n));
        let ty = family.version_ident(*n);
        quote!(#any::#nv(d) => ::docver::document::stepped_down(d.downgrade(parts), #any::#pv, #ty::downgrade_loss, #n, #p),)
    });
    let latest_arms = steps.iter().map(|(p, n)| {
        let (pv, nv) = (variant(*p), variant(*n));
        quote!(#any::#pv(d) => #any::#nv(::docver::document::upgraded(d.upgrade(parts), #schema, parts, #p, #n)?),)
    });
    let first = versions.first().copied().unwrap_or(0);
    let first_var = variant(first);
    let latest_var = variant(latest);
    let into_latest_body = if steps.is_empty() {
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
    };
    let schema_arms = versions.iter().map(|v| {
        let ty = family.version_ident(*v);
        quote!(#v => ::core::option::Option::Some(::docver::document::version_schema::<#ty>(contract)),)
    });
    let parts_arms = versions.iter().map(|v| {
        let parts = family.parts_in(*v);
        quote!(#v => ::std::vec![#(::std::string::String::from(#parts)),*],)
    });
    let other_versions = (versions.len() > 1).then(|| quote!(_ => ::core::option::Option::None,));
    let read_as = versions.iter().map(|v| {
        let (var, ty) = (variant(*v), family.version_ident(*v));
        let read_doc = format!(" Reads a document of any known version as version {v}, migrating it up or down.");
        quote! {
            impl #ty {
                #[doc = #read_doc]
                #[inline]
                pub fn read(doc: &::docver::__private::serde_json::Value, parts: &mut ::docver::Parts) -> ::core::result::Result<(Self, ::docver::Loss), ::docver::DocError> {
                    ::docver::document::read_as::<#any, Self>(doc, parts, #v, |a| match a {
                        #any::#var(d) => ::core::option::Option::Some(d),
                        #other_versions
                    })
                }

                /// Writes this (possibly edited) document back over `original`, the document it
                /// was read from. When `original` is newer, every field this version does not
                /// know survives unchanged and the document keeps its newer version; otherwise
                /// the document is written at this version.
                #[inline]
                pub fn write_back(&self, original: &::docver::__private::serde_json::Value, parts: &mut ::docver::Parts) -> ::core::result::Result<::docver::__private::serde_json::Value, ::docver::DocError> {
                    ::docver::document::write_back::<#any, Self>(self, #any::#var, original, parts)
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

            #[inline]
            pub fn version(&self) -> u32 {
                ::docver::document::AnyVersion::version(self)
            }

            /// Reads a document of any known version (untagged documents as the base version).
            #[inline]
            pub fn from_document(doc: &::docver::__private::serde_json::Value) -> ::core::result::Result<Self, ::docver::DocError> {
                ::docver::document::any_from_document::<Self>(doc)
            }

            /// Reads JSON text as [`Self::from_document`] does, but straight from the text into
            /// the version's type (no intermediate `Value`); only a document that does not read
            /// is parsed again, the slow way, for an error naming its id, version and field path.
            /// [`Self::id`] gives the id for [`Parts`](::docver::Parts).
            #[inline]
            pub fn from_json(text: &str) -> ::core::result::Result<Self, ::docver::DocError> {
                ::docver::document::any_from_json::<Self>(text)
            }

            /// [`Self::from_json`] over bytes.
            #[inline]
            pub fn from_slice(bytes: &[u8]) -> ::core::result::Result<Self, ::docver::DocError> {
                ::docver::document::any_from_slice::<Self>(bytes)
            }

            /// The stored document's id (`_id`, kept among the unknown fields), if any.
            #[inline]
            pub fn id(&self) -> ::core::option::Option<::std::string::String> {
                ::docver::document::any_id(self)
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
                ::docver::document::AnyVersion::to_document(self)
            }

            /// Migrates one version up or down, step by step, to `target`. Unknown fields
            /// survive; the returned loss says what the downgrades could not keep.
            #[inline]
            pub fn migrate(self, target: u32, parts: &mut ::docver::Parts) -> ::core::result::Result<(Self, ::docver::Loss), ::docver::DocError> {
                ::docver::document::any_migrate(self, target, parts)
            }

            /// Upgrades to the latest version.
            #[inline]
            pub fn into_latest(self, parts: &mut ::docver::Parts) -> ::core::result::Result<#latest_ident, ::docver::DocError> {
                #into_latest_body
            }

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

        impl ::docver::document::AnyVersion for #any {
            const NAMES: ::docver::document::TagNames = ::docver::document::TagNames {
                schema_name: #schema,
                schema_field: #schema_field,
                version_field: #version_field,
                base: #base,
            };
            const VERSIONS: &'static [u32] = &[#(#versions),*];

            #[inline]
            fn version(&self) -> u32 {
                match self {
                    #(#version_arms)*
                }
            }

            #[inline]
            fn decode_version(version: u32, doc: &::docver::__private::serde_json::Value) -> ::core::option::Option<::core::result::Result<Self, ::docver::DocError>> {
                match version {
                    #(#read_arms)*
                    _ => ::core::option::Option::None,
                }
            }

            #[inline]
            fn step_up(self, parts: &mut ::docver::Parts) -> ::core::result::Result<Self, (u32, u32, ::docver::MigrationError)> {
                match self {
                    #(#up_arms)*
                    #any::#latest_var(_) => ::core::result::Result::Err((#latest, #latest, ::docver::MigrationError::new("already the latest version"))),
                }
            }

            #[inline]
            fn step_down(self, parts: &mut ::docver::Parts) -> ::core::result::Result<(Self, ::docver::Loss), (u32, u32, ::docver::MigrationError)> {
                match self {
                    #(#down_arms)*
                    #any::#first_var(_) => ::core::result::Result::Err((#first, #first, ::docver::MigrationError::new("already the first version"))),
                }
            }

            #[inline]
            fn unknown(&self) -> &::docver::UnknownFields {
                match self {
                    #(#unknown_arms)*
                }
            }

            #[inline]
            fn to_document(&self) -> ::docver::__private::serde_json::Value {
                match self {
                    #(#doc_arms)*
                }
            }

            #[inline]
            fn last_version() -> &'static ::core::sync::atomic::AtomicU32 {
                static LAST: ::core::sync::atomic::AtomicU32 = ::core::sync::atomic::AtomicU32::new(0);
                &LAST
            }

            #[inline]
            fn parse_version(version: u32, text: &str) -> ::core::option::Option<::core::result::Result<(Self, ::docver::document::TagSeen), ::docver::__private::serde_json::Error>> {
                match version {
                    #(#parse_arms)*
                    _ => ::core::option::Option::None,
                }
            }
        }

        #(#read_as)*

        #[doc = #family_doc]
        #[derive(Debug, Clone, Copy, Default)]
        #vis struct #family_struct;

        impl ::docver::Family for #family_struct {
            #[inline]
            fn schema_name(&self) -> &str {
                #schema
            }

            #[inline]
            fn versions(&self) -> &[u32] {
                #any::VERSIONS
            }

            #[inline]
            fn part_schemas(&self, version: u32) -> ::std::vec::Vec<::std::string::String> {
                #any::part_schemas(version)
            }

            #[inline]
            fn json_schema(&self, version: u32, contract: ::docver::Contract) -> ::core::option::Option<::docver::__private::serde_json::Value> {
                #any::json_schema(version, contract)
            }

            #[inline]
            fn version_of(&self, doc: &::docver::__private::serde_json::Value) -> ::core::result::Result<u32, ::docver::DocError> {
                ::docver::document::family_version_of::<#any>(doc)
            }

            #[inline]
            fn migrate(&self, docs: ::docver::DocumentSet, target: u32) -> ::core::result::Result<::docver::Migrated, ::docver::DocError> {
                ::docver::document::family_migrate::<#any>(docs, target)
            }
        }
    }
}
