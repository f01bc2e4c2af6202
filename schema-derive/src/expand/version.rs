//! One struct per version, with its reader and its `Versioned` impl.

use docver_attr::FamilyDecl;
use docver_attr::Field;
use docver_attr::attr::DefaultValue;
use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;

use super::base_version;
use super::reader::{Reader, reader};
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
