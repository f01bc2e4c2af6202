//! JSON Schema (draft 2020-12 as schemars 1.x emits it, and draft-07) → [`Schema`].

use std::collections::HashMap;

use docver::pointer;
use serde_json::Value;

use super::json::{self, Json, JsonValue, Member};
use crate::model::{Additional, JsonType, Node, NodeId, Schema, SchemaWarning, TypeSet, Variants};
use crate::span::{LineIndex, Span};

/// A schema file that cannot be read: not JSON, not a schema, or a `$ref` that cannot be
/// resolved. Always names the file and the place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name}:{line}:{column}: {message}")]
pub struct LoadError {
    pub name: String,
    pub message: String,
    pub span: Span,
    pub line: usize,
    pub column: usize,
}

/// Keywords that only annotate; they never change which documents are valid.
const ANNOTATIONS: &[&str] = &[
    "$schema",
    "$id",
    "$comment",
    "$anchor",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "contentEncoding",
    "contentMediaType",
];

/// Reads one schema file. `name` labels diagnostics (usually the path).
pub fn read_schema(name: &str, text: &str) -> Result<Schema, LoadError> {
    let error = |message: String, span: Span| {
        let (line, column) = LineIndex::new(text).line_col(text, span.start);
        LoadError {
            name: name.to_owned(),
            message,
            span,
            line,
            column,
        }
    };
    let json = json::parse(text).map_err(|e| error(e.message, e.span))?;
    match &json.value {
        JsonValue::Object(members) => {
            // A document rather than a schema (`{"title": "milk", "status": true}`): it has
            // members no schema has, and nothing but annotations that a schema would have.
            let annotation_only = |key: &str| {
                matches!(key, "title" | "description" | "default") || ANNOTATIONS.contains(&key)
            };
            let asserts = members
                .iter()
                .any(|m| is_keyword(&m.key) && !annotation_only(&m.key));
            let unknown = members
                .iter()
                .any(|m| !is_keyword(&m.key) && !ANNOTATIONS.contains(&m.key.as_ref()));
            if unknown && !asserts {
                return Err(error(
                    "not a JSON Schema: the top-level object has no schema keyword".into(),
                    json.span,
                ));
            }
        }
        JsonValue::Bool(_) => {}
        _ => {
            return Err(error(
                format!(
                    "not a JSON Schema: expected an object or a boolean, found {}",
                    json.kind()
                ),
                json.span,
            ));
        }
    }
    let mut reader = Reader {
        nodes: Vec::new(),
        by_pointer: HashMap::new(),
        pending_refs: Vec::new(),
        warnings: Vec::new(),
        lens: None,
        depth: 0,
    };
    let root = reader
        .read(&json, String::new(), None)
        .map_err(|(m, s)| error(m, s))?;
    reader.link_refs(root).map_err(|(m, s)| error(m, s))?;
    Ok(Schema {
        name: name.to_owned(),
        nodes: reader.nodes,
        root,
        warnings: reader.warnings,
        lens: reader.lens,
    })
}

fn is_keyword(key: &str) -> bool {
    matches!(
        key,
        "title"
            | "description"
            | "default"
            | "$defs"
            | "definitions"
            | "$ref"
            | "type"
            | "enum"
            | "const"
            | "minLength"
            | "maxLength"
            | "pattern"
            | "format"
            | "minimum"
            | "maximum"
            | "exclusiveMinimum"
            | "exclusiveMaximum"
            | "multipleOf"
            | "items"
            | "minItems"
            | "maxItems"
            | "uniqueItems"
            | "properties"
            | "required"
            | "additionalProperties"
            | "minProperties"
            | "maxProperties"
            | "oneOf"
            | "anyOf"
            | "allOf"
            | "nullable"
    )
}

type ReadError = (String, Span);

/// Subschemas nested deeper than this (inline, not through `$ref`) are a located error: reading
/// recurses once per level, and a debug build's 2 MiB test thread overflows near 150 levels.
/// Schemas generated from Rust types nest through `$defs` and stay far below it.
pub const MAX_SCHEMA_DEPTH: usize = 64;

