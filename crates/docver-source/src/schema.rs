//! Each version's JSON Schema derived from source, the way schemars and serde would: field
//! types map to their JSON shape, serde attributes rename, default, skip, flatten and tag, and
//! anything that cannot be resolved is a located warning (the value is then compared as "any
//! value", which never hides a change as compatible by guessing a shape).

use std::collections::{BTreeMap, BTreeSet};

use docver::Contract;
use docver_attr::FamilyDecl;
use docver_attr::serde_attr::{
    Direction, RenameRules, SerdeContainer, SerdeField, SerdeVariant, SerdeWarning,
};
use proc_macro2::Span;
use serde_json::{Map, Value, json};
use syn::{Fields, GenericArgument, Item, PathArguments, Type};

/// A derived schema, with where each top-level property is declared and what could not be
/// resolved.
#[derive(Debug, Clone)]
pub struct Derived {
    pub schema: Value,
    /// Top-level property name → the field's name in the source.
    pub fields: BTreeMap<String, Span>,
    pub warnings: Vec<(Span, String)>,
}

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

    /// What serde would reject in an attribute read (it is then read as if absent).
    fn warn_serde(&mut self, warnings: &[SerdeWarning]) {
        for w in warnings {
            self.warn(w.span, w.message.clone());
        }
    }

    /// The direction serde goes for the side of the contract this schema describes.
    fn direction(&self) -> Direction {
        match self.contract {
            Contract::Reader => Direction::Deserialize,
            Contract::Writer => Direction::Serialize,
        }
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
        let attrs = match item {
            Item::Struct(s) => s.attrs.as_slice(),
            Item::Enum(e) => e.attrs.as_slice(),
            _ => &[],
        };
        let container = SerdeContainer::from_attrs(attrs);
        self.warn_serde(&container.written.warnings);
        let schema = match (self.conversion_schema(&container), item) {
            (Some(schema), _) => schema,
            (None, Item::Struct(s)) => {
                self.struct_schema(&container, &container.rename_all, &s.fields, None)
                    .0
            }
            (None, Item::Enum(e)) => self.enum_schema(&container, e),
            (None, _) => json!({}),
        };
        self.in_progress.remove(name);
        self.defs.insert(name.to_owned(), schema);
        reference
    }

    /// The shape of the type an item converts through going this schema's direction
    /// (`#[serde(from = "T")]` or `try_from` for readers, `into` for writers), if it does.
    fn conversion_schema(&mut self, container: &SerdeContainer) -> Option<Value> {
        let through = container.conversion.get(self.direction()).as_ref()?;
        Some(match syn::parse_str::<Type>(through) {
            Ok(ty) => self.type_schema(&ty),
            Err(_) => {
                let key = container
                    .written
                    .keys
                    .iter()
                    .find(|k| ["from", "try_from", "into"].contains(&k.name.as_str()));
                self.warn(
                    key.map_or_else(Span::call_site, |k| k.span),
                    format!("`{through}` is not a type; the value is compared as any value"),
                );
                json!({})
            }
        })
    }

    /// An object schema for named fields (named by `rules` unless renamed), and (for the top
    /// level) where each property is.
    fn struct_schema(
        &mut self,
        container: &SerdeContainer,
        rules: &RenameRules,
        fields: &Fields,
        only: Option<&dyn Fn(&syn::Field) -> bool>,
    ) -> (Value, BTreeMap<String, Span>) {
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
            let serde = SerdeField::from_attrs(&field.attrs);
            self.warn_serde(&serde.written.warnings);
            if *serde.skip.get(self.direction()) {
                continue;
            }
            if serde.flatten {
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
            let property = self.property(container, rules, field, &serde);
            if !property.optional {
                required.push(property.name.clone());
            }
            spans.insert(property.name.clone(), property.span);
            properties.insert(property.name, property.schema);
        }
        object.insert("type".into(), json!("object"));
        object.insert("properties".into(), Value::Object(properties));
        object.insert("required".into(), json!(required));
        if container.deny_unknown_fields {
            object.insert("additionalProperties".into(), json!(false));
        }
        (Value::Object(object), spans)
    }

    /// One (not skipped, not flattened) field as a property.
    fn property(
        &mut self,
        container: &SerdeContainer,
        rules: &RenameRules,
        field: &syn::Field,
        serde: &SerdeField,
    ) -> Property {
        use syn::spanned::Spanned;
        let ident = field
            .ident
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let name = serde.name(&ident, rules, self.direction());
        if !serde.aliases.is_empty() {
            self.warn(field.span(), format!("`alias` on `{name}`: readers also accept {:?}, which JSON Schema cannot say; compared under `{name}` only", serde.aliases));
        }
        let schema = if *serde.with.get(self.direction()) {
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
        let optional = match self.contract {
            Contract::Reader => serde.default.is_some() || container.default.is_some() || is_option,
            Contract::Writer => serde.skip_serializing_if.is_some(),
        };
        Property {
            span: field
                .ident
                .as_ref()
                .map_or_else(|| field.span(), |i| i.span()),
            name,
            schema,
            optional,
        }
    }

    fn enum_schema(&mut self, container: &SerdeContainer, item: &syn::ItemEnum) -> Value {
        let direction = self.direction();
        let mut variants = Vec::new();
        for v in &item.variants {
            let serde = SerdeVariant::from_attrs(&v.attrs);
            self.warn_serde(&serde.written.warnings);
            if !*serde.skip.get(direction) {
                variants.push((v, serde));
            }
        }
        let untagged = |variant: &SerdeVariant| container.untagged || variant.untagged;
        if variants
            .iter()
            .all(|(v, serde)| matches!(v.fields, Fields::Unit) && !untagged(serde))
            && container.tag.is_none()
        {
            let names: Vec<String> = variants
                .iter()
                .map(|(v, serde)| {
                    serde.name(&v.ident.to_string(), &container.rename_all, direction)
                })
                .collect();
            return json!({ "type": "string", "enum": names });
        }
        let mut branches = Vec::new();
        for (v, serde) in &variants {
            let name = serde.name(&v.ident.to_string(), &container.rename_all, direction);
            let content = match &v.fields {
                Fields::Unit => None,
                fields => {
                    let rules = serde.field_rules(container);
                    let plain = SerdeContainer::default();
                    Some(self.struct_schema(&plain, &rules, fields, None).0)
                }
            };
            branches.push(variant_branch(container, name, untagged(serde), content));
        }
        if variants.iter().any(|(_, serde)| untagged(serde)) {
            json!({ "anyOf": branches })
        } else {
            json!({ "oneOf": branches })
        }
    }
}

