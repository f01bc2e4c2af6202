//! One struct per version, with its reader and its `Versioned` impl.

use docver_attr::FamilyDecl;
use docver_attr::Field;
use docver_attr::attr::DefaultValue;
use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;

use super::base_version;
use super::reader::{Reader, nested_names, reader};
use super::serde_reader::serde_fields_reader;
use super::slots_reader::slots_reader;

/// The `#[serde(default ...)]` a field's `#[docver(default)]` stands for.
pub(super) fn serde_default(field: &Field) -> TokenStream {
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

pub(super) fn version_struct(family: &FamilyDecl, version: u32) -> TokenStream {
    let ident = family.version_ident(version);
    let vis = &family.vis;
    let attrs = &family.attrs;
    let schema = &family.schema;
    let (schema_field, version_field) = (&family.schema_field, &family.version_field);
    let base = base_version(family);
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
            fn read_tagged<'de, D: ::docver::__private::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<(Self, ::docver::__private::TagSeen), D::Error> {
                ::docver::__private::read_fields::<__Slots, D>(deserializer, ::core::option::Option::Some(::docver::__private::tag_names::<Self>()))
            }
        },
        Reader::SerdeFields => quote! {
            #[inline]
            fn read_tagged<'de, D: ::docver::__private::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<(Self, ::docver::__private::TagSeen), D::Error> {
                let (fields, unknown, seen) = ::docver::__private::with_unknown_tagged::<__Fields, D>(deserializer, ::docver::__private::tag_names::<Self>())?;
                ::core::result::Result::Ok((__build(fields, unknown), seen))
            }
        },
        Reader::Flatten => quote! {
            #[inline]
            fn read_tagged<'de, D: ::docver::__private::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<(Self, ::docver::__private::TagSeen), D::Error> {
                __read(deserializer)
            }
        },
    };
    let nested = nested_names(family, &version_fields);
    let serialize_fields = serialize_fields(&ident, &nested);
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

            #serialize_fields

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
    let read = match reader {
        Reader::Slots => slots_reader(family, &ident, &version_fields, &versioned_impl),
        Reader::SerdeFields => {
            serde_fields_reader(family, &ident, &version_fields, &versioned_impl)
        }
        Reader::Flatten => {
            let deserialize = flatten_deserialize(&ident, &version_fields);
            quote!(#deserialize #versioned_impl)
        }
    };
    let write = write_double(
        family,
        &ident,
        &version_fields,
        &nested,
        reader == Reader::Flatten,
    );
    // serde's derives run on the private double (`write_double`); the version itself derives
    // only the schema, whose derive reads the same `#[serde(...)]` attributes.
    quote! {
        #[derive(::docver::__private::schemars::JsonSchema)]
        #(#attrs)*
        #[serde(crate = "::docver::__private::serde")]
        #[schemars(crate = "::docver::__private::schemars")]
        #vis struct #ident {
            #(#fields)*
            #unknown_field
        }

        const _: () = {
            #write

            impl ::docver::__private::serde::Serialize for #ident {
                /// The document as stored, its type and version tag first, so that a document
                /// serialized by any means says what it is.
                #[inline]
                fn serialize<S: ::docver::__private::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    ::docver::__private::serde::Serialize::serialize(&::docver::Tagged(self), serializer)
                }
            }

            #read
        };
    }
}

