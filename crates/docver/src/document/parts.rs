//! The companion documents of a split version ([`Parts`]), kept as JSON text until a caller
//! asks for a `Value`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Serialize, Serializer};
use serde_json::Value;

use super::versioned::Versioned;
use super::write::append_tagged;
use crate::error::DocError;

/// The companion documents of one logical document (the seed's v4 todo keeps its status in a
/// `todo-status` document), keyed by schema name, plus the logical id they hang off.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parts {
    /// The raw uuid of the main document; companion documents refer to it, never to a
    /// versioned id.
    pub id: Option<String>,
    /// The companion documents, keyed by schema name.
    pub docs: PartDocs,
}

impl Parts {
    /// No companion documents yet, for the document with logical id `id`.
    pub fn new(id: Option<String>) -> Self {
        Parts {
            id,
            docs: PartDocs::new(),
        }
    }

    /// Parts holding the given documents (as a [`DocumentSet`](crate::DocumentSet) keeps them).
    pub fn with_docs(id: Option<String>, docs: BTreeMap<String, Value>) -> Self {
        Parts {
            id,
            docs: docs.into(),
        }
    }

    /// The deterministic id of this document's companion of type `schema`:
    /// `<schema>:<uuid>` (`todo-status:7f3c`), so that two workers splitting the same document
    /// write the same companion.
    pub fn part_id(&self, schema: &str) -> Option<String> {
        self.id.as_ref().map(|id| format!("{schema}:{id}"))
    }

    /// Adds a companion document (replacing one of the same type), with its deterministic id
    /// (`_id`, last) when the logical id is known and the part has no `_id` of its own. The
    /// part is kept as JSON text, written once; it becomes a `Value` only if asked for one.
    pub fn put<T: Versioned>(&mut self, part: &T) {
        let mut text = Vec::with_capacity(128);
        let written = append_tagged(part, &mut text).and_then(|()| match self.id.as_deref() {
            Some(id) if !part.unknown_fields().contains_key("_id") => {
                // `…}` → `…,"_id":"<schema>:<uuid>"}`
                // Both halves escaped by serde_json, joined between their quotes.
                text.pop();
                text.extend_from_slice(b",\"_id\":");
                serde_json::to_writer(&mut text, T::SCHEMA_NAME)?;
                text.pop();
                text.push(b':');
                let second = text.len();
                serde_json::to_writer(&mut text, id)?;
                text.remove(second);
                text.push(b'}');
                Ok(())
            }
            _ => Ok(()),
        });
        let stored = match written {
            Ok(()) => Part::from_json_unchecked(text),
            // A part that cannot be JSON text: the same fallback as `to_document`.
            Err(_) => {
                let mut doc = part.to_document();
                if let (Some(id), Some(object)) =
                    (self.part_id(T::SCHEMA_NAME), doc.as_object_mut())
                    && !object.contains_key("_id")
                {
                    object.insert("_id".to_owned(), Value::from(id));
                }
                Part::from(doc)
            }
        };
        self.docs.insert(T::SCHEMA_NAME, stored);
    }

    /// Removes and reads the companion document of type `T`, if present.
    pub fn take<T: Versioned>(&mut self) -> Result<Option<T>, DocError> {
        match self.docs.remove(T::SCHEMA_NAME) {
            None => Ok(None),
            Some(part) => match part.json.as_deref().map(std::str::from_utf8) {
                Some(Ok(text)) => T::from_json(text).map(Some),
                _ => T::from_document(&part.into_value()).map(Some),
            },
        }
    }

    /// Whether there are no companion documents.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }
}

