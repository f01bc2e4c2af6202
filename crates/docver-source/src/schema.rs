//! Each version's JSON Schema derived from source, the way schemars and serde would: field
//! types map to their JSON shape, serde attributes rename, default, skip, flatten and tag, and
//! anything that cannot be resolved is a located warning (the value is then compared as "any
//! value", which never hides a change as compatible by guessing a shape).

use std::collections::{BTreeMap, BTreeSet};

use docver::Contract;
use docver_attr::Family;
use docver_attr::naming::{SerdeKey, serde_keys};
use proc_macro2::Span;
use serde_json::{Map, Value, json};
use syn::{Attribute, Fields, GenericArgument, Item, PathArguments, Type};

/// A derived schema, with where each top-level property is declared and what could not be
/// resolved.
#[derive(Debug, Clone)]
pub struct Derived {
    pub schema: Value,
    /// Top-level property name → the field's name in the source.
    pub fields: BTreeMap<String, Span>,
    pub warnings: Vec<(Span, String)>,
}

/// The serde attributes this module honours, read from `#[serde(...)]`.
#[derive(Debug, Default, Clone)]
struct SerdeAttrs {
    rename: Option<String>,
    rename_all: Option<String>,
    default: bool,
    skip: bool,
    skip_serializing: bool,
    skip_deserializing: bool,
    skip_serializing_if: bool,
    flatten: bool,
    aliases: Vec<String>,
    with: bool,
    deny_unknown_fields: bool,
    transparent: bool,
    tag: Option<String>,
    content: Option<String>,
    untagged: bool,
}

fn serde_attrs(attrs: &[Attribute]) -> SerdeAttrs {
    let mut out = SerdeAttrs::default();
    for SerdeKey { key, value } in serde_keys(attrs).unwrap_or_default() {
        let string = || value.for_reading().map(str::to_owned);
        match key.as_str() {
            "rename" => out.rename = string(),
            "rename_all" => out.rename_all = string(),
            "default" => out.default = true,
            "skip" => out.skip = true,
            "skip_serializing" => out.skip_serializing = true,
            "skip_deserializing" => out.skip_deserializing = true,
            "skip_serializing_if" => out.skip_serializing_if = true,
            "flatten" => out.flatten = true,
            "alias" => out.aliases.extend(string()),
            "with" | "serialize_with" | "deserialize_with" => out.with = true,
            "deny_unknown_fields" => out.deny_unknown_fields = true,
            "transparent" => out.transparent = true,
            "tag" => out.tag = string(),
            "content" => out.content = string(),
            "untagged" => out.untagged = true,
            _ => {}
        }
    }
    out
}

pub use docver_attr::naming::rename;

struct Cx<'a> {
    items: &'a BTreeMap<String, Item>,
    defs: BTreeMap<String, Value>,
    in_progress: BTreeSet<String>,
    warnings: Vec<(Span, String)>,
    contract: Contract,
}

