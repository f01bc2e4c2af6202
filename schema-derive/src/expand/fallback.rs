//! What is still generated when the attribute has errors: the version structs, the latest
//! version's alias and the any-version enum, without readers or glue, so that the user's own
//! code naming `NoteV3` compiles and the build shows the attribute's errors alone.

use docver_attr::{Ctxt, FamilyDecl};
use proc_macro2::TokenStream;
use quote::quote;

use super::{any_ident, variant};

/// The declared types of a family whose attribute has errors (nothing if not even the versions
/// could be read).
pub fn declared_types(args: TokenStream, item: &syn::ItemStruct) -> TokenStream {
    // Parsed again with its errors discarded: they are already reported.
    let Some(family) = FamilyDecl::from_ast(&Ctxt::new(), args, item) else {
        return TokenStream::new();
    };
    if !item.generics.params.is_empty() {
        return TokenStream::new();
    }
    let mut versions = family.version_numbers();
    versions.sort_unstable();
    versions.dedup();
    let Some(&latest) = versions.last() else {
        return TokenStream::new();
    };
    let vis = &family.vis;
    let attrs = &family.attrs;
    let structs = versions.iter().map(|v| {
        let ident = family.version_ident(*v);
        // A name declared twice for one version is an error already; its first declaration
        // stands.
        let mut names = Vec::new();
        let fields = family.fields_in(*v).into_iter().filter(|f| {
            let fresh = !names.contains(&f.ident);
            names.push(f.ident.clone());
            fresh
        });
        let fields = fields.map(|f| {
            let (attrs, vis, name, ty) = (&f.attrs, &f.vis, &f.ident, &f.ty);
            quote! { #(#attrs)* #vis #name: #ty, }
        });
        quote! {
            #[derive(::docver::__private::schemars::JsonSchema)]
            #(#attrs)*
            #[serde(crate = "::docver::__private::serde")]
            #[schemars(crate = "::docver::__private::schemars")]
            #vis struct #ident {
                #(#fields)*
                #[serde(flatten)]
                #[schemars(skip)]
                pub unknown: ::docver::UnknownFields,
            }
        }
    });
    let (ident, any) = (&family.ident, any_ident(&family));
    let latest_ident = family.version_ident(latest);
    let variants = versions.iter().map(|v| {
        let (var, ty) = (variant(*v), family.version_ident(*v));
        quote!(#var(#ty),)
    });
    quote! {
        #(#structs)*
        #vis type #ident = #latest_ident;
        #[allow(dead_code)]
        #vis enum #any {
            #(#variants)*
        }
    }
}