/// Companion documents keyed by schema name, in key order. The first is kept inline (most
/// documents have one part at most), the rest in a sorted list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartDocs {
    /// The part with the smallest key; `None` only when there are no parts at all.
    first: Option<(Cow<'static, str>, Part)>,
    /// The other parts, sorted by key, all after `first`.
    more: Vec<(Cow<'static, str>, Part)>,
}

impl PartDocs {
    /// No parts.
    pub fn new() -> Self {
        PartDocs::default()
    }

    /// How many parts there are.
    pub fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.more.len()
    }

    /// Whether there are no parts.
    pub fn is_empty(&self) -> bool {
        self.first.is_none()
    }

    fn position(&self, schema: &str) -> Result<usize, usize> {
        self.more
            .binary_search_by(|(key, _)| key.as_ref().cmp(schema))
    }

    /// The part of type `schema`, if present.
    pub fn get(&self, schema: &str) -> Option<&Part> {
        match &self.first {
            Some((key, part)) if key == schema => Some(part),
            _ => self.position(schema).ok().map(|i| &self.more[i].1),
        }
    }

    /// Whether there is a part of type `schema`.
    pub fn contains_key(&self, schema: &str) -> bool {
        self.get(schema).is_some()
    }

    /// Adds (or replaces) the part of type `schema`; returns the one replaced.
    pub fn insert(
        &mut self,
        schema: impl Into<Cow<'static, str>>,
        part: impl Into<Part>,
    ) -> Option<Part> {
        let (schema, part) = (schema.into(), part.into());
        match &mut self.first {
            None => {
                self.first = Some((schema, part));
                None
            }
            Some((key, old)) if *key == schema => Some(std::mem::replace(old, part)),
            Some((key, _)) if schema.as_ref() < key.as_ref() => {
                let previous = self.first.replace((schema, part));
                self.more.extend(previous);
                self.more.rotate_right(1);
                None
            }
            Some(_) => match self.position(&schema) {
                Ok(i) => Some(std::mem::replace(&mut self.more[i].1, part)),
                Err(i) => {
                    self.more.insert(i, (schema, part));
                    None
                }
            },
        }
    }

    /// Removes and returns the part of type `schema`, if present.
    pub fn remove(&mut self, schema: &str) -> Option<Part> {
        match &self.first {
            Some((key, _)) if key == schema => {
                let next = (!self.more.is_empty()).then(|| self.more.remove(0));
                std::mem::replace(&mut self.first, next).map(|(_, part)| part)
            }
            _ => {
                let i = self.position(schema).ok()?;
                Some(self.more.remove(i).1)
            }
        }
    }

    fn entries(&self) -> impl Iterator<Item = &(Cow<'static, str>, Part)> {
        self.first.iter().chain(&self.more)
    }

    /// The parts' schema names, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries().map(|(k, _)| k.as_ref())
    }

    /// The parts, in key order.
    pub fn values(&self) -> impl Iterator<Item = &Part> {
        self.entries().map(|(_, v)| v)
    }

    /// `(schema name, part)` pairs, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Part)> {
        self.entries().map(|(k, v)| (k.as_ref(), v))
    }

    /// The parts as `Value`s (what a [`DocumentSet`](crate::DocumentSet) holds).
    pub fn into_values(self) -> BTreeMap<String, Value> {
        self.first
            .into_iter()
            .chain(self.more)
            .map(|(k, v)| (k.into_owned(), v.into_value()))
            .collect()
    }
}

impl From<BTreeMap<String, Value>> for PartDocs {
    fn from(docs: BTreeMap<String, Value>) -> Self {
        // A BTreeMap iterates in key order: already sorted.
        let mut entries = docs
            .into_iter()
            .map(|(k, v)| (Cow::Owned(k), Part::from(v)));
        PartDocs {
            first: entries.next(),
            more: entries.collect(),
        }
    }
}

impl From<PartDocs> for BTreeMap<String, Value> {
    fn from(docs: PartDocs) -> Self {
        docs.into_values()
    }
}

impl std::ops::Index<&str> for PartDocs {
    type Output = Part;

    /// Panics if there is no part of type `schema`, as a map's index does.
    fn index(&self, schema: &str) -> &Part {
        match self.get(schema) {
            Some(part) => part,
            None => panic!("no `{schema}` part"),
        }
    }
}

impl<'a> IntoIterator for &'a PartDocs {
    type Item = (&'a str, &'a Part);
    type IntoIter = Box<dyn Iterator<Item = (&'a str, &'a Part)> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

/// One companion document: JSON text as [`Parts::put`] wrote it, or a `Value` as a store
/// handed it over. It reads as a `Value` (`Deref`), parsed from the text the first time.
#[derive(Clone, Default)]
pub struct Part {
    /// The document as JSON text (always a valid JSON object), when it was written here.
    json: Option<Vec<u8>>,
    value: OnceLock<Value>,
}

impl Part {
    /// `text` must be valid JSON (it was written by `serde_json`).
    fn from_json_unchecked(text: Vec<u8>) -> Self {
        Part {
            json: Some(text),
            value: OnceLock::new(),
        }
    }