fn generic_args(segment: &syn::PathSegment) -> Vec<&Type> {
    match &segment.arguments {
        PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn nullable(schema: Value) -> Value {
    match schema.get("type").and_then(Value::as_str) {
        Some(t) if schema.as_object().is_some_and(|o| o.len() == 1) => {
            json!({ "type": [t, "null"] })
        }
        _ => json!({ "anyOf": [schema, { "type": "null" }] }),
    }
}

impl Cx<'_> {
    fn warn(&mut self, span: Span, message: String) {
        self.warnings.push((span, message));
    }

    fn type_schema(&mut self, ty: &Type) -> Value {
        use syn::spanned::Spanned;
        match ty {
            Type::Reference(r) => self.type_schema(&r.elem),
            Type::Paren(p) => self.type_schema(&p.elem),
            Type::Group(g) => self.type_schema(&g.elem),
            Type::Slice(s) => json!({ "type": "array", "items": self.type_schema(&s.elem) }),
            Type::Array(a) => json!({ "type": "array", "items": self.type_schema(&a.elem) }),
            Type::Tuple(t) if t.elems.is_empty() => json!({ "type": "null" }),
            Type::Path(p) if p.qself.is_none() => {
                let Some(segment) = p.path.segments.last() else {
                    return json!({});
                };
                let name = segment.ident.to_string();
                let args = generic_args(segment);
                let int = |format: &str, unsigned: bool| {
                    let mut s = json!({ "type": "integer", "format": format });
                    if unsigned {
                        s["minimum"] = json!(0);
                    }
                    s
                };
                match (name.as_str(), args.as_slice()) {
                    ("String" | "str" | "char", _) => json!({ "type": "string" }),
                    ("Cow", [.., inner]) => self.type_schema(inner),
                    ("bool", _) => json!({ "type": "boolean" }),
                    ("i8", _) => int("int8", false),
                    ("i16", _) => int("int16", false),
                    ("i32", _) => int("int32", false),
                    ("i64", _) => int("int64", false),
                    ("i128", _) => int("int128", false),
                    ("isize", _) => int("int", false),
                    ("u8", _) => int("uint8", true),
                    ("u16", _) => int("uint16", true),
                    ("u32", _) => int("uint32", true),
                    ("u64", _) => int("uint64", true),
                    ("u128", _) => int("uint128", true),
                    ("usize", _) => int("uint", true),
                    ("f32", _) => json!({ "type": "number", "format": "float" }),
                    ("f64", _) => json!({ "type": "number", "format": "double" }),
                    ("Option", [inner]) => {
                        let inner = self.type_schema(inner);
                        nullable(inner)
                    }
                    ("Box" | "Rc" | "Arc", [inner]) => self.type_schema(inner),
                    ("Vec" | "VecDeque" | "LinkedList", [inner]) => {
                        json!({ "type": "array", "items": self.type_schema(inner) })
                    }
                    ("HashSet" | "BTreeSet" | "IndexSet", [inner]) => {
                        json!({ "type": "array", "items": self.type_schema(inner), "uniqueItems": true })
                    }
                    ("HashMap" | "BTreeMap" | "IndexMap" | "Map", [_, value]) => {
                        json!({ "type": "object", "additionalProperties": self.type_schema(value) })
                    }
                    ("Value", []) => json!(true),
                    ("Map", []) => json!({ "type": "object" }),
                    _ => match self.items.get(&name).cloned() {
                        Some(item) => self.item_ref(&name, &item),
                        None => {
                            self.warn(ty.span(), format!("cannot resolve type `{name}` from source; it is compared as any value"));
                            json!({})
                        }
                    },
                }
            }
            other => {
                self.warn(
                    other.span(),
                    "this type cannot be read from source; it is compared as any value".into(),
                );
                json!({})
            }
        }
    }

    /// A struct or enum defined in the scanned files: a `$ref` to its definition (built once).
    fn item_ref(&mut self, name: &str, item: &Item) -> Value {
        if let Item::Type(alias) = item {
            return self.type_schema(&alias.ty);
        }
        let reference = json!({ "$ref": format!("#/$defs/{name}") });
        if self.defs.contains_key(name) || self.in_progress.contains(name) {
            return reference;
        }
        self.in_progress.insert(name.to_owned());
        let schema = match item {
            Item::Struct(s) => self.struct_schema(&s.attrs, &s.fields, None).0,
            Item::Enum(e) => self.enum_schema(e),
            _ => json!({}),
        };
        self.in_progress.remove(name);
        self.defs.insert(name.to_owned(), schema);
        reference
    }

    /// An object schema for named fields, and (for the top level) where each property is.
    fn struct_schema(
        &mut self,
        attrs: &[Attribute],
        fields: &Fields,
        only: Option<&dyn Fn(&syn::Field) -> bool>,
    ) -> (Value, BTreeMap<String, Span>) {
        use syn::spanned::Spanned;
        let container = serde_attrs(attrs);
        let mut spans = BTreeMap::new();
        let Fields::Named(named) = fields else {
            return match fields {
                Fields::Unnamed(u) if u.unnamed.len() == 1 => {
                    (self.type_schema(&u.unnamed[0].ty), spans)
                }
                _ => (json!({ "type": "array" }), spans),
            };
        };
        if container.transparent
            && let Some(field) = named.named.first()
        {
            return (self.type_schema(&field.ty), spans);
        }
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut object = Map::new();
        for field in &named.named {
            if only.is_some_and(|keep| !keep(field)) {
                continue;
            }
            let attrs = serde_attrs(&field.attrs);
            let ident = field
                .ident
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            let skipped = attrs.skip
                || (self.contract == Contract::Reader && attrs.skip_deserializing)
                || (self.contract == Contract::Writer && attrs.skip_serializing);
            if skipped {
                continue;
            }
            if attrs.flatten {
                let flattened = self.type_schema(&field.ty);
                let target = flattened
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.rsplit('/').next())
                    .and_then(|n| self.defs.get(n).cloned())
                    .unwrap_or(flattened);
                if let Some(Value::Object(props)) = target.get("properties") {
                    properties.extend(props.clone());
                }
                if let Some(Value::Array(req)) = target.get("required") {
                    required.extend(req.iter().filter_map(Value::as_str).map(str::to_owned));
                }
                continue;
            }
            let name = attrs
                .rename
                .clone()
                .or_else(|| {
                    container
                        .rename_all
                        .as_deref()
                        .map(|style| rename(&ident, style))
                })
                .unwrap_or(ident);
            if !attrs.aliases.is_empty() {
                self.warn(field.span(), format!("`alias` on `{name}`: readers also accept {:?}, which JSON Schema cannot say; compared under `{name}` only", attrs.aliases));
            }
            let schema = if attrs.with {
                self.warn(
                    field.ty.span(),
                    format!(
                        "`{name}` is (de)serialized `with` a custom function; compared as any value"
                    ),
                );
                json!({})
            } else {
                self.type_schema(&field.ty)
            };
            let is_option = matches!(&field.ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"));
            let has_docver_default = field.attrs.iter().any(|a| {
                a.path().is_ident("docver")
                    && a.parse_nested_meta(|m| {
                        if m.path.is_ident("default") {
                            return Err(m.error("found"));
                        }
                        if m.input.peek(syn::Token![=]) {
                            let _: syn::Expr = m.value()?.parse()?;
                        }
                        Ok(())
                    })
                    .is_err()
            });
            let optional = match self.contract {
                Contract::Reader => {
                    attrs.default || container.default || has_docver_default || is_option
                }
                Contract::Writer => attrs.skip_serializing_if,
            };
            if !optional {
                required.push(name.clone());
            }
            spans.insert(
                name.clone(),
                field
                    .ident
                    .as_ref()
                    .map_or_else(|| field.span(), |i| i.span()),
            );
            properties.insert(name, schema);
        }
        object.insert("type".into(), json!("object"));
        object.insert("properties".into(), Value::Object(properties));
        object.insert("required".into(), json!(required));
        if container.deny_unknown_fields {
            object.insert("additionalProperties".into(), json!(false));
        }
        (Value::Object(object), spans)
    }

    fn enum_schema(&mut self, item: &syn::ItemEnum) -> Value {
        let container = serde_attrs(&item.attrs);
        let variant_name = |v: &syn::Variant| {
            let attrs = serde_attrs(&v.attrs);
            attrs
                .rename
                .or_else(|| {
                    container
                        .rename_all
                        .as_deref()
                        .map(|style| rename(&v.ident.to_string(), style))
                })
                .unwrap_or_else(|| v.ident.to_string())
        };
        let variants: Vec<&syn::Variant> = item
            .variants
            .iter()
            .filter(|v| !serde_attrs(&v.attrs).skip)
            .collect();
        if variants.iter().all(|v| matches!(v.fields, Fields::Unit))
            && container.tag.is_none()
            && !container.untagged
        {
            let names: Vec<String> = variants.iter().map(|v| variant_name(v)).collect();
            return json!({ "type": "string", "enum": names });
        }
        let mut branches = Vec::new();
        for v in variants {
            let name = variant_name(v);
            let content = match &v.fields {
                Fields::Unit => None,
                fields => Some(self.struct_schema(&v.attrs, fields, None).0),
            };
            let branch = match (
                &container.tag,
                &container.content,
                container.untagged,
                content,
            ) {
                (_, _, true, Some(c)) => c,
                (_, _, true, None) => json!({ "type": "null" }),
                (Some(tag), Some(content_key), _, Some(c)) => {
                    json!({ "type": "object", "properties": { tag: { "type": "string", "const": name }, content_key: c }, "required": [tag, content_key] })
                }
                (Some(tag), _, _, None) => {
                    json!({ "type": "object", "properties": { tag: { "type": "string", "const": name } }, "required": [tag] })
                }
                (Some(tag), None, _, Some(mut c)) => {
                    if let Some(props) = c.get_mut("properties").and_then(Value::as_object_mut) {
                        props.shift_insert(
                            0,
                            tag.clone(),
                            json!({ "type": "string", "const": name }),
                        );
                    }
                    if let Some(req) = c.get_mut("required").and_then(Value::as_array_mut) {
                        req.insert(0, json!(tag));
                    }
                    c
                }
                (None, _, false, None) => json!({ "type": "string", "const": name }),
                (None, _, false, Some(c)) => {
                    json!({ "type": "object", "properties": { name.clone(): c }, "required": [name], "additionalProperties": false })
                }
            };
            branches.push(branch);
        }
        if container.untagged {
            json!({ "anyOf": branches })
        } else {
            json!({ "oneOf": branches })
        }
    }
}

/// The schema of `version` of `family`, as `docver::document::version_schema` exports it:
/// draft 2020-12, the tag fields as required constants, then the version's fields.
pub fn version_schema(
    family: &Family,
    version: u32,
    items: &BTreeMap<String, Item>,
    contract: Contract,
) -> Derived {
    let mut cx = Cx {
        items,
        defs: BTreeMap::new(),
        in_progress: BTreeSet::new(),
        warnings: Vec::new(),
        contract,
    };
    let fields: syn::FieldsNamed = {
        let declared: Vec<syn::Field> = family
            .fields_in(version)
            .into_iter()
            .map(|f| syn::Field {
                attrs: f
                    .attrs
                    .iter()
                    .cloned()
                    .chain(
                        // The derive adds `#[serde(default)]` for `#[docver(default)]`.
                        f.default().map(|_| syn::parse_quote!(#[serde(default)])),
                    )
                    .collect(),
                vis: f.vis.clone(),
                mutability: syn::FieldMutability::None,
                ident: Some(f.ident.clone()),
                colon_token: Some(Default::default()),
                ty: f.ty.clone(),
            })
            .collect();
        syn::parse_quote!({ #(#declared),* })
    };
    let (body, spans) = cx.struct_schema(&family.attrs, &Fields::Named(fields), None);
    let mut properties = Map::new();
    properties.insert(
        family.schema_field.clone(),
        json!({ "const": family.schema.value() }),
    );
    properties.insert(family.version_field.clone(), json!({ "const": version }));
    if let Some(Value::Object(rest)) = body.get("properties") {
        properties.extend(rest.clone());
    }
    let mut required = vec![json!(family.schema_field), json!(family.version_field)];
    if let Some(Value::Array(rest)) = body.get("required") {
        required.extend(rest.iter().cloned());
    }
    let mut schema = Map::new();
    schema.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    schema.insert("title".into(), json!(family.schema.value()));
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), Value::Object(properties));
    schema.insert("required".into(), Value::Array(required));
    if let Some(additional) = body.get("additionalProperties") {
        schema.insert("additionalProperties".into(), additional.clone());
    }
    if !cx.defs.is_empty() {
        schema.insert("$defs".into(), Value::Object(cx.defs.into_iter().collect()));
    }
    Derived {
        schema: Value::Object(schema),
        fields: spans,
        warnings: cx.warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rename_all_styles_follow_serde() {
        assert_eq!(rename("important_flag", "camelCase"), "importantFlag");
        assert_eq!(rename("important_flag", "PascalCase"), "ImportantFlag");
        assert_eq!(rename("important_flag", "kebab-case"), "important-flag");
        assert_eq!(
            rename("important_flag", "SCREAMING_SNAKE_CASE"),
            "IMPORTANT_FLAG"
        );
        assert_eq!(rename("InProgress", "snake_case"), "in_progress");
        assert_eq!(rename("InProgress", "lowercase"), "inprogress");
        assert_eq!(rename("InProgress", "SCREAMING-KEBAB-CASE"), "IN-PROGRESS");
    }
}
