//! Reading a version's fields and its unknown fields in one pass ([`with_unknown`]).

use std::fmt;

use serde::Deserialize;
use serde_json::Value;

use super::tag::{TagNames, TagSeen};
use super::unknown::UnknownFields;

// serde's `#[serde(flatten)]` buffers every entry of the document before it deserializes the
// flattened map; the derive for a struct *without* `flatten` reads each known field straight
// from the input and skips each unknown one through `deserialize_ignored_any`. A version whose
// fields carry serde attributes beyond renames reads them (a private struct with the user's
// serde attributes and no `flatten`) through [`with_unknown`], which keeps each skipped
// top-level entry among the unknown fields instead. The other versions need no serde derive
// for reading at all: see [`super::fields`].

/// Deserializes `F` from `deserializer`, keeping every top-level entry `F` skips (an unknown
/// field) in the returned map, in document order.
pub fn with_unknown<'de, F, D>(deserializer: D) -> Result<(F, UnknownFields), D::Error>
where
    F: Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    let mut sink = Sink {
        unknown: UnknownFields::new(),
        tag: None,
        seen: TagSeen::default(),
    };
    let fields = F::deserialize(Capture {
        inner: deserializer,
        sink: &mut sink,
    })?;
    Ok((fields, sink.unknown))
}

/// [`with_unknown`], with the tag fields read aside (into the returned [`TagSeen`]) rather than
/// kept among the unknown fields: what [`Versioned::read_tagged`](super::versioned::Versioned::read_tagged) does for generated types.
pub fn with_unknown_tagged<'de, F, D>(
    deserializer: D,
    names: TagNames,
) -> Result<(F, UnknownFields, TagSeen), D::Error>
where
    F: Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    let mut sink = Sink {
        unknown: UnknownFields::new(),
        tag: Some(names),
        seen: TagSeen::default(),
    };
    let fields = F::deserialize(Capture {
        inner: deserializer,
        sink: &mut sink,
    })?;
    Ok((fields, sink.unknown, sink.seen))
}

/// Where the entries a struct skips go.
struct Sink {
    unknown: UnknownFields,
    /// When set, the tag fields are read into `seen` instead of `unknown`.
    tag: Option<TagNames>,
    seen: TagSeen,
}

/// A tag field, as named by a key of the document.
#[derive(Clone, Copy)]
pub(super) enum TagField {
    Schema,
    Version,
}

impl TagField {
    /// The tag field `key` names, if any.
    #[inline]
    pub(super) fn of(names: TagNames, key: &str) -> Option<TagField> {
        if key == names.schema_field {
            Some(TagField::Schema)
        } else if key == names.version_field {
            Some(TagField::Version)
        } else {
            None
        }
    }

    /// Reads the field's value from `d` into `seen`, without keeping it.
    pub(super) fn read<'de, D: serde::Deserializer<'de>>(
        self,
        names: TagNames,
        d: D,
        seen: &mut TagSeen,
    ) -> Result<(), D::Error> {
        match self {
            TagField::Schema => {
                let found = d.deserialize_any(TagVisitor(names.schema_name))?;
                seen.schema = Some(matches!(found, TagValue::Str(true)));
            }
            TagField::Version => {
                seen.version = Some(match d.deserialize_any(TagVisitor(""))? {
                    TagValue::Int(n) => Some(n),
                    _ => None,
                });
            }
        }
        Ok(())
    }
}

/// A tag field's value, read without keeping it.
enum TagValue {
    /// A string: whether it is the expected one.
    Str(bool),
    Int(u64),
    Other,
}

struct TagVisitor<'a>(&'a str);

