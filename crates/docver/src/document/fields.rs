//! Reading a version's fields, its unknown fields and its tag in one pass, with the loop, the
//! key lookup and the tag handling written once here ([`read_fields`]) and only the per-field
//! part generated ([`FieldSlots`]).
//!
//! serde's derive emits, per struct, a field-name visitor, a sequence visitor and a map visitor;
//! for a family of N versions that is most of what the compiler spends on the family. When a
//! version's fields use no serde attribute beyond `rename`/`rename_all`/`alias`, the derive's
//! own defaults and keys that only change writing, `#[versioned]` implements [`FieldSlots`]
//! instead: one `Option` per field, a `match` that fills one, and the constructor. Anything
//! else goes through [`super::read::with_unknown`] and serde's derive, which understands every serde
//! attribute.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde_json::Value;

use super::tag::{TagNames, TagSeen};
use super::unknown::UnknownFields;
use super::versioned::Versioned;

use serde::de::{DeserializeSeed, MapAccess, Visitor};

use super::read::TagField;

/// A version's fields while its document is being read: one empty slot per field. Implemented
/// by `#[versioned]`; [`read_fields`] drives it.
pub trait FieldSlots<'de>: Sized {
    /// The version it builds.
    type Output;
    /// The name serde errors give the struct ("expected struct ...").
    const STRUCT_NAME: &'static str;
    /// The names the fields are read under: their JSON names in slot order, then their
    /// aliases.
    const NAMES: &'static [&'static str];
    /// Every slot empty.
    fn empty() -> Self;
    /// Reads the value of the field named `NAMES[index]` into its slot.
    fn fill<A: MapAccess<'de>>(&mut self, index: usize, map: &mut A) -> Result<(), A::Error>;
    /// The version, once the document is read: an empty slot is the field's default, `None` for
    /// an `Option`, or a missing-field error.
    fn finish<E: serde::de::Error>(self, unknown: UnknownFields) -> Result<Self::Output, E>;
}

/// Reads `S`'s fields from `deserializer`, every other top-level entry kept among the unknown
/// fields in document order; with `tag`, the tag fields are read aside into the [`TagSeen`].
#[inline]
pub fn read_fields<'de, S, D>(
    deserializer: D,
    tag: Option<TagNames>,
) -> Result<(S::Output, TagSeen), D::Error>
where
    S: FieldSlots<'de>,
    D: serde::Deserializer<'de>,
{
    deserializer.deserialize_struct(
        S::STRUCT_NAME,
        S::NAMES,
        SlotsVisitor::<S> {
            tag,
            slots: std::marker::PhantomData,
        },
    )
}

/// Refuses a document whose tag names another family or another version of this one (a
/// version's `Deserialize` reads the tag aside, so `serde_json::from_str::<NoteV1>` of a v2
/// document is an error rather than a v1 note with a stray tag). An untagged document is read
/// as the version asked for, as serde would.
#[inline]
pub fn refuse_other_tag<T: Versioned, E: serde::de::Error>(seen: TagSeen) -> Result<(), E> {
    if seen.schema == Some(false) {
        return Err(E::custom(format_args!(
            "not a `{}` document (its `{}` names another type)",
            T::SCHEMA_NAME,
            T::SCHEMA_FIELD
        )));
    }
    match seen.version {
        None => Ok(()),
        Some(Some(found)) if found == u64::from(T::VERSION) => Ok(()),
        Some(Some(found)) => Err(E::custom(format_args!(
            "a `{}` document of version {found}, not {}",
            T::SCHEMA_NAME,
            T::VERSION
        ))),
        Some(None) => Err(E::custom(format_args!(
            "the version tag `{}` must be a non-negative integer",
            T::VERSION_FIELD
        ))),
    }
}

/// Fills a slot, unless the document names the field twice (serde's derive refuses that too).
#[inline]
pub fn fill_slot<'de, T, A>(
    slot: &mut Option<T>,
    map: &mut A,
    name: &'static str,
) -> Result<(), A::Error>
where
    T: Deserialize<'de>,
    A: MapAccess<'de>,
{
    if slot.is_some() {
        return Err(serde::de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// A required field's value: an absent `Option` is `None` (as with serde's derive), anything
/// else absent is a missing-field error.
#[inline]
pub fn required_slot<'de, T, E>(slot: Option<T>, name: &'static str) -> Result<T, E>
where
    T: Deserialize<'de>,
    E: serde::de::Error,
{
    match slot {
        Some(value) => Ok(value),
        None => T::deserialize(MissingField(name, std::marker::PhantomData)),
    }
}

struct SlotsVisitor<S> {
    tag: Option<TagNames>,
    slots: std::marker::PhantomData<S>,
}

impl<'de, S: FieldSlots<'de>> Visitor<'de> for SlotsVisitor<S> {
    type Value = (S::Output, TagSeen);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", S::STRUCT_NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut slots = S::empty();
        let mut unknown = UnknownFields::new();
        let mut seen = TagSeen::default();
        while let Some(key) = map.next_key_seed(KeyLookup(S::NAMES))? {
            let name = match key {
                Key::Field(index) => {
                    slots.fill(index, &mut map)?;
                    continue;
                }
                Key::Other(name) => name,
            };
            if let Some(names) = self.tag
                && let Some(field) = TagField::of(names, &name)
            {
                map.next_value_seed(TagSeed {
                    field,
                    names,
                    seen: &mut seen,
                })?;
                continue;
            }
            let value: Value = map.next_value()?;
            unknown.insert(name.into_owned(), value);
        }
        Ok((slots.finish(unknown)?, seen))
    }
}

/// A key: the index of a known field, or the name of an unknown one (borrowed from the input
/// when it can be: a tag field's name is never copied).
enum Key<'de> {
    Field(usize),
    Other(Cow<'de, str>),
}