/// A field as an object property.
struct Property {
    name: String,
    schema: Value,
    optional: bool,
    /// The field's name in the source.
    span: Span,
}

/// The schema of one variant called `name` (with `content`, the schema of its fields, unless
/// it is a unit variant) under the enum's tagging.
fn variant_branch(
    container: &SerdeContainer,
    name: String,
    untagged: bool,
    content: Option<Value>,
) -> Value {
    match (&container.tag, &container.content, untagged, content) {
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
                props.shift_insert(0, tag.clone(), json!({ "type": "string", "const": name }));
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
    }
}

/// The schema of `version` of `family`, as the derive's `json_schema` exports it (through
/// `docver::__private::version_schema`): draft 2020-12, the tag fields as required constants,
/// then the version's fields.
pub fn version_schema(
    family: &FamilyDecl,
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
    let container = SerdeContainer::from_attrs(&family.attrs);
    cx.warn_serde(&container.written.warnings);
    let (body, spans) = cx.struct_schema(
        &container,
        &container.rename_all,
        &Fields::Named(fields),
        None,
    );
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
    use crate::{SourceFile, scan_file};

    /// The schema of version 1 of the one family in `source`, and its warnings' messages
    /// with their lines.
    fn derive(source: &str, contract: Contract) -> (Value, Vec<(usize, String)>) {
        let file = SourceFile::new("lib.rs", source.to_owned());
        let (families, errors, items) = scan_file(&file).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        let derived = version_schema(&families[0], 1, &items, contract);
        let warnings = derived
            .warnings
            .iter()
            .map(|(span, message)| (file.line_col(file.span(*span).start).0, message.clone()))
            .collect();
        (derived.schema, warnings)
    }

    #[test]
    fn rename_all_styles_follow_serde() {
        use docver_attr::case::RenameRule;
        let field = |style| {
            RenameRule::from_name(style)
                .unwrap()
                .apply_to_field("important_flag")
        };
        let variant = |style| {
            RenameRule::from_name(style)
                .unwrap()
                .apply_to_variant("InProgress")
        };
        assert_eq!(field("camelCase"), "importantFlag");
        assert_eq!(field("PascalCase"), "ImportantFlag");
        assert_eq!(field("kebab-case"), "important-flag");
        assert_eq!(field("SCREAMING_SNAKE_CASE"), "IMPORTANT_FLAG");
        assert_eq!(variant("snake_case"), "in_progress");
        assert_eq!(variant("lowercase"), "inprogress");
        assert_eq!(variant("SCREAMING-KEBAB-CASE"), "IN-PROGRESS");
    }

    #[test]
    fn a_converted_type_has_the_shape_it_converts_through() {
        let source = r#"
            #[derive(Serialize, Deserialize)]
            #[serde(from = "String", into = "Vec<u8>")]
            pub struct Name { first: String, last: String }
            #[versioned(schema = "thing", versions = 1..=1)]
            pub struct Thing { pub name: Name }
        "#;
        let (reader, warnings) = derive(source, Contract::Reader);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(reader["$defs"]["Name"], json!({ "type": "string" }));
        let (writer, _) = derive(source, Contract::Writer);
        assert_eq!(writer["$defs"]["Name"]["type"], "array");
    }

    #[test]
    fn unknown_serde_keys_are_located_warnings() {
        let source = r#"
            #[versioned(schema = "thing", versions = 1..=1)]
            #[serde(rename_al = "camelCase")]
            pub struct Thing {
                #[serde(renam = "n", skip_serializing_if = "Option::is_none")]
                pub count: Option<u32>,
            }
        "#;
        let (schema, warnings) = derive(source, Contract::Reader);
        assert_eq!(
            warnings,
            [
                (
                    3,
                    "unknown serde container attribute `rename_al`; did you mean `rename_all`?"
                        .to_owned()
                ),
                (
                    5,
                    "unknown serde field attribute `renam`; did you mean `rename`?".to_owned()
                ),
            ]
        );
        // The known keys are still honoured.
        assert!(schema["properties"].get("count").is_some());
    }

    #[test]
    fn names_follow_the_direction_and_serde_case_rules() {
        let source = r#"
            #[derive(Serialize, Deserialize)]
            #[serde(rename_all = "snake_case", rename_all_fields = "camelCase")]
            pub enum Server { HTTPServer { max_conns: u8 }, #[serde(rename_all = "kebab-case")] Ftp { max_conns: u8 } }
            #[versioned(schema = "thing", versions = 1..=1)]
            pub struct Thing {
                #[serde(rename(serialize = "out", deserialize = "in"))]
                pub value: u32,
                pub r#type: Server,
            }
        "#;
        let (reader, warnings) = derive(source, Contract::Reader);
        assert!(warnings.is_empty(), "{warnings:?}");
        let (writer, _) = derive(source, Contract::Writer);
        assert!(reader["properties"].get("in").is_some());
        assert!(writer["properties"].get("out").is_some());
        assert!(reader["properties"].get("type").is_some());
        let branches = &reader["$defs"]["Server"]["oneOf"];
        let http = &branches[0]["properties"]["h_t_t_p_server"];
        assert!(http["properties"].get("maxConns").is_some(), "{branches}");
        let ftp = &branches[1]["properties"]["ftp"];
        assert!(ftp["properties"].get("max-conns").is_some(), "{branches}");
    }
}
