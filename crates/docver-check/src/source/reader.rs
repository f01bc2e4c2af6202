//! JSON Schema (draft 2020-12 as schemars 1.x emits it, and draft-07) → [`Schema`].

use std::collections::HashMap;

use docver::pointer;
use serde_json::Value;

use super::applicators::Pending;
use super::json::{self, Json, JsonValue, Member};
use super::uri;
pub use crate::model::Draft;
use crate::model::{
    Additional, DynamicAnchor, DynamicRef, JsonType, Node, NodeId, Resource, Schema, SchemaWarning,
    TypeSet, Variants,
};
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

/// Reads one schema file. `name` labels diagnostics (usually the path). A file without
/// `$schema` is read as 2020-12.
pub fn read_schema(name: &str, text: &str) -> Result<Schema, LoadError> {
    read_schema_as(name, text, Draft::Draft202012)
}

/// Reads one schema file as `default_draft` unless its `$schema` names another draft.
pub fn read_schema_as(name: &str, text: &str, default_draft: Draft) -> Result<Schema, LoadError> {
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
    let draft = json
        .as_object()
        .and_then(|members| members.iter().find(|m| m.key == "$schema"))
        .and_then(|m| m.value.as_str())
        .and_then(Draft::from_uri)
        .unwrap_or(default_draft);
    let mut reader = Reader {
        nodes: Vec::new(),
        by_pointer: HashMap::new(),
        pending_refs: Vec::new(),
        warnings: Vec::new(),
        lens: None,
        depth: 0,
        draft,
        resources: vec![ResourceBuild {
            uri: uri::DEFAULT_BASE.to_owned(),
            pointer: String::new(),
            resource: Resource::default(),
        }],
        scope: vec![0],
        anchors: HashMap::new(),
        annotates: false,
    };
    let root = reader
        .read(&json, String::new(), None)
        .map_err(|(m, s)| error(m, s))?;
    reader.resources[0].resource.root = root;
    reader
        .link_refs(root, &json)
        .map_err(|(m, s)| error(m, s))?;
    Ok(Schema {
        name: name.to_owned(),
        nodes: reader.nodes,
        root,
        warnings: reader.warnings,
        lens: reader.lens,
        text: text.into(),
        draft,
        resources: reader.resources.into_iter().map(|r| r.resource).collect(),
        annotates: reader.annotates,
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
            | "not"
            | "if"
            | "then"
            | "else"
            | "patternProperties"
            | "propertyNames"
            | "dependencies"
            | "dependentRequired"
            | "dependentSchemas"
            | "prefixItems"
            | "additionalItems"
            | "contains"
            | "minContains"
            | "maxContains"
            | "unevaluatedProperties"
            | "unevaluatedItems"
            | "$dynamicRef"
            | "$recursiveRef"
    )
}

pub(super) type ReadError = (String, Span);

/// Subschemas nested deeper than this (inline, not through `$ref`) are a located error: reading
/// recurses once per level, and a debug build's 2 MiB test thread overflows near 150 levels.
/// Schemas generated from Rust types nest through `$defs` and stay far below it.
pub const MAX_SCHEMA_DEPTH: usize = 64;

/// A `oneOf` or `anyOf` as read: its keyword, its branches and its JSON.
type Union<'j> = (&'static str, Vec<NodeId>, &'j Json<'j>);

pub(super) struct Reader {
    nodes: Vec<Node>,
    by_pointer: HashMap<String, NodeId>,
    pending_refs: Vec<PendingRef>,
    warnings: Vec<SchemaWarning>,
    /// The root's `x-docver-lens` (checked by `diff`, not a validation keyword).
    lens: Option<Value>,
    /// Subschemas being read, one inside the other ([`MAX_SCHEMA_DEPTH`]).
    depth: usize,
    pub(super) draft: Draft,
    /// The document and every embedded `$id`, in the order met.
    resources: Vec<ResourceBuild>,
    /// The resources around the subschema being read, innermost last.
    scope: Vec<u32>,
    /// `$anchor`s (and `$id: "#name"` before 2019-09), by resource.
    anchors: HashMap<(u32, String), NodeId>,
    pub(super) annotates: bool,
}

/// A schema resource while reading: its absolute URI and where it sits in the file.
struct ResourceBuild {
    uri: String,
    pointer: String,
    resource: Resource,
}

/// What a reference does once its target is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RefKind {
    /// The node stands for its target (`$ref` alone, or before 2019-09).
    Alias,
    /// The target applies beside the node's other keywords (2019-09 and later).
    Beside,
    Dynamic,
    Recursive,
}

/// A reference met while reading, resolved once the whole file is read.
struct PendingRef {
    id: NodeId,
    target: String,
    span: Span,
    /// The resource the reference is resolved against.
    resource: u32,
    kind: RefKind,
}