/// A `oneOf` or `anyOf` as read: its keyword, its branches and its JSON.
type Union<'j> = (&'static str, Vec<NodeId>, &'j Json<'j>);

struct Reader {
    nodes: Vec<Node>,
    by_pointer: HashMap<String, NodeId>,
    pending_refs: Vec<(NodeId, String, Span)>,
    warnings: Vec<SchemaWarning>,
    /// The root's `x-docver-lens` (checked by `diff`, not a validation keyword).
    lens: Option<Value>,
    /// Subschemas being read, one inside the other ([`MAX_SCHEMA_DEPTH`]).
    depth: usize,
}

impl Reader {
    fn warn(&mut self, pointer: &str, span: Span, message: String) {
        self.warnings.push(SchemaWarning {
            pointer: pointer.to_owned(),
            span,
            message,
        });
    }

    /// A keyword the model leaves out: warned about, and kept on the node so that `diff`
    /// reports any change to it as undecided rather than compatible.
    fn ignore(&mut self, node: &mut Node, at: &str, member: &Member, message: String) {
        self.warn(at, member.key_span, message);
        node.unsupported
            .push((member.key.to_string(), member.value.to_value()));
    }

    /// Reserves the node's place in the arena (children get later ids); `read` fills it in.
    fn alloc(&mut self, span: Span, key_span: Option<Span>) -> NodeId {
        let id = NodeId(u32::try_from(self.nodes.len()).expect("fewer than 2^32 schema nodes"));
        self.nodes.push(Node {
            span,
            key_span,
            ..Node::default()
        });
        id
    }

    /// Reads the subschema `json` found at `pointer`, refusing nesting past
    /// [`MAX_SCHEMA_DEPTH`].
    fn read(
        &mut self,
        json: &Json,
        pointer: String,
        key_span: Option<Span>,
    ) -> Result<NodeId, ReadError> {
        if self.depth >= MAX_SCHEMA_DEPTH {
            return Err((
                format!(
                    "subschemas nested deeper than {MAX_SCHEMA_DEPTH} levels; refusing to read \
                     further (name deep parts in `$defs` and use `$ref`)"
                ),
                json.span,
            ));
        }
        self.depth += 1;
        let read = self.read_nested(json, pointer, key_span);
        self.depth -= 1;
        read
    }

    fn read_nested(
        &mut self,
        json: &Json,
        pointer: String,
        key_span: Option<Span>,
    ) -> Result<NodeId, ReadError> {
        let id = self.alloc(json.span, key_span);
        let members = match &json.value {
            JsonValue::Bool(true) => {
                self.nodes[id.index()].pointer = pointer;
                return Ok(id);
            }
            JsonValue::Bool(false) => {
                let node = &mut self.nodes[id.index()];
                node.pointer = pointer;
                node.rejects_all = true;
                return Ok(id);
            }
            JsonValue::Object(members) => members,
            _ => {
                return Err((
                    format!(
                        "expected a schema (an object or a boolean), found {}",
                        json.kind()
                    ),
                    json.span,
                ));
            }
        };
        let mut node = Node {
            span: json.span,
            key_span,
            ..Node::default()
        };
        let mut one_of = None;
        let mut any_of = None;
        let mut reference = None;
        for member in members {
            self.keyword(
                &mut node,
                member,
                &pointer,
                &mut one_of,
                &mut any_of,
                &mut reference,
            )?;
        }
        self.check_all_of_alias(
            &mut node,
            members,
            &pointer,
            one_of.is_some() || any_of.is_some() || reference.is_some(),
        );
        if let Some((kind, branches, written)) = one_of.or(any_of) {
            self.apply_variants(&mut node, kind, branches, written, &pointer);
        }
        if let Some((target, span)) = reference {
            if has_assertions(&node) {
                self.warn(
                    &pointer,
                    span,
                    "keywords beside `$ref` are ignored; only the `$ref` target is compared".into(),
                );
            }
            node.reference = Some(target.clone());
            self.pending_refs.push((id, target, span));
        }
        node.pointer = pointer;
        self.nodes[id.index()] = node;
        Ok(id)
    }

