//! Rust types for one schema version: structs for objects, enums for string enums, and plain
//! Rust types for everything else.

use std::collections::{BTreeMap, BTreeSet};

use docver_check::Schema;
use docver_check::model::{Additional, JsonType, NodeId};
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use super::names::{self, Namespace};

/// The Rust shape of a value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ty {
    Bool,
    I64,
    F64,
    String,
    /// `serde_json::Value`: a shape the generator does not map (the reason is in the field's
    /// notes).
    Value,
    Vec(Box<Ty>),
    /// `BTreeMap<String, T>`: an object with no named properties.
    Map(Box<Ty>),
    Option(Box<Ty>),
    Struct(usize),
    Enum(usize),
    /// An existing Rust type the generated module refers to instead of defining one (a type
    /// map entry or `x-rust-type`).
    Extern(usize),
}

impl Ty {
    pub(crate) fn option(self) -> Ty {
        match self {
            Ty::Option(_) => self,
            other => Ty::Option(Box::new(other)),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct StructDef {
    pub name: String,
    pub pointer: String,
    pub description: Option<String>,
    pub fields: Vec<FieldDef>,
    pub closed: bool,
}

impl StructDef {
    pub(crate) fn field(&self, json: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.json == json)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct FieldDef {
    pub json: String,
    pub ident: String,
    pub ty: Ty,
    pub pointer: String,
    pub required: bool,
    /// A non-required property with a `default`: the plain type and a generated default fn.
    pub default: Option<DefaultFn>,
    /// The value of a `const` (the only valid value).
    pub constant: Option<Value>,
    pub description: Option<String>,
    /// Why the type is what it is, when that is not obvious (e.g. why `serde_json::Value`).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct DefaultFn {
    pub name: String,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub(crate) struct EnumDef {
    pub name: String,
    pub pointer: String,
    pub description: Option<String>,
    /// `(variant ident, JSON value)`.
    pub variants: Vec<(String, String)>,
}

impl EnumDef {
    pub(crate) fn variant(&self, value: &str) -> Option<&str> {
        self.variants
            .iter()
            .find(|(_, v)| v == value)
            .map(|(ident, _)| ident.as_str())
    }
}

/// A schema type mapped to an existing Rust type: the module refers to it by `name`
/// (`pub use path as name;`) and does not define it.
#[derive(Debug, Clone)]
pub(crate) struct ExternDef {
    pub name: String,
    /// The Rust type as given (`crate::model::Progress`).
    pub path: String,
    /// `path` as normalized tokens: two externs with equal keys are the same Rust type.
    pub key: String,
    pub pointer: String,
    /// How the mapping was asked for (`the type map entry `Progress``, `` `x-rust-type` ``).
    pub source: String,
}

impl ExternDef {
    /// The type's tokens (`path` was checked to parse when the def was made).
    pub(crate) fn ty(&self) -> TokenStream {
        syn::parse_str::<syn::Type>(&self.path)
            .map(|t| quote!(#t))
            .unwrap_or_else(|_| quote!(compile_error!("docver: mapped type")))
    }
}

/// Where schema types map to existing Rust types: `type_map` (keyed by `$defs` key, title or
/// generated type name) and `x-rust-type` in the raw schema JSON.
pub(crate) struct Mapping<'a> {
    pub type_map: &'a BTreeMap<String, String>,
    pub raw: &'a Value,
}

/// All types of one schema version.
#[derive(Debug)]
pub(crate) struct Module {
    pub structs: Vec<StructDef>,
    pub enums: Vec<EnumDef>,
    pub externs: Vec<ExternDef>,
    pub root: Ty,
    /// The name of the root type: the struct's name, or a type alias for anything else.
    pub root_name: String,
    pub root_notes: Vec<String>,
    pub root_description: Option<String>,
}

impl Module {
    /// The types of `schema`; an error names a mapping whose Rust type does not parse.
    pub(crate) fn build(schema: &Schema, mapping: &Mapping<'_>) -> Result<Module, String> {
        let mut b = TypeBuilder {
            schema,
            mapping,
            error: None,
            externs: Vec::new(),
            extern_by_key: BTreeMap::new(),
            structs: Vec::new(),
            enums: Vec::new(),
            types: Namespace::types(),
            fns: Namespace::default(),
            by_node: BTreeMap::new(),
            in_progress: BTreeSet::new(),
        };
        let root_node = schema.resolve(schema.root());
        let mut root_notes = Vec::new();
        let root = b.ty_of(schema.root(), &[], false, &mut root_notes);
        if let Some(error) = b.error {
            return Err(error);
        }
        let root_name = match &root {
            Ty::Struct(i) => b.structs[*i].name.clone(),
            Ty::Enum(i) => b.enums[*i].name.clone(),
            Ty::Extern(i) => b.externs[*i].name.clone(),
            _ => {
                let base = root_node
                    .origin
                    .title
                    .as_deref()
                    .filter(|t| names::is_name_like(t))
                    .map_or_else(|| "Document".to_owned(), names::pascal);
                b.types.claim(&base)
            }
        };
        Ok(Module {
            structs: b.structs,
            enums: b.enums,
            externs: b.externs,
            root,
            root_name,
            root_notes,
            root_description: root_node.origin.description.clone(),
        })
    }

    /// The type as written inside the module (`prefix` = None) or outside (`old::Todo`).
    pub(crate) fn tokens(&self, ty: &Ty, prefix: Option<&proc_macro2::Ident>) -> TokenStream {
        let p = prefix.map(|p| quote!(#p::));
        match ty {
            Ty::Bool => quote!(bool),
            Ty::I64 => quote!(i64),
            Ty::F64 => quote!(f64),
            Ty::String => quote!(String),
            Ty::Value => quote!(serde_json::Value),
            Ty::Vec(t) => {
                let t = self.tokens(t, prefix);
                quote!(Vec<#t>)
            }
            Ty::Map(t) => {
                let t = self.tokens(t, prefix);
                quote!(std::collections::BTreeMap<String, #t>)
            }
            Ty::Option(t) => {
                let t = self.tokens(t, prefix);
                quote!(Option<#t>)
            }
            Ty::Struct(i) => {
                let name = names::ident(&self.structs[*i].name);
                quote!(#p #name)
            }
            Ty::Enum(i) => {
                let name = names::ident(&self.enums[*i].name);
                quote!(#p #name)
            }
            Ty::Extern(i) => {
                let name = names::ident(&self.externs[*i].name);
                quote!(#p #name)
            }
        }
    }

    /// The root type as written outside the module.
    pub(crate) fn root_tokens(&self, prefix: &proc_macro2::Ident) -> TokenStream {
        let name = names::ident(&self.root_name);
        quote!(#prefix::#name)
    }

    /// A Rust expression for `value` of type `ty`, as written with `prefix` (None inside the
    /// module); `None` when the value does not fit the type or is not a simple literal.
    pub(crate) fn literal(
        &self,
        value: &Value,
        ty: &Ty,
        prefix: Option<&proc_macro2::Ident>,
    ) -> Option<TokenStream> {
        let p = prefix.map(|p| quote!(#p::));
        Some(match (ty, value) {
            (Ty::Bool, Value::Bool(b)) => quote!(#b),
            (Ty::I64, Value::Number(n)) => {
                let n = Literal::i64_unsuffixed(n.as_i64()?);
                quote!(#n)
            }
            (Ty::F64, Value::Number(n)) => {
                let f = n.as_f64()?;
                if !f.is_finite() {
                    return None;
                }
                let n = Literal::f64_unsuffixed(f);
                quote!(#n)
            }
            (Ty::String, Value::String(s)) => quote!(String::from(#s)),
            (Ty::Enum(i), Value::String(s)) => {
                let def = &self.enums[*i];
                let name = names::ident(&def.name);
                let variant = names::ident(def.variant(s)?);
                quote!(#p #name::#variant)
            }
            (Ty::Vec(_), Value::Array(a)) if a.is_empty() => quote!(Vec::new()),
            (Ty::Map(_), Value::Object(o)) if o.is_empty() => {
                quote!(std::collections::BTreeMap::new())
            }
            (Ty::Option(_), Value::Null) => quote!(None),
            (Ty::Option(t), v) => {
                let inner = self.literal(v, t, prefix)?;
                quote!(Some(#inner))
            }
            _ => return None,
        })
    }
}

struct TypeBuilder<'a> {
    schema: &'a Schema,
    mapping: &'a Mapping<'a>,
    /// The first mapping whose Rust type does not parse.
    error: Option<String>,
    externs: Vec<ExternDef>,
    /// Externs by normalized Rust type: one alias per Rust type.
    extern_by_key: BTreeMap<String, usize>,
    structs: Vec<StructDef>,
    enums: Vec<EnumDef>,
    types: Namespace,
    fns: Namespace,
    by_node: BTreeMap<NodeId, Ty>,
    in_progress: BTreeSet<usize>,
}

impl<'a> TypeBuilder<'a> {
    /// The `$defs` key of the node at `id` (resolved), when it is a definition.
    fn def_key(&self, id: NodeId) -> Option<String> {
        let r = self.schema.resolve(id);
        let segments: Vec<&str> = r.node.pointer.split('/').collect();
        match segments.as_slice() {
            [.., parent, key] if *parent == "$defs" || *parent == "definitions" => {
                Some(docver::pointer::unescape(key).into_owned())
            }
            _ => None,
        }
    }

    /// The node's name-like title, if any.
    fn title(&self, id: NodeId) -> Option<&'a str> {
        let r = self.schema.resolve(id);
        r.node
            .title
            .as_deref()
            .or(r.origin.title.as_deref())
            .filter(|t| names::is_name_like(t))
    }

    /// The name a type for the node at `id` gets before deduplication: its title when that
    /// reads as a name, else its `$defs` key, else the property path.
    fn base_name(&self, id: NodeId, path: &[String], fallback: &str) -> String {
        match (self.title(id), self.def_key(id)) {
            (Some(t), _) => names::pascal(t),
            (None, Some(k)) => names::pascal(&k),
            (None, None) if path.is_empty() => fallback.to_owned(),
            (None, None) => names::pascal(&path.join(" ")),
        }
    }

    /// A type name for the node at `id` (see [`Self::base_name`]), deduplicated.
    fn name_for(&mut self, id: NodeId, path: &[String], fallback: &str) -> String {
        let base = self.base_name(id, path, fallback);
        self.types.claim(&base)
    }

    /// The existing Rust type the node at `id` maps to, with how the mapping was asked for:
    /// `x-rust-type` on the node (or on the `$ref` to it), else a type map entry for its
    /// `$defs` key, its title, or (for a node that would be a generated struct or enum) its
    /// generated name.
    fn mapped(&self, id: NodeId, path: &[String]) -> Option<(String, String)> {
        let r = self.schema.resolve(id);
        for node in [r.origin, r.node] {
            if let Some(Value::String(ty)) = self
                .mapping
                .raw
                .pointer(&node.pointer)
                .and_then(|v| v.get("x-rust-type"))
            {
                return Some((ty.clone(), "`x-rust-type`".to_owned()));
            }
        }
        let map = self.mapping.type_map;
        if map.is_empty() {
            return None;
        }
        let entry = |key: &str| {
            map.get(key)
                .map(|ty| (ty.clone(), format!("the type map entry `{key}`")))
        };
        if let Some(found) = self.def_key(id).and_then(|k| entry(&k)) {
            return Some(found);
        }
        if let Some(found) = self.title(id).and_then(entry) {
            return Some(found);
        }
        let node = r.node;
        let named = if node.rejects_all || node.variants.is_some() {
            None
        } else if let Some(values) = &node.values {
            let strings: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            (!node.is_const && !strings.is_empty() && strings.iter().all(|v| v.is_string()))
                .then_some("Value")
        } else {
            node.types
                .filter(|t| {
                    t.without(JsonType::Null).iter().collect::<Vec<_>>() == [JsonType::Object]
                })
                .filter(|_| !node.object.properties.is_empty())
                .map(|_| "Root")
        };
        named.and_then(|fallback| entry(&self.base_name(id, path, fallback)))
    }

    /// The extern type for a mapped node; one per Rust type however many nodes map to it.
    fn extern_of(&mut self, id: NodeId, path: &[String], ty: &str, source: String) -> Ty {
        let r = self.schema.resolve(id);
        let key = match super::rust_type::parse_mapped_type(ty) {
            Ok(parsed) => quote!(#parsed).to_string(),
            Err(e) => {
                let at = if r.origin.pointer.is_empty() {
                    "the root".to_owned()
                } else {
                    format!("`{}`", r.origin.pointer)
                };
                self.error.get_or_insert(format!(
                    "{source} maps {at} to `{ty}`, which is not a Rust type: {e}"
                ));
                return Ty::Value;
            }
        };
        if let Some(&i) = self.extern_by_key.get(&key) {
            return Ty::Extern(i);
        }
        let name = self.name_for(id, path, "Document");
        self.externs.push(ExternDef {
            name,
            path: ty.trim().to_owned(),
            key: key.clone(),
            pointer: r.node.pointer.clone(),
            source,
        });
        let index = self.externs.len() - 1;
        self.extern_by_key.insert(key, index);
        Ty::Extern(index)
    }

    fn ty_of(&mut self, id: NodeId, path: &[String], heap: bool, notes: &mut Vec<String>) -> Ty {
        let r = self.schema.resolve(id);
        let node = r.node;
        let mut nullable = r.admits_null;
        if let Some((ty, source)) = self.mapped(id, path) {
            let ty = self.extern_of(id, path, &ty, source);
            nullable |= node.types.is_some_and(|t| t.contains(JsonType::Null))
                || node
                    .values
                    .as_ref()
                    .is_some_and(|v| v.contains(&Value::Null));
            return if nullable { ty.option() } else { ty };
        }
        if node.rejects_all {
            notes.push("the schema admits no value (`false`)".to_owned());
            return Ty::Value;
        }
        if node.variants.is_some() {
            notes.push(
                "the schema is a union (`oneOf`/`anyOf`); unions are not mapped to Rust types"
                    .to_owned(),
            );
            return Ty::Value;
        }
        let base = if let Some(values) = &node.values {
            nullable |= values.contains(&Value::Null);
            let non_null: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            if non_null.is_empty() {
                notes.push("the only value allowed is `null`".to_owned());
                return Ty::Value;
            } else if non_null.iter().all(|v| v.is_string()) {
                if node.is_const {
                    Ty::String
                } else {
                    self.enum_of(r.id, path, &non_null)
                }
            } else if non_null.iter().all(|v| v.is_i64()) {
                Ty::I64
            } else if non_null.iter().all(|v| v.is_number()) {
                Ty::F64
            } else if non_null.iter().all(|v| v.is_boolean()) {
                Ty::Bool
            } else {
                notes.push("the allowed values have different types".to_owned());
                return Ty::Value;
            }
        } else {
            let Some(types) = node.types else {
                notes.push("the schema does not restrict the type".to_owned());
                return Ty::Value;
            };
            nullable |= types.contains(JsonType::Null);
            let types: Vec<JsonType> = types.without(JsonType::Null).iter().collect();
            match types.as_slice() {
                [] => {
                    notes.push("the only value allowed is `null`".to_owned());
                    return Ty::Value;
                }
                [JsonType::Boolean] => Ty::Bool,
                [JsonType::Integer] => Ty::I64,
                [JsonType::Number] | [JsonType::Integer, JsonType::Number] => Ty::F64,
                [JsonType::String] => Ty::String,
                [JsonType::Array] => match node.array.items {
                    Some(items) => {
                        let mut p = path.to_vec();
                        p.push("item".to_owned());
                        Ty::Vec(Box::new(self.ty_of(items, &p, true, notes)))
                    }
                    None => {
                        notes.push("the array's items are not constrained".to_owned());
                        Ty::Vec(Box::new(Ty::Value))
                    }
                },
                [JsonType::Object] => self.object_of(r.id, path, heap, notes),
                more => {
                    let names: Vec<&str> = more.iter().map(|t| t.name()).collect();
                    notes.push(format!(
                        "the value may have more than one type ({})",
                        names.join(", ")
                    ));
                    return Ty::Value;
                }
            }
        };
        if nullable { base.option() } else { base }
    }

    fn enum_of(&mut self, id: NodeId, path: &[String], values: &[&Value]) -> Ty {
        if let Some(ty) = self.by_node.get(&id) {
            return ty.clone();
        }
        let name = self.name_for(id, path, "Value");
        let mut variants = Namespace::types();
        let node = self.schema.node(id);
        let def = EnumDef {
            name,
            pointer: node.pointer.clone(),
            description: node.description.clone(),
            variants: values
                .iter()
                .filter_map(|v| v.as_str())
                .map(|v| (variants.claim(&names::pascal(v)), v.to_owned()))
                .collect(),
        };
        self.enums.push(def);
        let ty = Ty::Enum(self.enums.len() - 1);
        self.by_node.insert(id, ty.clone());
        ty
    }

    fn object_of(
        &mut self,
        id: NodeId,
        path: &[String],
        heap: bool,
        notes: &mut Vec<String>,
    ) -> Ty {
        let node = self.schema.node(id);
        if node.object.properties.is_empty() {
            return match node.object.additional {
                Additional::Schema(values) => {
                    let mut p = path.to_vec();
                    p.push("value".to_owned());
                    Ty::Map(Box::new(self.ty_of(values, &p, true, notes)))
                }
                _ => {
                    notes.push("the object names no properties".to_owned());
                    Ty::Map(Box::new(Ty::Value))
                }
            };
        }
        if let Some(ty) = self.by_node.get(&id) {
            if let Ty::Struct(i) = ty
                && self.in_progress.contains(i)
                && !heap
            {
                notes
                    .push("the type contains itself without an array or map in between".to_owned());
                return Ty::Value;
            }
            return ty.clone();
        }
        let name = self.name_for(id, path, "Root");
        let index = self.structs.len();
        let closed = node.object.additional == Additional::Closed;
        self.structs.push(StructDef {
            name: name.clone(),
            pointer: node.pointer.clone(),
            description: node.description.clone(),
            fields: Vec::new(),
            closed,
        });
        self.by_node.insert(id, Ty::Struct(index));
        self.in_progress.insert(index);
        // `unknown` is the map of properties the version does not name.
        let mut idents = Namespace::with_reserved(&["unknown"]);
        let mut fields = Vec::new();
        let properties: Vec<(String, NodeId)> = node
            .object
            .properties
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        for (json, pid) in properties {
            let mut field_notes = Vec::new();
            let mut p = path.to_vec();
            p.push(json.clone());
            let ty = self.ty_of(pid, &p, false, &mut field_notes);
            let r = self.schema.resolve(pid);
            let required = node.object.required.contains(&json);
            let ident = idents.claim(&names::snake(&json));
            let constant = match (&r.node.values, r.node.is_const) {
                (Some(values), true) if values.len() == 1 => Some(values[0].clone()),
                _ => None,
            };
            let default_value = r.origin.default.clone().or_else(|| r.node.default.clone());
            let mut default = None;
            let ty = if required || matches!(ty, Ty::Option(_)) {
                ty
            } else if let Some(value) = default_value
                && literal_fits(&value, &ty, &self.enums)
            {
                let fn_name = self.fns.claim(&format!(
                    "default_{}_{}",
                    names::snake(&name),
                    names::snake(&json)
                ));
                default = Some(DefaultFn {
                    name: fn_name,
                    value,
                });
                ty
            } else {
                ty.option()
            };
            fields.push(FieldDef {
                json,
                ident,
                ty,
                pointer: r.origin.pointer.clone(),
                required,
                default,
                constant,
                description: r
                    .origin
                    .description
                    .clone()
                    .or_else(|| r.node.description.clone()),
                notes: field_notes,
            });
        }
        self.in_progress.remove(&index);
        self.structs[index].fields = fields;
        Ty::Struct(index)
    }
}

/// Whether a default can be written as a Rust literal of `ty` (mirrors [`Module::literal`]).
fn literal_fits(value: &Value, ty: &Ty, enums: &[EnumDef]) -> bool {
    match (ty, value) {
        (Ty::Bool, Value::Bool(_)) | (Ty::String, Value::String(_)) => true,
        (Ty::I64, Value::Number(n)) => n.as_i64().is_some(),
        (Ty::F64, Value::Number(n)) => n.as_f64().is_some_and(f64::is_finite),
        (Ty::Enum(i), Value::String(s)) => enums[*i].variant(s).is_some(),
        (Ty::Vec(_), Value::Array(a)) => a.is_empty(),
        (Ty::Map(_), Value::Object(o)) => o.is_empty(),
        _ => false,
    }
}
