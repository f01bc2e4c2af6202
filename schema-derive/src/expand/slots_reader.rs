//! The slots reader (`Reader::Slots`): a version's fields read into generated slots by
//! `docver::__private::read_fields`, far less code than serde's derive.

use docver_attr::attr::DefaultValue;
use docver_attr::{FamilyDecl, Field};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::reader::may_hold_unknown;

/// The generated reader of a version whose fields fill slots (`Reader::Slots`): the slots, the
/// `Deserialize` impl and the `Versioned` impl, in one anonymous const.
pub(super) fn slots_reader(
    family: &FamilyDecl,
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
    // A field whose value may hold unknown fields keeps them (its overlay) in `__nested`,
    // which joins the unknown fields once the document is read.
    let fills = fields.iter().zip(&json).map(|(f, json)| {
        let name = &f.ident;
        if may_hold_unknown(&f.ty) {
            quote!(::docver::__private::fill_slot_keeping(&mut self.#name, &mut self.__nested, map, #json))
        } else {
            quote!(::docver::__private::fill_slot(&mut self.#name, map, #json))
        }
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
                __nested: ::docver::UnknownFields,
            }

            impl<'de> ::docver::__private::FieldSlots<'de> for __Slots {
                type Output = #ident;
                const STRUCT_NAME: &'static str = #struct_name;
                const NAMES: &'static [&'static str] = &[#(#keys),*];

                #[inline]
                fn empty() -> Self {
                    __Slots { #(#names: ::core::option::Option::None,)* __nested: ::docver::UnknownFields::new() }
                }

                #[inline]
                #[allow(unused_variables)]
                fn fill<A: ::docver::__private::serde::de::MapAccess<'de>>(&mut self, index: usize, map: &mut A) -> ::core::result::Result<(), A::Error> {
                    match index {
                        #(#patterns => #fills,)*
                        _ => ::core::result::Result::Ok(()),
                    }
                }

                #[inline]
                fn finish<E: ::docver::__private::serde::de::Error>(self, mut unknown: ::docver::UnknownFields) -> ::core::result::Result<#ident, E> {
                    unknown.extend(self.__nested);
                    ::core::result::Result::Ok(#ident { #(#names: #values,)* unknown })
                }
            }

            impl<'de> ::docver::__private::serde::Deserialize<'de> for #ident {
                #[inline]
                fn deserialize<D: ::docver::__private::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    let (value, seen) = ::docver::__private::read_fields::<__Slots, D>(deserializer, ::core::option::Option::Some(::docver::__private::tag_names::<Self>()))?;
                    ::docver::__private::refuse_other_tag::<Self, D::Error>(seen)?;
                    ::core::result::Result::Ok(value)
                }
            }

            #versioned_impl
        };
    }
}