impl<'de> Visitor<'de> for TagVisitor<'_> {
    type Value = TagValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<TagValue, E> {
        Ok(TagValue::Str(v == self.0))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<TagValue, E> {
        Ok(TagValue::Int(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<TagValue, E> {
        Ok(u64::try_from(v).map_or(TagValue::Other, TagValue::Int))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<TagValue, E> {
        Ok(super::tag::integral_number(v).map_or(TagValue::Other, TagValue::Int))
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<TagValue, E> {
        Ok(TagValue::Other)
    }

    fn visit_bytes<E: serde::de::Error>(self, _: &[u8]) -> Result<TagValue, E> {
        Ok(TagValue::Other)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<TagValue, E> {
        Ok(TagValue::Other)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<TagValue, E> {
        Ok(TagValue::Other)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<TagValue, D::Error> {
        serde::de::IgnoredAny::deserialize(d)?;
        Ok(TagValue::Other)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TagValue, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(TagValue::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TagValue, A::Error> {
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(TagValue::Other)
    }
}

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// The document's deserializer: its struct or map is visited through [`CaptureMap`].
struct Capture<'u, D> {
    inner: D,
    sink: &'u mut Sink,
}

macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {
        $(fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Self::Error> {
            self.inner.$method($($arg,)* visitor)
        })*
    };
}

impl<'de, D: serde::Deserializer<'de>> serde::Deserializer<'de> for Capture<'_, D> {
    type Error = D::Error;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.inner.deserialize_struct(
            name,
            fields,
            CaptureVisitor {
                inner: visitor,
                sink: self.sink,
            },
        )
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_map(CaptureVisitor {
            inner: visitor,
            sink: self.sink,
        })
    }

    forward!(
        deserialize_any(),
        deserialize_bool(),
        deserialize_i8(),
        deserialize_i16(),
        deserialize_i32(),
        deserialize_i64(),
        deserialize_i128(),
        deserialize_u8(),
        deserialize_u16(),
        deserialize_u32(),
        deserialize_u64(),
        deserialize_u128(),
        deserialize_f32(),
        deserialize_f64(),
        deserialize_char(),
        deserialize_str(),
        deserialize_string(),
        deserialize_bytes(),
        deserialize_byte_buf(),
        deserialize_option(),
        deserialize_unit(),
        deserialize_unit_struct(name: &'static str),
        deserialize_newtype_struct(name: &'static str),
        deserialize_seq(),
        deserialize_tuple(len: usize),
        deserialize_tuple_struct(name: &'static str, len: usize),
        deserialize_enum(name: &'static str, variants: &'static [&'static str]),
        deserialize_identifier(),
        deserialize_ignored_any(),
    );

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

struct CaptureVisitor<'u, V> {
    inner: V,
    sink: &'u mut Sink,
}

macro_rules! forward_visit {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(fn $method<E: serde::de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.inner.$method(v)
        })*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for CaptureVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(CaptureMap {
            inner: map,
            sink: self.sink,
            key: Key::None,
            scratch: String::new(),
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.inner.visit_seq(seq)
    }

    forward_visit!(
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_f64(f64),
        visit_str(&str),
        visit_borrowed_str(&'de str),
        visit_string(String),
        visit_bytes(&[u8]),
        visit_borrowed_bytes(&'de [u8]),
        visit_byte_buf(Vec<u8>),
    );

    fn visit_none<E: serde::de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }
}

/// The last key read: borrowed from the input when it can be, else copied into `scratch`.
#[derive(Clone, Copy)]
enum Key<'de> {
    None,
    Borrowed(&'de str),
    Scratch,
}

struct CaptureMap<'u, 'de, A> {
    inner: A,
    sink: &'u mut Sink,
    key: Key<'de>,
    scratch: String,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for CaptureMap<'_, 'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.key = Key::None;
        self.inner.next_key_seed(KeySeed {
            inner: seed,
            key: &mut self.key,
            scratch: &mut self.scratch,
        })
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        let key = match self.key {
            Key::None => None,
            Key::Borrowed(key) => Some(key),
            Key::Scratch => Some(self.scratch.as_str()),
        };
        self.inner.next_value_seed(ValueSeed {
            inner: seed,
            key,
            sink: self.sink,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

struct KeySeed<'k, 'de, K> {
    inner: K,
    key: &'k mut Key<'de>,
    scratch: &'k mut String,
}

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<'_, 'de, K> {
    type Value = K::Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<K::Value, D::Error> {
        self.inner.deserialize(KeyDe {
            inner: d,
            key: self.key,
            scratch: self.scratch,
        })
    }
}

/// A key's deserializer: whatever the key's type asks for, the string it visits is noted.
struct KeyDe<'k, 'de, D> {
    inner: D,
    key: &'k mut Key<'de>,
    scratch: &'k mut String,
}

macro_rules! forward_key {
    ($($method:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {
        $(fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Self::Error> {
            self.inner.$method($($arg,)* KeyVisitor { inner: visitor, key: self.key, scratch: self.scratch })
        })*
    };
}

impl<'de, D: serde::Deserializer<'de>> serde::Deserializer<'de> for KeyDe<'_, 'de, D> {
    type Error = D::Error;

    forward_key!(
        deserialize_any(),
        deserialize_bool(),
        deserialize_i8(),
        deserialize_i16(),
        deserialize_i32(),
        deserialize_i64(),
        deserialize_i128(),
        deserialize_u8(),
        deserialize_u16(),
        deserialize_u32(),
        deserialize_u64(),
        deserialize_u128(),
        deserialize_f32(),
        deserialize_f64(),
        deserialize_char(),
        deserialize_str(),
        deserialize_string(),
        deserialize_bytes(),
        deserialize_byte_buf(),
        deserialize_option(),
        deserialize_unit(),
        deserialize_unit_struct(name: &'static str),
        deserialize_newtype_struct(name: &'static str),
        deserialize_seq(),
        deserialize_tuple(len: usize),
        deserialize_tuple_struct(name: &'static str, len: usize),
        deserialize_map(),
        deserialize_struct(name: &'static str, fields: &'static [&'static str]),
        deserialize_enum(name: &'static str, variants: &'static [&'static str]),
        deserialize_identifier(),
        deserialize_ignored_any(),
    );

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

struct KeyVisitor<'k, 'de, V> {
    inner: V,
    key: &'k mut Key<'de>,
    scratch: &'k mut String,
}

impl<'de, V: Visitor<'de>> KeyVisitor<'_, 'de, V> {
    fn copy(self, v: &str) -> V {
        self.scratch.clear();
        self.scratch.push_str(v);
        *self.key = Key::Scratch;
        self.inner
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for KeyVisitor<'_, 'de, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        *self.key = Key::Borrowed(v);
        self.inner.visit_borrowed_str(v)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.copy(v).visit_str(v)
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<V::Value, E> {
        self.copy(&v).visit_string(v)
    }

    forward_visit!(
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_f64(f64),
        visit_bytes(&[u8]),
        visit_borrowed_bytes(&'de [u8]),
        visit_byte_buf(Vec<u8>),
    );

    fn visit_none<E: serde::de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D2: serde::Deserializer<'de>>(self, d: D2) -> Result<V::Value, D2::Error> {
        self.inner.visit_some(d)
    }

    fn visit_newtype_struct<D2: serde::Deserializer<'de>>(
        self,
        d: D2,
    ) -> Result<V::Value, D2::Error> {
        self.inner.visit_newtype_struct(d)
    }

    fn visit_seq<A2: SeqAccess<'de>>(self, seq: A2) -> Result<V::Value, A2::Error> {
        self.inner.visit_seq(seq)
    }

    fn visit_map<A2: MapAccess<'de>>(self, map: A2) -> Result<V::Value, A2::Error> {
        self.inner.visit_map(map)
    }

    fn visit_enum<A2: serde::de::EnumAccess<'de>>(self, data: A2) -> Result<V::Value, A2::Error> {
        self.inner.visit_enum(data)
    }
}

struct ValueSeed<'u, 'k, S> {
    inner: S,
    key: Option<&'k str>,
    sink: &'u mut Sink,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for ValueSeed<'_, '_, S> {
    type Value = S::Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.inner.deserialize(ValueDe {
            inner: d,
            key: self.key,
            sink: self.sink,
        })
    }
}

/// A value's deserializer: a value the struct skips (`deserialize_ignored_any`) is read as a
/// `Value` and kept under its key; every other request goes straight to the input.
struct ValueDe<'u, 'k, D> {
    inner: D,
    key: Option<&'k str>,
    sink: &'u mut Sink,
}

impl<'de, D: serde::Deserializer<'de>> serde::Deserializer<'de> for ValueDe<'_, '_, D> {
    type Error = D::Error;

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let Some(key) = self.key else {
            serde::de::IgnoredAny::deserialize(self.inner)?;
            return visitor.visit_unit();
        };
        if let Some(names) = self.sink.tag
            && let Some(field) = TagField::of(names, key)
        {
            field.read(names, self.inner, &mut self.sink.seen)?;
            return visitor.visit_unit();
        }
        let value = Value::deserialize(self.inner)?;
        self.sink.unknown.insert(key.to_owned(), value);
        visitor.visit_unit()
    }

    forward!(
        deserialize_any(),
        deserialize_bool(),
        deserialize_i8(),
        deserialize_i16(),
        deserialize_i32(),
        deserialize_i64(),
        deserialize_i128(),
        deserialize_u8(),
        deserialize_u16(),
        deserialize_u32(),
        deserialize_u64(),
        deserialize_u128(),
        deserialize_f32(),
        deserialize_f64(),
        deserialize_char(),
        deserialize_str(),
        deserialize_string(),
        deserialize_bytes(),
        deserialize_byte_buf(),
        deserialize_option(),
        deserialize_unit(),
        deserialize_unit_struct(name: &'static str),
        deserialize_newtype_struct(name: &'static str),
        deserialize_seq(),
        deserialize_tuple(len: usize),
        deserialize_tuple_struct(name: &'static str, len: usize),
        deserialize_map(),
        deserialize_struct(name: &'static str, fields: &'static [&'static str]),
        deserialize_enum(name: &'static str, variants: &'static [&'static str]),
        deserialize_identifier(),
    );

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}