    /// The document as a `Value`.
    pub fn value(&self) -> &Value {
        self.value.get_or_init(|| match &self.json {
            Some(text) => serde_json::from_slice(text).unwrap_or_default(),
            None => Value::Null,
        })
    }

    /// The document as an owned `Value` (parsed from its text if it was never read).
    pub fn into_value(self) -> Value {
        let Part { json, value } = self;
        match (value.into_inner(), json) {
            (Some(value), _) => value,
            (None, Some(text)) => serde_json::from_slice(&text).unwrap_or_default(),
            (None, None) => Value::Null,
        }
    }

    /// The document as JSON text (borrowed when it was written as text).
    pub fn to_json(&self) -> Cow<'_, str> {
        match &self.json {
            Some(text) => String::from_utf8_lossy(text),
            None => Cow::Owned(self.value().to_string()),
        }
    }

    /// Writes the document as JSON text (a copy when it was written as text).
    pub fn write_json<W: std::io::Write>(&self, mut writer: W) -> std::io::Result<()> {
        match &self.json {
            Some(text) => writer.write_all(text),
            None => Ok(serde_json::to_writer(writer, self.value())?),
        }
    }
}

impl From<Value> for Part {
    fn from(value: Value) -> Self {
        Part {
            json: None,
            value: OnceLock::from(value),
        }
    }
}

impl std::ops::Deref for Part {
    type Target = Value;

    fn deref(&self) -> &Value {
        self.value()
    }
}

impl fmt::Debug for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.value(), f)
    }
}

impl fmt::Display for Part {
    /// The document as JSON text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

impl fmt::Display for Parts {
    /// `todo-status {...}, note-priority {...}` for the document with logical id `id`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.id {
            Some(id) => write!(f, "companions of {id:?}:")?,
            None => f.write_str("companions:")?,
        }
        if self.docs.is_empty() {
            return f.write_str(" none");
        }
        for (i, (schema, part)) in self.docs.iter().enumerate() {
            let comma = if i == 0 { "" } else { "," };
            write!(f, "{comma} {schema} {part}")?;
        }
        Ok(())
    }
}

impl PartialEq for Part {
    fn eq(&self, other: &Part) -> bool {
        self.value() == other.value()
    }
}

impl PartialEq<Value> for Part {
    fn eq(&self, other: &Value) -> bool {
        self.value() == other
    }
}

impl Serialize for Part {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value().serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn part_docs_stay_sorted_and_replace_by_key() {
        let mut docs = PartDocs::new();
        assert!(docs.is_empty());
        assert_eq!(docs.insert("b", json!(2)), None);
        assert_eq!(docs.insert("d", json!(4)), None);
        assert_eq!(docs.insert("a", json!(1)), None);
        assert_eq!(docs.insert("c", json!(3)), None);
        assert_eq!(
            docs.insert("a", json!(10)).map(Part::into_value),
            Some(json!(1))
        );
        assert_eq!(
            docs.insert("c", json!(30)).map(Part::into_value),
            Some(json!(3))
        );
        assert_eq!(docs.keys().collect::<Vec<_>>(), ["a", "b", "c", "d"]);
        assert_eq!(docs.len(), 4);
        assert_eq!(docs["c"], json!(30));
        assert_eq!(docs.remove("a").map(Part::into_value), Some(json!(10)));
        assert_eq!(docs.remove("x"), None);
        assert_eq!(docs.keys().collect::<Vec<_>>(), ["b", "c", "d"]);
        assert_eq!(
            docs.get("b").map(|p| p.to_json().into_owned()),
            Some("2".to_owned())
        );
        let values = docs.clone().into_values();
        assert_eq!(PartDocs::from(values.clone()), docs);
        assert_eq!(values.keys().collect::<Vec<_>>(), ["b", "c", "d"]);
        for key in ["c", "b", "d"] {
            assert!(docs.remove(key).is_some());
        }
        assert!(docs.is_empty());
    }

    #[test]
    fn parts_display_as_json_text() {
        let mut parts = Parts::new(Some("7f3c".into()));
        assert_eq!(parts.to_string(), r#"companions of "7f3c": none"#);
        parts.docs.insert("b", json!({"x": 1}));
        parts.docs.insert("a", json!("q\"uote"));
        assert_eq!(parts.docs["b"].to_string(), r#"{"x":1}"#);
        assert_eq!(
            parts.to_string(),
            r#"companions of "7f3c": a "q\"uote", b {"x":1}"#
        );
    }
}
