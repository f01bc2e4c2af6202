//! `pub mod old { … }` and `pub mod new { … }`: one version's types (structs, enums, existing
//! types it maps to, the root alias) and the default functions of its fields.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::doc::{doc_attrs, pointer_or_root};
use crate::adapters::names::ident;
use crate::adapters::types::{EnumDef, ExternDef, FieldDef, Module, StructDef, Ty};

/// The module `mod_name` with `module`'s types, documented by `doc`.
pub(super) fn emit_module(module: &Module, mod_name: &str, doc: &str) -> TokenStream {
    let mut items = Vec::new();
    for def in &module.structs {
        items.extend(emit_struct(module, def));
    }
    items.extend(module.enums.iter().map(emit_enum));
    items.extend(module.externs.iter().map(emit_extern));
    if !matches!(module.root, Ty::Struct(_) | Ty::Enum(_) | Ty::Extern(_)) {
        items.push(emit_root_alias(module));
    }
    let mod_doc = doc_attrs(&[doc.to_owned()]);
    let mod_name = Ident::new(mod_name, Span::call_site());
    quote! {
        #mod_doc
        pub mod #mod_name {
            #(#items)*
        }
    }
}

/// The struct, then the default functions of its fields.
fn emit_struct(module: &Module, def: &StructDef) -> Vec<TokenStream> {
    let mut lines = Vec::new();
    if let Some(d) = &def.description {
        lines.push(d.clone());
        lines.push(String::new());
    }
    lines.push(format!("Schema: `{}`.", pointer_or_root(&def.pointer)));
    if def.closed {
        lines.push(String::new());
        lines.push(
            "The schema closes this object (`additionalProperties: false`): `unknown` stays \
             empty for valid documents."
                .to_owned(),
        );
    }
    let doc = doc_attrs(&lines);
    let sname = ident(&def.name);
    let mut fields = Vec::new();
    let mut defaults = Vec::new();
    for f in &def.fields {
        let (field, default_fn) = emit_field(module, def, f);
        fields.push(field);
        defaults.extend(default_fn);
    }
    let mut items = vec![quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        pub struct #sname {
            #(#fields)*
            /// Properties this version does not name: kept, so that they survive a round trip.
            #[serde(flatten)]
            pub unknown: serde_json::Map<String, serde_json::Value>,
        }
    }];
    items.extend(defaults);
    items
}

/// A struct field, and its default function if it has a default.
fn emit_field(
    module: &Module,
    def: &StructDef,
    f: &FieldDef,
) -> (TokenStream, Option<TokenStream>) {
    let mut lines = Vec::new();
    if let Some(d) = &f.description {
        lines.push(d.clone());
        lines.push(String::new());
    }
    lines.push(format!(
        "Schema: `{}`{}.",
        f.pointer,
        if f.required { " (required)" } else { "" }
    ));
    for note in &f.notes {
        lines.push(String::new());
        lines.push(format!("`serde_json::Value` here: {note}."));
    }
    let doc = doc_attrs(&lines);
    let fid = ident(&f.ident);
    let ty = module.tokens(&f.ty, None);
    let json = &f.json;
    let rename = (f.ident != *json).then(|| quote!(#[serde(rename = #json)]));
    let mut default_fn = None;
    let default = match (&f.default, &f.ty, f.required) {
        (Some(d), _, _) => {
            let dfn = &d.name;
            let dfn_ident = format_ident!("{}", d.name);
            let value = module
                .literal(&d.value, &f.ty, None)
                .unwrap_or_else(|| quote!(compile_error!("docver: default")));
            let ddoc = doc_attrs(&[format!(
                "The default of `{}.{}`: `{}` (`{}`).",
                def.name, f.json, d.value, f.pointer
            )]);
            default_fn = Some(quote! {
                #ddoc
                pub fn #dfn_ident() -> #ty {
                    #value
                }
            });
            Some(quote!(#[serde(default = #dfn)]))
        }
        (None, Ty::Option(_), false) => {
            Some(quote!(#[serde(default, skip_serializing_if = "Option::is_none")]))
        }
        _ => None,
    };
    let field = quote! {
        #doc
        #rename
        #default
        pub #fid: #ty,
    };
    (field, default_fn)
}

fn emit_enum(def: &EnumDef) -> TokenStream {
    let mut lines = Vec::new();
    if let Some(d) = &def.description {
        lines.push(d.clone());
        lines.push(String::new());
    }
    lines.push(format!("Schema: `{}`.", pointer_or_root(&def.pointer)));
    let doc = doc_attrs(&lines);
    let ename = ident(&def.name);
    let variants = def.variants.iter().map(|(v, value)| {
        let v = ident(v);
        quote! {
            #[serde(rename = #value)]
            #v
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        pub enum #ename {
            #(#variants,)*
        }
    }
}

/// An existing type the schema maps to: re-exported or aliased under its schema name.
fn emit_extern(def: &ExternDef) -> TokenStream {
    let doc = doc_attrs(&[format!(
        "Schema: `{}`. The existing type `{}` ({}): not generated here.",
        pointer_or_root(&def.pointer),
        def.path,
        def.source
    )]);
    let name = ident(&def.name);
    // A plain path is re-exported (`pub use crate::Progress;`); anything else, such as a
    // generic type, is an alias.
    let item = match syn::parse_str::<syn::Type>(&def.path) {
        Ok(syn::Type::Path(p)) if p.qself.is_none() && plain_path(&p.path) => {
            let path = &p.path;
            let last = p.path.segments.last().map(|s| s.ident.to_string());
            if last.as_deref() == Some(name.to_string().as_str()) {
                quote!(pub use #path;)
            } else {
                quote!(pub use #path as #name;)
            }
        }
        _ => {
            let ty = def.ty();
            quote!(pub type #name = #ty;)
        }
    };
    quote! {
        #doc
        #item
    }
}

/// `pub type Root = …;` for a document that is not a struct, enum or mapped type.
fn emit_root_alias(module: &Module) -> TokenStream {
    let mut lines = Vec::new();
    if let Some(d) = &module.root_description {
        lines.push(d.clone());
        lines.push(String::new());
    }
    lines.push("The document.".to_owned());
    for note in &module.root_notes {
        lines.push(String::new());
        lines.push(format!("`serde_json::Value` here: {note}."));
    }
    let doc = doc_attrs(&lines);
    let name = ident(&module.root_name);
    let ty = module.tokens(&module.root, None);
    quote! {
        #doc
        pub type #name = #ty;
    }
}

/// A path `use` can import: no generic arguments, at least two segments.
fn plain_path(path: &syn::Path) -> bool {
    path.segments.len() > 1
        && path
            .segments
            .iter()
            .all(|s| matches!(s.arguments, syn::PathArguments::None))
}