/// Looks a key up among the field names.
struct KeyLookup(&'static [&'static str]);

impl KeyLookup {
    #[inline]
    fn find(&self, key: &str) -> Option<usize> {
        self.0.iter().position(|name| *name == key)
    }
}

impl<'de> DeserializeSeed<'de> for KeyLookup {
    type Value = Key<'de>;

    #[inline]
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Key<'de>, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for KeyLookup {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    #[inline]
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(match self.find(v) {
            Some(index) => Key::Field(index),
            None => Key::Other(Cow::Owned(v.to_owned())),
        })
    }

    #[inline]
    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(match self.find(v) {
            Some(index) => Key::Field(index),
            None => Key::Other(Cow::Borrowed(v)),
        })
    }

    #[inline]
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(match self.find(&v) {
            Some(index) => Key::Field(index),
            None => Key::Other(Cow::Owned(v)),
        })
    }

    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Key<'de>, E> {
        match std::str::from_utf8(v) {
            Ok(v) => self.visit_str(v),
            Err(_) => Err(E::invalid_value(
                serde::de::Unexpected::Bytes(v),
                &"a UTF-8 field name",
            )),
        }
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Key<'de>, E> {
        // Formats that name fields by index (as serde's derive accepts).
        Ok(match usize::try_from(v) {
            Ok(index) if index < self.0.len() => Key::Field(index),
            _ => Key::Other(Cow::Owned(v.to_string())),
        })
    }
}

/// A tag field's value, read into the [`TagSeen`].
struct TagSeed<'s> {
    field: TagField,
    names: TagNames,
    seen: &'s mut TagSeen,
}

impl<'de> DeserializeSeed<'de> for TagSeed<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.field.read(self.names, d, self.seen)
    }
}

/// The deserializer of an absent field: `None` for an `Option`, a missing-field error for the
/// rest (what serde's derive does for a field without a default).
struct MissingField<E>(&'static str, std::marker::PhantomData<E>);

impl<'de, E: serde::de::Error> serde::Deserializer<'de> for MissingField<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `#[versioned]` generates for `{ title: String, note: Option<String>, done: bool
    /// (default) }`, written out.
    #[derive(Debug, PartialEq)]
    struct Todo {
        title: String,
        note: Option<String>,
        done: bool,
        unknown: UnknownFields,
    }

    struct Slots {
        title: Option<String>,
        note: Option<Option<String>>,
        done: Option<bool>,
    }

    impl<'de> FieldSlots<'de> for Slots {
        type Output = Todo;
        const STRUCT_NAME: &'static str = "Todo";
        const NAMES: &'static [&'static str] = &["title", "note", "done"];

        fn empty() -> Self {
            Slots {
                title: None,
                note: None,
                done: None,
            }
        }

        fn fill<A: MapAccess<'de>>(&mut self, index: usize, map: &mut A) -> Result<(), A::Error> {
            match index {
                0 => fill_slot(&mut self.title, map, "title"),
                1 => fill_slot(&mut self.note, map, "note"),
                _ => fill_slot(&mut self.done, map, "done"),
            }
        }

        fn finish<E: serde::de::Error>(self, unknown: UnknownFields) -> Result<Todo, E> {
            Ok(Todo {
                title: required_slot(self.title, "title")?,
                note: required_slot(self.note, "note")?,
                done: self.done.unwrap_or_default(),
                unknown,
            })
        }
    }

    fn names() -> TagNames {
        TagNames {
            schema_field: "schema",
            version_field: "version",
            schema_name: "todo-item",
            base: Some(1),
        }
    }

    fn read(text: &str, tag: bool) -> serde_json::Result<(Todo, TagSeen)> {
        let mut de = serde_json::Deserializer::from_str(text);
        read_fields::<Slots, _>(&mut de, tag.then(names))
    }

    #[test]
    fn known_fields_fill_slots_and_the_rest_is_kept_in_order() {
        let (todo, seen) = read(
            r#"{"z":1,"title":"a","_id":"x","done":true,"a":[2]}"#,
            false,
        )
        .unwrap();
        assert_eq!(todo.title, "a");
        assert_eq!(todo.note, None);
        assert!(todo.done);
        let keys: Vec<&str> = todo.unknown.keys().map(String::as_str).collect();
        assert_eq!(keys, ["z", "_id", "a"]);
        assert_eq!(seen, TagSeen::default());
    }

    #[test]
    fn tag_is_read_aside_only_when_asked() {
        let text = r#"{"schema":"todo-item","version":2,"title":"a"}"#;
        let (todo, seen) = read(text, true).unwrap();
        assert!(todo.unknown.is_empty());
        assert_eq!(seen.schema, Some(true));
        assert_eq!(seen.version, Some(Some(2)));
        let (todo, _) = read(text, false).unwrap();
        assert_eq!(todo.unknown.len(), 2);
    }

    #[test]
    fn errors_match_serde_derive() {
        let err = |text: &str| read(text, false).unwrap_err().to_string();
        assert!(err(r#"{"note":null}"#).starts_with("missing field `title`"));
        assert!(err(r#"{"title":"a","title":"b"}"#).starts_with("duplicate field `title`"));
        assert!(err(r#"{"title":1}"#).starts_with("invalid type: integer `1`, expected a string"));
        assert!(err(r#"["a"]"#).starts_with("invalid type: sequence, expected struct Todo"));
    }

    #[test]
    fn reads_from_a_value_too() {
        let value = serde_json::json!({"title": "a", "note": "n", "x": true});
        let (todo, _) = read_fields::<Slots, _>(&value, None).unwrap();
        assert_eq!(todo.note.as_deref(), Some("n"));
        assert_eq!(todo.unknown["x"], Value::Bool(true));
    }
}
