//! The generated upgrade and downgrade bodies of a step without user functions: field by
//! field, with the lens code where the step declares a lens.

use docver_attr::attr::DefaultValue;
use docver_attr::check::is_widening;
use docver_attr::{FamilyDecl, Field, Lensed, Validated};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::lens_step::{self, LensCode};
use docver_lens::Way;

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
        quote_spanned!(path.span()=> ::docver::__private::field::<#from, #to, _>(#path, &from))
    }
}

/// The generated upgrade and downgrade bodies for a step without a user `step(...)`, and the
/// document paths a downgrade loses.
pub(super) fn glue(
    validated: &Validated,
    previous: u32,
    next: u32,
) -> (TokenStream, TokenStream, Vec<String>) {
    let family = &validated.family;
    // Fields a `lens(...)` accounts for get their values from the lens code.
    let lens_up = lens_step::generate(family, previous, next, Way::Up);
    let lens_down = lens_step::generate(family, previous, next, Way::Down);
    let no_lens = Lensed::default();
    let lensed = validated.lensed(next).unwrap_or(&no_lens);
    let upgrade = upgrade_body(family, previous, next, &lens_up);
    let mut lossy = lens_up.lossy;
    let downgrade = downgrade_body(family, previous, next, lensed, &lens_down, &mut lossy);
    (upgrade, downgrade, lossy)
}

/// The upgrade: each field of `next` from the lens, the same field of `previous`, a widening,
/// the field's `upgrade` function, or (added) what an older app kept, else its default.
fn upgrade_body(family: &FamilyDecl, previous: u32, next: u32, lens_up: &LensCode) -> TokenStream {
    let (prev_ident, next_ident) = (family.version_ident(previous), family.version_ident(next));
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
                    quote!(::docver::__private::take_unknown(&mut unknown, #key).unwrap_or_else(|| #default))
                }
            },
        };
        up_fields.push(quote!(#name: #value,));
    }
    quote! {
        let mut from = self;
        #(#up_prelude)*
        let mut unknown = ::core::mem::take(&mut from.unknown);
        #(#up_statements)*
        ::core::result::Result::Ok(#next_ident {
            #(#up_fields)*
            unknown,
        })
    }
}

/// Fields `next` adds (and no lens writes), kept among the older version's unknown fields on
/// the way down, so that the next upgrade restores them.
fn stashes(family: &FamilyDecl, previous: u32, next: u32, lensed: &Lensed) -> Vec<TokenStream> {
    let mut stashes = Vec::new();
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
                quote!(::docver::__private::stash(&mut unknown, #key, &from.#name, #default);),
            );
        }
    }
    stashes
}

/// The downgrade: each field of `previous` from the lens, the same field of `next`, a
/// narrowing, the field's `downgrade` function, or (removed) what an earlier downgrade kept,
/// else its default; `lossy` gets the paths a downgrade cannot keep.
fn downgrade_body(
    family: &FamilyDecl,
    previous: u32,
    next: u32,
    lensed: &Lensed,
    lens_down: &LensCode,
    lossy: &mut Vec<String>,
) -> TokenStream {
    let next_ident = family.version_ident(next);
    let prev_ident = family.version_ident(previous);
    let mut down_prelude = Vec::new();
    let stashes = stashes(family, previous, next, lensed);
    let mut down_fields = Vec::new();
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
                    quote!(::docver::__private::take_unknown(&mut unknown, #key).unwrap_or_else(|| #default))
                }
            },
        };
        down_fields.push(quote!(#name: #value,));
    }
    let down_statements = &lens_down.statements;
    quote! {
        let mut from = self;
        #(#down_prelude)*
        let mut unknown = ::core::mem::take(&mut from.unknown);
        #(#stashes)*
        #(#down_statements)*
        ::core::result::Result::Ok(#prev_ident {
            #(#down_fields)*
            unknown,
        })
    }
}