/// Where a reference points, once its URI is resolved.
enum Located {
    Node(NodeId),
    /// A place in the file by JSON pointer, read as a schema when nothing has read it yet.
    Pointer(u32, String),
    /// Another document: not followed.
    External,
}

impl Reader {
    pub(super) fn warn(&mut self, pointer: &str, span: Span, message: String) {
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
    pub(super) fn read(
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
        let entered = self.enter_resource(id, &mut node, members, &pointer);
        let read = self.read_members(id, &mut node, members, &pointer);
        if entered {
            self.scope.pop();
        }
        read?;
        node.pointer = pointer;
        self.nodes[id.index()] = node;
        Ok(id)
    }

    fn read_members(
        &mut self,
        id: NodeId,
        node: &mut Node,
        members: &[Member],
        pointer: &str,
    ) -> Result<(), ReadError> {
        let mut one_of = None;
        let mut any_of = None;
        let mut reference = None;
        let mut pending = Pending::default();
        for member in members {
            self.keyword(
                node,
                member,
                pointer,
                &mut one_of,
                &mut any_of,
                &mut reference,
                &mut pending,
            )?;
        }
        let all_of = pending.all_of.take();
        if let Some((target, span, kind)) = pending.dynamic.take() {
            self.push_ref(id, target, span, kind);
        }
        self.finish_applicators(node, pending, pointer);
        let beside_all_of = one_of.is_some() || any_of.is_some() || reference.is_some();
        if let (Some((kind, branches, written)), Some((_, any_branches, any_written))) =
            (&one_of, &any_of)
        {
            // Both: the `oneOf` is the node's union, the `anyOf` applies beside it.
            let _ = (kind, branches, written);
            let at = pointer::push(pointer, "anyOf");
            self.warn(
                &at,
                any_written.span,
                "`anyOf` beside `oneOf` is checked in witnesses but not compared by diff; a \
                 change to it is undecided"
                    .into(),
            );
            node.unsupported
                .push(("anyOf".to_owned(), any_written.to_value()));
            self.applicators(node).any_of = Some(any_branches.clone());
            any_of = None;
        }
        if let Some((branches, member)) = all_of {
            match branches[..] {
                // schemars 0.8 wrapped a described `$ref` in a one-element `allOf`: alone, it
                // is an alias of its schema.
                [only] if !beside_all_of && !has_assertions(node) => node.alias = Some(only),
                _ => {
                    let at = pointer::push(pointer, "allOf");
                    self.uncompared(node, &at, member);
                    self.applicators(node).all_of.extend(branches);
                }
            }
        }
        if let Some((kind, branches, written)) = one_of.or(any_of) {
            self.apply_variants(node, kind, branches, written, pointer);
        }
        if let Some((target, span)) = reference {
            let kind = if !has_assertions(node) {
                RefKind::Alias
            } else if self.draft.ref_has_siblings() {
                RefKind::Beside
            } else {
                self.warn(
                    pointer,
                    span,
                    format!(
                        "keywords beside `$ref` are ignored in {}; only the `$ref` target is \
                         compared",
                        self.draft.name()
                    ),
                );
                RefKind::Alias
            };
            if kind == RefKind::Alias {
                node.reference = Some(target.clone());
            }
            self.push_ref(id, target, span, kind);
        }
        Ok(())
    }

    /// Records a reference at the node being read, against the innermost resource.
    fn push_ref(&mut self, id: NodeId, target: String, span: Span, kind: RefKind) {
        let resource = *self.scope.last().expect("the document is a resource");
        self.pending_refs.push(PendingRef {
            id,
            target,
            span,
            resource,
            kind,
        });
    }

    /// Enters the resource a subschema's `$id` starts (`id` in draft-04), and records its
    /// anchors. Before 2019-09 an `$id` beside `$ref` is ignored, like every sibling.
    fn enter_resource(
        &mut self,
        id: NodeId,
        node: &mut Node,
        members: &[Member],
        pointer: &str,
    ) -> bool {
        let draft = self.draft;
        let find = |key: &str| members.iter().find(|m| m.key == key);
        let string = |key: &str| find(key).and_then(|m| m.value.as_str());
        let current = *self.scope.last().expect("the document is a resource");
        let mut entered = false;
        let id_key = if draft == Draft::Draft4 { "id" } else { "$id" };
        let ignored = !draft.ref_has_siblings() && find("$ref").is_some();
        if let Some(written) = string(id_key).filter(|_| !ignored) {
            match written.strip_prefix('#') {
                Some(anchor) if draft < Draft::Draft201909 => {
                    self.anchors.insert((current, anchor.to_owned()), id);
                }
                _ => {
                    let joined = uri::join(&self.resources[current as usize].uri, written);
                    let (absolute, fragment) = uri::split_fragment(&joined);
                    let index =
                        u32::try_from(self.resources.len()).expect("fewer than 2^32 resources");
                    self.resources.push(ResourceBuild {
                        uri: absolute.to_owned(),
                        pointer: pointer.to_owned(),
                        resource: Resource {
                            root: id,
                            ..Resource::default()
                        },
                    });
                    if !fragment.is_empty() && draft < Draft::Draft201909 {
                        self.anchors.insert((index, fragment.to_owned()), id);
                    }
                    node.resource = Some(index);
                    self.scope.push(index);
                    entered = true;
                }
            }
        }
        if node.resource.is_none() && pointer.is_empty() {
            node.resource = Some(0);
        }
        let current = *self.scope.last().expect("the document is a resource");
        if draft >= Draft::Draft201909
            && let Some(anchor) = string("$anchor")
        {
            self.anchors.insert((current, anchor.to_owned()), id);
        }
        if draft >= Draft::Draft202012
            && let Some(anchor) = string("$dynamicAnchor")
        {
            self.anchors.insert((current, anchor.to_owned()), id);
            self.resources[current as usize]
                .resource
                .dynamic_anchors
                .push((anchor.to_owned(), id));
        }
        if draft == Draft::Draft201909
            && find("$recursiveAnchor").is_some_and(|m| m.value.value == JsonValue::Bool(true))
            && (entered || pointer.is_empty())
        {
            self.resources[current as usize].resource.recursive_anchor = true;
        }
        entered
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
        pending: &mut Pending<'j>,
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
                if let JsonValue::Bool(exclusive) = value.value {
                    // Draft-04: the bound beside it is exclusive (see `finish_applicators`).
                    if key == "exclusiveMinimum" {
                        pending.exclusive_minimum = exclusive;
                    } else {
                        pending.exclusive_maximum = exclusive;
                    }
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
            "items" => {
                pending.items = Some(member);
                match &value.value {
                    JsonValue::Array(_) => {
                        pending.tuple = Some(self.read_list(value, &at())?);
                        self.uncompared(node, &at(), member);
                    }
                    _ => node.array.items = Some(self.read(value, at(), Some(member.key_span))?),
                }
            }
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
                    JsonValue::Bool(true) => {
                        node.object.open_written = true;
                        Additional::Open
                    }
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
                if !matches!(value.value, JsonValue::Array(_)) {
                    return Err(invalid("an array of schemas"));
                }
                pending.all_of = Some((self.read_list(value, &at())?, member));
            }
            "nullable" => match value.value {
                // OpenAPI 3.0's spelling of `type: [T, "null"]`.
                JsonValue::Bool(b) => node.admits_null = b,
                _ => return Err(invalid("a boolean")),
            },
            // `$id` (draft-04: `id`) starts a resource; read by `enter_resource`.
            "id" if self.draft == Draft::Draft4 => {}
            _ if ANNOTATIONS.contains(&key) => {}
            _ if self.applicator(node, member, pointer, pending)? => {}
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
            // Every branch stays a branch, so the instance check counts matches exactly.
            node.variants = Some(Variants {
                exclusive: true,
                branches: nulls.into_iter().chain(others).collect(),
            });
            return;
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

    /// Resolves every reference. A pointer into a part of the file no schema keyword reaches
    /// (`#/components/schemas/Item`) is read as a schema when first named; references found
    /// there are resolved in the next round.
    fn link_refs(&mut self, root: NodeId, document: &Json) -> Result<(), ReadError> {
        loop {
            let pending = std::mem::take(&mut self.pending_refs);
            if pending.is_empty() {
                break;
            }
            let located: Vec<Located> = pending
                .iter()
                .map(|r| self.locate(r, root))
                .collect::<Result<_, _>>()?;
            // Index only the pointers some `$ref` names: hashing every node's pointer would
            // cost more than the rest of reading a large schema.
            let wanted: std::collections::HashSet<&str> = located
                .iter()
                .filter_map(|l| match l {
                    Located::Pointer(_, p) => Some(p.as_str()),
                    _ => None,
                })
                .filter(|p| !self.by_pointer.contains_key(*p))
                .collect();
            if !wanted.is_empty() {
                for (i, node) in self.nodes.iter().enumerate() {
                    if wanted.contains(node.pointer.as_str()) {
                        self.by_pointer
                            .entry(node.pointer.clone())
                            .or_insert(NodeId(i as u32));
                    }
                }
            }
            for (r, place) in pending.into_iter().zip(located) {
                let target = match place {
                    Located::Node(id) => id,
                    Located::Pointer(resource, p) => match self.by_pointer.get(&p) {
                        Some(id) => *id,
                        None => self.read_at(document, resource, &p, &r)?,
                    },
                    Located::External => {
                        self.warn(
                            &self.nodes[r.id.index()].pointer.clone(),
                            r.span,
                            format!(
                                "`$ref` to another document (`{}`) is not followed; the node is \
                                 compared as if it allowed anything",
                                r.target
                            ),
                        );
                        continue;
                    }
                };
                self.link(r, target, document);
            }
        }
        self.check_alias_cycles()?;
        self.infer_union_types();
        Ok(())
    }

    /// The place a reference names: its URI resolved against its resource's, then the
    /// resource with that URI, then the fragment (a pointer or an anchor) inside it.
    fn locate(&self, r: &PendingRef, root: NodeId) -> Result<Located, ReadError> {
        let base = &self.resources[r.resource as usize].uri;
        let joined = uri::join(base, &r.target);
        let (absolute, fragment) = uri::split_fragment(&joined);
        let Some(resource) = self.resources.iter().position(|res| res.uri == absolute) else {
            return Ok(Located::External);
        };
        let resource = resource as u32;
        let build = &self.resources[resource as usize];
        let fragment = pointer::percent_decode(fragment);
        if fragment.is_empty() {
            let id = if resource == 0 {
                root
            } else {
                build.resource.root
            };
            return Ok(Located::Node(id));
        }
        if fragment.starts_with('/') {
            return Ok(Located::Pointer(
                resource,
                format!("{}{}", build.pointer, fragment),
            ));
        }
        self.anchors
            .get(&(resource, fragment.clone().into_owned()))
            .copied()
            .map(Located::Node)
            .ok_or_else(|| {
                (
                    format!(
                        "`$ref` target `{}` names an anchor this file does not declare",
                        r.target
                    ),
                    r.span,
                )
            })
    }

    /// Reads the value at `at` in the file as a schema, for a reference that names it.
    fn read_at(
        &mut self,
        document: &Json,
        resource: u32,
        at: &str,
        r: &PendingRef,
    ) -> Result<NodeId, ReadError> {
        let missing = || {
            (
                format!("`$ref` target `{}` does not exist in this file", r.target),
                r.span,
            )
        };
        let json = value_at(document, at).ok_or_else(missing)?;
        if !matches!(json.value, JsonValue::Object(_) | JsonValue::Bool(_)) {
            return Err(missing());
        }
        let scope = std::mem::replace(&mut self.scope, vec![resource]);
        let read = self.read(json, at.to_owned(), None);
        self.scope = scope;
        let id = read?;
        self.by_pointer.insert(at.to_owned(), id);
        Ok(id)
    }

    /// Connects a reference to its target.
    fn link(&mut self, r: PendingRef, target: NodeId, document: &Json) {
        match r.kind {
            RefKind::Alias => self.nodes[r.id.index()].alias = Some(target),
            RefKind::Beside => {
                // The target as written, so that a change to it is seen at this node.
                let written = value_at(document, &self.nodes[target.index()].pointer)
                    .map_or(Value::String(r.target.clone()), Json::to_value);
                let node = &mut self.nodes[r.id.index()];
                node.unsupported.push(("$ref".to_owned(), written));
                node.applicators
                    .get_or_insert_with(Default::default)
                    .all_of
                    .push(target);
                let at = pointer::push(&node.pointer.clone(), "$ref");
                let message = format!(
                    "keywords beside `$ref` apply in {}: the target is checked in witnesses but \
                     not compared by diff here; a change to it is undecided",
                    self.draft.name()
                );
                self.warn(&at, r.span, message);
            }
            RefKind::Dynamic | RefKind::Recursive => {
                let anchor = if r.kind == RefKind::Recursive {
                    let recursive = self
                        .resources
                        .iter()
                        .any(|res| res.resource.root == target && res.resource.recursive_anchor);
                    recursive.then_some(DynamicAnchor::Recursive)
                } else {
                    let (_, fragment) = uri::split_fragment(&r.target);
                    let declared = self.resources.iter().any(|res| {
                        res.resource
                            .dynamic_anchors
                            .iter()
                            .any(|(name, id)| name == fragment && *id == target)
                    });
                    declared.then(|| DynamicAnchor::Named(fragment.to_owned()))
                };
                self.nodes[r.id.index()]
                    .applicators
                    .get_or_insert_with(Default::default)
                    .dynamic_ref = Some(DynamicRef { target, anchor });
            }
        }
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

/// The value at a JSON pointer in the file.
fn value_at<'j>(document: &'j Json<'j>, at: &str) -> Option<&'j Json<'j>> {
    let mut current = document;
    for token in pointer::tokens(at) {
        current = match &current.value {
            JsonValue::Object(members) => &members.iter().find(|m| m.key == token)?.value,
            JsonValue::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
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
        || node.applicators.is_some()
        || node.object.min_properties.is_some()
        || node.object.max_properties.is_some()
        || node.array.unique_items
}

pub(super) fn count(value: &Json) -> Option<u64> {
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