/// `__Write`: a private double of the version with serde's derives under `remote`, so that
/// serde's code for the user's attributes writes the version's fields (and, for
/// `Reader::Flatten`, reads them) while the version's own `Serialize` adds the tag around it.
fn write_double(
    family: &FamilyDecl,
    ident: &syn::Ident,
    fields: &[&Field],
    nested: &[String],
    deserialize: bool,
) -> TokenStream {
    let container_serde = serde_attrs(&family.attrs);
    // serde names the struct after the double unless told otherwise ("expected struct TodoV2").
    let rename = family.serde_rename().is_none().then(|| {
        let name = ident.to_string();
        quote!(#[serde(rename = #name)])
    });
    let remote = ident.to_string();
    let double_fields = fields.iter().map(|f| {
        let (name, ty) = (&f.ident, &f.ty);
        let attrs = serde_attrs(&f.attrs);
        let default = serde_default(f);
        quote! { #(#attrs)* #default #name: #ty, }
    });
    let deserialize = deserialize.then(|| quote!(::docver::__private::serde::Deserialize,));
    // Overlays of nested unknown fields are written inside their fields, never as entries.
    let write_unknown = (!nested.is_empty()).then(|| {
        quote! {
            fn __write_unknown<S: ::docver::__private::serde::Serializer>(unknown: &::docver::UnknownFields, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                ::docver::__private::write_unknown_outside(unknown, &[#(#nested),*], serializer)
            }
        }
    });
    let unknown_attr = write_unknown
        .is_some()
        .then(|| quote!(#[serde(serialize_with = "__write_unknown")]));
    quote! {
        #[derive(::docver::__private::serde::Serialize, #deserialize)]
        #(#container_serde)*
        #rename
        #[serde(crate = "::docver::__private::serde", remote = #remote)]
        #[allow(dead_code)]
        struct __Write {
            #(#double_fields)*
            #[serde(flatten)]
            #unknown_attr
            unknown: ::docver::UnknownFields,
        }

        #write_unknown
    }
}

/// `Versioned::serialize_fields`: the double's fields and unknown fields, with the overlays of
/// nested unknown fields laid over their fields when there are any.
fn serialize_fields(ident: &syn::Ident, nested: &[String]) -> TokenStream {
    let with_nested = (!nested.is_empty()).then(|| {
        quote! {
            if ::docver::__private::has_nested(&self.unknown, &[#(#nested),*]) {
                struct __Body<'a>(&'a #ident);
                impl ::docver::__private::serde::Serialize for __Body<'_> {
                    fn serialize<S: ::docver::__private::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                        __Write::serialize(self.0, serializer)
                    }
                }
                return ::docver::__private::write_with_nested(&__Body(self), &self.unknown, &[#(#nested),*], serializer);
            }
        }
    });
    quote! {
        #[inline]
        fn serialize_fields<S: ::docver::__private::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
            #with_nested
            __Write::serialize(self, serializer)
        }
    }
}

/// The attributes serde's derives read: `#[serde]`, `#[cfg]`, and `#[cfg_attr]` that may
/// hold a `#[serde]`.
pub(super) fn serde_attrs(attrs: &[syn::Attribute]) -> Vec<syn::Attribute> {
    let may_hold_serde = |a: &syn::Attribute| {
        a.path().is_ident("cfg_attr") && quote!(#a).to_string().contains("serde")
    };
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde") || a.path().is_ident("cfg") || may_hold_serde(a))
        .cloned()
        .collect()
}

/// `Deserialize` and `read_tagged` of a `Reader::Flatten` version, through the double: the
/// tag is read aside, and the keys a flattened field reads are taken out of the unknown fields
/// (serde hands every entry to every flattened field, the unknown fields included), so that
/// they are written once, by the field.
fn flatten_deserialize(ident: &syn::Ident, fields: &[&Field]) -> TokenStream {
    let flattened = fields
        .iter()
        .filter(|f| f.serde().flatten)
        .map(|f| &f.ident);
    quote! {
        #[inline]
        fn __read<'de, D: ::docver::__private::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<(#ident, ::docver::__private::TagSeen), D::Error> {
            let mut value = __Write::deserialize(deserializer)?;
            let seen = ::docver::__private::TagSeen::take_from(&mut value.unknown, ::docver::__private::tag_names::<#ident>());
            #(::docver::__private::forget_flattened(&mut value.unknown, &value.#flattened);)*
            ::core::result::Result::Ok((value, seen))
        }

        impl<'de> ::docver::__private::serde::Deserialize<'de> for #ident {
            #[inline]
            fn deserialize<D: ::docver::__private::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                let (value, seen) = __read(deserializer)?;
                ::docver::__private::refuse_other_tag::<Self, D::Error>(seen)?;
                ::core::result::Result::Ok(value)
            }
        }
    }
}