    #[allow(clippy::too_many_arguments)]
    fn keyword<'j>(
        &mut self,
        node: &mut Node,
        member: &'j Member,
        pointer: &str,
        one_of: &mut Option<Union<'j>>,
        any_of: &mut Option<Union<'j>>,
        reference: &mut Option<(String, Span)>,
    ) -> Result<(), ReadError> {
        let value = &member.value;
        let key = member.key.as_ref();
        // Most keywords never need their own pointer: built only where used.
        let at = || pointer::push(pointer, key);
        let invalid = |what: &str| (format!("`{key}` must be {what}"), value.span);
        match key {
            "title" => node.title = Some(value.as_str().ok_or_else(|| invalid("a string"))?.into()),
            "description" => {
                node.description = Some(value.as_str().ok_or_else(|| invalid("a string"))?.into())
            }
            "default" => node.default = Some(value.to_value()),
            "$defs" | "definitions" => {
                let defs = value.as_object().ok_or_else(|| invalid("an object"))?;
                let at = at();
                for def in defs {
                    self.read(&def.value, pointer::push(&at, &def.key), Some(def.key_span))?;
                }
            }
            "$ref" => {
                let target = value.as_str().ok_or_else(|| invalid("a string"))?;
                *reference = Some((target.to_owned(), value.span));
            }
            "type" => {
                let names: Vec<&Json> = match &value.value {
                    JsonValue::String(_) => vec![value],
                    JsonValue::Array(items) => items.iter().collect(),
                    _ => return Err(invalid("a type name or an array of type names")),
                };
                let mut set = TypeSet::EMPTY;
                for name in names {
                    let t = name.as_str().and_then(JsonType::from_name).ok_or_else(|| {
                        (
                            "unknown type name; expected one of null, boolean, integer, \
                                 number, string, array, object"
                                .to_owned(),
                            name.span,
                        )
                    })?;
                    set = set.with(t);
                }
                node.types = Some(set);
            }
            "enum" => match &value.value {
                JsonValue::Array(items) => {
                    node.values = Some(items.iter().map(Json::to_value).collect());
                    node.is_const = false;
                }
                _ => return Err(invalid("an array")),
            },
            "const" => {
                node.values = Some(vec![value.to_value()]);
                node.is_const = true;
            }
            "minLength" => {
                node.string.min_length =
                    Some(count(value).ok_or_else(|| invalid("a non-negative integer"))?)
            }
            "maxLength" => {
                node.string.max_length =
                    Some(count(value).ok_or_else(|| invalid("a non-negative integer"))?)
            }
            "pattern" => {
                let pattern = value.as_str().ok_or_else(|| invalid("a string"))?;
                if crate::check::pattern::ecma_regex(pattern).is_none() {
                    self.warn(
                        &at(),
                        value.span,
                        "pattern uses a construct this tool does not evaluate as ECMA-262 does \
                         (lookaround, a backreference, a flag group, `\\b`, `\\s`, `\\p`, a nested \
                         class, …) or is not a regular expression; strings it decides are \
                         undecided"
                            .into(),
                    );
                }
                node.string.pattern = Some(pattern.to_owned());
            }
            "format" => {
                node.string.format = Some(value.as_str().ok_or_else(|| invalid("a string"))?.into())
            }
            "minimum" => {
                node.number.minimum = Some(exact_number(value).ok_or_else(|| invalid("a number"))?)
            }
            "maximum" => {
                node.number.maximum = Some(exact_number(value).ok_or_else(|| invalid("a number"))?)
            }
            "exclusiveMinimum" | "exclusiveMaximum" => {
                if let JsonValue::Bool(_) = value.value {
                    self.ignore(
                        node,
                        &at(),
                        member,
                        format!("boolean `{key}` (draft-04) is not supported; it is ignored"),
                    );
                } else {
                    let n = Some(exact_number(value).ok_or_else(|| invalid("a number"))?);
                    if key == "exclusiveMinimum" {
                        node.number.exclusive_minimum = n;
                    } else {
                        node.number.exclusive_maximum = n;
                    }
                }
            }
            "multipleOf" => {
                let n = number(value)
                    .filter(|n| *n > 0.0)
                    .ok_or_else(|| invalid("a number greater than 0"))?;
                node.number.multiple_of = Some(n);
            }
            "items" => match &value.value {
                JsonValue::Array(_) => self.ignore(
                    node,
                    &at(),
                    member,
                    "tuple `items` (an array of schemas) is not supported; items are not compared"
                        .into(),
                ),
                _ => node.array.items = Some(self.read(value, at(), Some(member.key_span))?),
            },
            "minItems" => {
                node.array.min_items =
                    Some(count(value).ok_or_else(|| invalid("a non-negative integer"))?)
            }
            "maxItems" => {
                node.array.max_items =
                    Some(count(value).ok_or_else(|| invalid("a non-negative integer"))?)
            }
            "uniqueItems" => match value.value {
                JsonValue::Bool(b) => node.array.unique_items = b,
                _ => return Err(invalid("a boolean")),
            },
            "properties" => {
                let properties = value.as_object().ok_or_else(|| invalid("an object"))?;
                let at = at();
                for property in properties {
                    let id = self.read(
                        &property.value,
                        pointer::push(&at, &property.key),
                        Some(property.key_span),
                    )?;
                    node.object.properties.insert(property.key.to_string(), id);
                }
            }
            "required" => match &value.value {
                JsonValue::Array(items) => {
                    for item in items {
                        let name = item.as_str().ok_or_else(|| {
                            (
                                "`required` must list property names (strings)".to_owned(),
                                item.span,
                            )
                        })?;
                        node.object.required.insert(name.to_owned());
                    }
                }
                _ => return Err(invalid("an array of property names")),
            },
            "additionalProperties" => {
                node.object.additional = match value.value {
                    JsonValue::Bool(true) => Additional::Open,
                    JsonValue::Bool(false) => Additional::Closed,
                    _ => Additional::Schema(self.read(value, at(), Some(member.key_span))?),
                }
            }
            "minProperties" => {
                node.object.min_properties =
                    Some(count(value).ok_or_else(|| invalid("a non-negative integer"))?)
            }
            "maxProperties" => {
                node.object.max_properties =
                    Some(count(value).ok_or_else(|| invalid("a non-negative integer"))?)
            }
            "oneOf" | "anyOf" => {
                let JsonValue::Array(items) = &value.value else {
                    return Err(invalid("an array of schemas"));
                };
                let mut branches = Vec::with_capacity(items.len());
                let at = at();
                for (i, item) in items.iter().enumerate() {
                    branches.push(self.read(item, pointer::push(&at, &i.to_string()), None)?);
                }
                let kind = if key == "oneOf" { "oneOf" } else { "anyOf" };
                if key == "oneOf" {
                    *one_of = Some((kind, branches, value));
                } else {
                    *any_of = Some((kind, branches, value));
                }
            }
            "allOf" => {
                let JsonValue::Array(items) = &value.value else {
                    return Err(invalid("an array of schemas"));
                };
                let mut branches = Vec::with_capacity(items.len());
                let at = at();
                for (i, item) in items.iter().enumerate() {
                    branches.push(self.read(item, pointer::push(&at, &i.to_string()), None)?);
                }
                // schemars 0.8 wrapped a described `$ref` in a one-element `allOf`.
                if let [only] = branches[..] {
                    node.alias = Some(only);
                } else {
                    self.ignore(
                        node,
                        &at,
                        member,
                        "`allOf` with more than one schema is not supported; it is ignored".into(),
                    );
                }
            }
            "nullable" => match value.value {
                // OpenAPI 3.0's spelling of `type: [T, "null"]`.
                JsonValue::Bool(b) => node.admits_null = b,
                _ => return Err(invalid("a boolean")),
            },
            // Below the root, `$id` sets the base that `$ref`s under it resolve against.
            "$id" if !pointer.is_empty() => self.ignore(
                node,
                &at(),
                member,
                "an embedded `$id` is not supported; `$ref`s below it are resolved against the \
                 file"
                    .into(),
            ),
            _ if ANNOTATIONS.contains(&key) => {}
            docver::lens::LENS_KEYWORD if pointer.is_empty() => self.lens = Some(value.to_value()),
            _ => {
                let message = format!(
                    "keyword `{key}` is not supported; documents are compared as if it were absent"
                );
                // A vendor extension (`x-rust-type`) is ignored by validators, so a change to
                // it changes no document's validity; any other keyword may.
                if key.starts_with("x-") {
                    self.warn(&at(), member.key_span, message);
                } else {
                    self.ignore(node, &at(), member, message);
                }
            }
        }
        Ok(())
    }

    /// A one-element `allOf` is an alias of its schema only when nothing stands beside it:
    /// keywords beside it are conjuncts, which an alias would drop (`allOf: [string]` beside
    /// `type: integer` admits nothing, not every string). Then the `allOf` is left out of the
    /// model (warned, and any change to it undecided) and the keywords beside it are kept.
    fn check_all_of_alias(
        &mut self,
        node: &mut Node,
        members: &[Member],
        pointer: &str,
        beside_combinator_or_ref: bool,
    ) {
        // Before `apply_variants` and `link_refs`, only a one-element `allOf` sets `alias`.
        if node.alias.is_none() || !(beside_combinator_or_ref || has_assertions(node)) {
            return;
        }
        node.alias = None;
        if let Some(member) = members.iter().find(|m| m.key == "allOf") {
            let at = pointer::push(pointer, "allOf");
            self.ignore(
                node,
                &at,
                member,
                "`allOf` beside other keywords is not supported; it is ignored and the keywords \
                 beside it are compared"
                    .into(),
            );
        }
    }

    /// `oneOf`/`anyOf`: a `null` branch becomes nullability; a single remaining branch becomes
    /// an alias, so `anyOf: [{$ref: X}, {type: null}]` compares equal to a nullable `X`.
    fn apply_variants(
        &mut self,
        node: &mut Node,
        kind: &'static str,
        branches: Vec<NodeId>,
        written: &Json,
        pointer: &str,
    ) {
        // Beside other keywords a union is a conjunct: a null branch is not nullability there
        // (`type: object, anyOf: [null]` admits nothing), so every branch stays a branch.
        if has_assertions(node) && branches.iter().any(|b| self.is_null_only(*b)) {
            node.variants = Some(Variants {
                exclusive: kind == "oneOf",
                branches,
            });
            return;
        }
        let (nulls, others): (Vec<NodeId>, Vec<NodeId>) =
            branches.into_iter().partition(|b| self.is_null_only(*b));
        // `oneOf` rejects a value two branches accept: with `null` in two branches it rejects
        // null, which the split below (null as nullability) cannot express.
        if kind == "oneOf"
            && !nulls.is_empty()
            && (nulls.len() > 1 || others.iter().any(|b| self.may_admit_null(*b)))
        {
            self.warn(
                &pointer::push(pointer, kind),
                written.span,
                "`oneOf` with more than one branch that accepts null is not supported; it is \
                 compared as if null were accepted once"
                    .into(),
            );
            node.unsupported.push((kind.to_owned(), written.to_value()));
        }
        if !nulls.is_empty() {
            node.admits_null = true;
        }
        match others.as_slice() {
            [] => {
                node.types = Some(TypeSet::EMPTY.with(JsonType::Null));
            }
            [only] if !has_assertions(node) && node.alias.is_none() => node.alias = Some(*only),
            _ => {
                if node.variants.is_some() {
                    let span = node.span;
                    self.warn(
                        pointer,
                        span,
                        "both `oneOf` and `anyOf`: only `oneOf` is compared".into(),
                    );
                    return;
                }
                node.variants = Some(Variants {
                    exclusive: kind == "oneOf",
                    branches: others,
                });
            }
        }
    }

    /// Whether the branch may accept null: it says so, or it does not restrict the type (an
    /// alias is not followed: it may not be linked yet).
    fn may_admit_null(&self, id: NodeId) -> bool {
        let node = &self.nodes[id.index()];
        node.admits_null
            || node.alias.is_some()
            || node.reference.is_some()
            || !node.rejects_all
                && node
                    .types
                    .is_none_or(|types| types.contains(JsonType::Null))
                && node
                    .values
                    .as_ref()
                    .is_none_or(|v| v.contains(&Value::Null))
    }

    fn is_null_only(&self, id: NodeId) -> bool {
        let node = &self.nodes[id.index()];
        let null = TypeSet::EMPTY.with(JsonType::Null);
        node.alias.is_none()
            && node.reference.is_none()
            && (node.types == Some(null) && node.values.is_none()
                || node.values.as_deref() == Some(&[Value::Null]))
    }

    fn link_refs(&mut self, root: NodeId) -> Result<(), ReadError> {
        // Index only the pointers some `$ref` names: hashing every node's pointer would cost
        // more than the rest of reading a large schema.
        let wanted: std::collections::HashSet<String> = self
            .pending_refs
            .iter()
            .filter_map(|(_, target, _)| {
                target
                    .strip_prefix('#')
                    .map(|fragment| pointer::percent_decode(fragment).into_owned())
            })
            .collect();
        if !wanted.is_empty() {
            for (i, node) in self.nodes.iter().enumerate() {
                if wanted.contains(&node.pointer) {
                    self.by_pointer
                        .insert(node.pointer.clone(), NodeId(i as u32));
                }
            }
        }
        for (id, target, span) in std::mem::take(&mut self.pending_refs) {
            let Some(fragment) = target.strip_prefix('#') else {
                self.warn(
                    &self.nodes[id.index()].pointer.clone(),
                    span,
                    format!(
                        "`$ref` to another document (`{target}`) is not followed; the node is \
                         compared as if it allowed anything"
                    ),
                );
                continue;
            };
            let decoded = pointer::percent_decode(fragment);
            let resolved = if decoded.is_empty() {
                Some(root)
            } else if decoded.starts_with('/') {
                self.by_pointer.get(decoded.as_ref()).copied()
            } else {
                return Err((
                    format!("`$ref` to the anchor `{target}` is not supported; use a JSON pointer"),
                    span,
                ));
            };
            let target_id = resolved.ok_or_else(|| {
                (
                    format!("`$ref` target `{target}` does not exist in this file"),
                    span,
                )
            })?;
            self.nodes[id.index()].alias = Some(target_id);
        }
        self.check_alias_cycles()?;
        self.infer_union_types();
        Ok(())
    }

    /// A union without `type` admits the types of its branches; recording them lets a union
    /// compare with a plain schema type by type. Repeated until nothing changes, because
    /// branches may be unions themselves.
    fn infer_union_types(&mut self) {
        let schema_view = |nodes: &[Node], id: NodeId| {
            let mut current = id;
            let mut admits_null = false;
            for _ in 0..=nodes.len() {
                admits_null |= nodes[current.index()].admits_null;
                match nodes[current.index()].alias {
                    Some(next) => current = next,
                    None => break,
                }
            }
            (current, admits_null)
        };
        for _ in 0..8 {
            let mut changed = false;
            for i in 0..self.nodes.len() {
                let node = &self.nodes[i];
                let (Some(variants), None) = (&node.variants, node.types) else {
                    continue;
                };
                let mut union = Some(TypeSet::EMPTY);
                for branch in &variants.branches {
                    let (target, null) = schema_view(&self.nodes, *branch);
                    let t = &self.nodes[target.index()];
                    let types = match (&t.values, t.types) {
                        (Some(values), declared) => {
                            let of_values = values
                                .iter()
                                .fold(TypeSet::EMPTY, |s, v| s.with(JsonType::of(v)));
                            Some(declared.map_or(of_values, |d| d.intersect_values(of_values)))
                        }
                        (None, declared) => declared,
                    };
                    union = match (union, types) {
                        (Some(u), Some(t)) => {
                            let t = if null { t.with(JsonType::Null) } else { t };
                            Some(t.iter().fold(u, TypeSet::with))
                        }
                        _ => None,
                    };
                }
                if let Some(union) = union {
                    self.nodes[i].types = Some(union);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    fn check_alias_cycles(&self) -> Result<(), ReadError> {
        // An alias chain that comes back to itself names no schema at all.
        for start in 0..self.nodes.len() {
            let mut current = start;
            let mut steps = 0;
            while let Some(next) = self.nodes[current].alias {
                current = next.index();
                steps += 1;
                if current == start || steps > self.nodes.len() {
                    let node = &self.nodes[start];
                    return Err((
                        format!(
                            "cyclic `$ref`: `{}` refers back to itself without any schema in \
                             between",
                            display_pointer(&node.pointer)
                        ),
                        node.span,
                    ));
                }
            }
        }
        Ok(())
    }
}

fn display_pointer(pointer: &str) -> String {
    format!("#{pointer}")
}

fn has_assertions(node: &Node) -> bool {
    node.types.is_some()
        || node.values.is_some()
        || node.string != Default::default()
        || node.number != Default::default()
        || node.array.items.is_some()
        || node.array.min_items.is_some()
        || node.array.max_items.is_some()
        || !node.object.properties.is_empty()
        || !node.object.required.is_empty()
        || node.object.additional != Additional::Open
        || node.variants.is_some()
}

fn count(value: &Json) -> Option<u64> {
    match &value.value {
        JsonValue::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        }),
        _ => None,
    }
}

/// A number as written, for keywords compared exactly.
fn exact_number(value: &Json) -> Option<serde_json::Number> {
    match &value.value {
        JsonValue::Number(n) => Some(n.clone()),
        _ => None,
    }
}

fn number(value: &Json) -> Option<f64> {
    match &value.value {
        JsonValue::Number(n) => n.as_f64(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Schema, LoadError> {
        read_schema("test.json", text)
    }

    #[test]
    fn nullable_spellings_resolve_alike() {
        let array = load(r#"{"type": ["string", "null"]}"#).unwrap();
        let any_of = load(r#"{"anyOf": [{"type": "string"}, {"type": "null"}]}"#).unwrap();
        let a = array.resolve(array.root());
        let b = any_of.resolve(any_of.root());
        assert_eq!(a.effective_types(), b.effective_types());
    }

    #[test]
    fn refs_resolve_and_cycles_through_structure_are_fine() {
        let schema = load(
            r##"{"$ref": "#/$defs/Node", "$defs": {"Node": {"type": "object",
                "properties": {"next": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]}}}}}"##,
        )
        .unwrap();
        let root = schema.resolve(schema.root());
        assert_eq!(root.node.pointer, "/$defs/Node");
    }

    #[test]
    fn pure_ref_cycles_and_dangling_refs_are_located_errors() {
        let err = load(r##"{"$defs": {"A": {"$ref": "#/$defs/B"}, "B": {"$ref": "#/$defs/A"}}}"##)
            .unwrap_err();
        assert!(err.message.contains("cyclic"), "{}", err.message);
        let err = load(r##"{"properties": {"a": {"$ref": "#/$defs/Missing"}}}"##).unwrap_err();
        assert_eq!((err.line, err.column), (1, 31));
        assert!(err.message.contains("does not exist"));
    }

    #[test]
    fn non_schemas_and_bad_keywords_are_errors_unknown_keywords_warn() {
        assert!(
            load("[1, 2]")
                .unwrap_err()
                .message
                .contains("not a JSON Schema")
        );
        assert!(load(r#"{"name": "x", "status": true}"#).is_err());
        let err = load(r#"{"type": 5}"#).unwrap_err();
        assert!(err.message.contains("`type` must be"));
        let schema = load(r#"{"type": "object", "if": {}}"#).unwrap();
        assert_eq!(schema.warnings.len(), 1);
        assert_eq!(schema.warnings[0].pointer, "/if");
    }
}
