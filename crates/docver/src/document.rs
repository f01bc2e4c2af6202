//! Versioned documents at run time: the type/version tag stored in every document, unknown
//! fields kept across versions, companion documents of split versions, versioned ids, and the
//! merge that lets an old app edit a newer document without losing what it doesn't know.
//!
//! `schema-derive` generates types that implement [`Versioned`]; everything here is plain code
//! the generated code calls.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::de::DeserializeOwned;
use serde::ser::{Error as _, Impossible, SerializeMap, SerializeStruct};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::error::DocError;
use crate::family::{DocumentSet, Loss, Migrated};

/// Fields a reader does not know, kept so that writing a document back does not drop them.
pub type UnknownFields = Map<String, Value>;

/// A document type at one version: what the derive generates for each version of a family.
pub trait Versioned: Serialize + DeserializeOwned {
    /// The document type, stored in [`Self::SCHEMA_FIELD`] (e.g. `"todo-item"`).
    const SCHEMA_NAME: &'static str;
    /// This type's major version, stored in [`Self::VERSION_FIELD`].
    const VERSION: u32;
    /// The top-level field holding the type (the seed authors' convention: `schema`).
    const SCHEMA_FIELD: &'static str = "schema";
    /// The top-level field holding the integer major version (`version`).
    const VERSION_FIELD: &'static str = "version";
    /// The version an untagged document is read as, if the family declares one.
    const BASE_VERSION: Option<u32> = None;

    fn unknown_fields(&self) -> &UnknownFields;
    fn unknown_fields_mut(&mut self) -> &mut UnknownFields;

    /// The document as stored: tag fields first, then this version's fields, then the unknown
    /// ones. Built in one pass through [`Tagged`] (no second map).
    fn to_document(&self) -> Value {
        serde_json::to_value(Tagged(self)).unwrap_or_else(|_| {
            // Only a user field that cannot be JSON (a map with non-string keys, say) gets
            // here: the tag alone, as before.
            let mut doc = Map::new();
            doc.insert(
                Self::SCHEMA_FIELD.to_owned(),
                Value::from(Self::SCHEMA_NAME),
            );
            doc.insert(Self::VERSION_FIELD.to_owned(), Value::from(Self::VERSION));
            Value::Object(doc)
        })
    }

    /// The document as JSON text, tag fields first, streamed through [`Tagged`] (no
    /// intermediate `Value`).
    fn to_json(&self) -> String {
        let mut out = Vec::with_capacity(128);
        match append_tagged(self, &mut out) {
            Ok(()) => String::from_utf8(out).unwrap_or_default(),
            Err(_) => self.to_document().to_string(),
        }
    }

    /// Appends the document as JSON text, tag fields first, to `out` (the fastest way to
    /// write many documents into one buffer).
    fn append_json(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        append_tagged(self, out)
    }

    /// Writes the document as JSON text, tag fields first, straight into `writer`.
    fn to_writer<W: std::io::Write>(&self, writer: W) -> Result<(), serde_json::Error> {
        serde_json::to_writer(writer, &Tagged(self))
    }

    /// Reads JSON text that must be a document of exactly this version (or untagged, if this
    /// is the base version), straight from the text; only a document that does not read is
    /// parsed again, the slow way, for an error naming its id, version and field path.
    fn from_json(text: &str) -> Result<Self, DocError> {
        if let Ok((value, seen)) = read_json_tagged::<Self>(text)
            && seen.agrees(tag_names::<Self>(), Self::VERSION)
        {
            return Ok(value);
        }
        Self::from_document(&parse_value(text, Self::SCHEMA_NAME)?)
    }

    /// Deserializes this version with its tag fields read aside (not among the unknown
    /// fields). The derive overrides it to read them in the same pass.
    #[doc(hidden)]
    fn read_tagged<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<(Self, TagSeen), D::Error> {
        let mut value = Self::deserialize(deserializer)?;
        let seen = TagSeen::take_from(value.unknown_fields_mut(), tag_names::<Self>());
        Ok((value, seen))
    }

    /// Reads a document that must be of exactly this version (or untagged, if this is the base
    /// version). Errors name the document id, the version and the field path.
    fn from_document(doc: &Value) -> Result<Self, DocError> {
        let tag = read_tag(
            doc,
            Self::SCHEMA_NAME,
            Self::SCHEMA_FIELD,
            Self::VERSION_FIELD,
            Self::BASE_VERSION,
        )?;
        if tag != Self::VERSION {
            return Err(DocError::UnknownVersion {
                id: document_id(doc),
                schema: Self::SCHEMA_NAME.to_owned(),
                found: u64::from(tag),
                known: vec![Self::VERSION],
            });
        }
        let mut value: Self = decode(doc, Self::SCHEMA_NAME, Self::VERSION)?;
        let unknown = value.unknown_fields_mut();
        unknown.shift_remove(Self::SCHEMA_FIELD);
        unknown.shift_remove(Self::VERSION_FIELD);
        Ok(value)
    }
}

/// A versioned document serialized as stored: the type and version tag first, then the
/// version's fields, then its unknown fields, in one pass. `serde_json::to_writer(w,
/// &Tagged(&doc))` writes text without building a `Value`; `to_value(Tagged(&doc))` builds
/// one map. Unknown fields (or fields) named like the tag fields are left out: the tag wins.
#[derive(Debug, Clone, Copy)]
pub struct Tagged<'a, T: ?Sized>(pub &'a T);

impl<T: Versioned> Serialize for Tagged<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        write_tagged(self.0, &mut map)?;
        map.end()
    }
}

/// The tag, then the document's fields and unknown fields (without any named like the tag).
fn write_tagged<T: Versioned, M: SerializeMap>(doc: &T, map: &mut M) -> Result<(), M::Error> {
    let skip = [T::SCHEMA_FIELD, T::VERSION_FIELD];
    map.serialize_entry(T::SCHEMA_FIELD, T::SCHEMA_NAME)?;
    map.serialize_entry(T::VERSION_FIELD, &T::VERSION)?;
    // Unknown fields are few; a scan is cheaper than hashing. Only when one is named like the
    // tag (a caller put it there) is every key checked on the way out.
    let clash = doc
        .unknown_fields()
        .keys()
        .any(|k| skip.contains(&k.as_str()));
    doc.serialize(Flatten {
        map,
        skip: clash.then_some(skip),
    })
}

/// Whether an unknown field is named like a tag field (a caller put it there).
fn tag_clash<T: Versioned>(doc: &T) -> bool {
    doc.unknown_fields()
        .keys()
        .any(|k| k == T::SCHEMA_FIELD || k == T::VERSION_FIELD)
}

/// Appends `doc` as JSON text, tag first: the tag, then the document serialized as usual with
/// its opening brace turned into a comma, so the document's own `Serialize` is used as is.
fn append_tagged<T: Versioned>(doc: &T, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
    if tag_clash(doc) {
        return serde_json::to_writer(out, &Tagged(doc));
    }
    let start = out.len();
    out.push(b'{');
    serde_json::to_writer(&mut *out, T::SCHEMA_FIELD)?;
    out.push(b':');
    serde_json::to_writer(&mut *out, T::SCHEMA_NAME)?;
    out.push(b',');
    serde_json::to_writer(&mut *out, T::VERSION_FIELD)?;
    out.push(b':');
    serde_json::to_writer(&mut *out, &T::VERSION)?;
    let body = out.len();
    let written = serde_json::to_writer(&mut *out, doc);
    match (written, &out[body..]) {
        (Ok(()), b"{}") => {
            out.truncate(body);
            out.push(b'}');
            Ok(())
        }
        (Ok(()), [b'{', ..]) => {
            out[body] = b',';
            Ok(())
        }
        // Not an object after all: the general path, which reports it.
        _ => {
            out.truncate(start);
            serde_json::to_writer(out, &Tagged(doc))
        }
    }
}

/// Serializes a struct (or map) as entries of an enclosing map, skipping keys named in
/// `skip`: what `#[serde(flatten)]` does, without serde's private helper.
struct Flatten<'a, M> {
    map: &'a mut M,
    skip: Option<[&'a str; 2]>,
}

const NOT_A_MAP: &str = "a versioned document must serialize as a JSON object";

macro_rules! not_a_map {
    ($($method:ident($($ty:ty),*)),* $(,)?) => {
        $(fn $method(self, $(_: $ty),*) -> Result<(), M::Error> {
            Err(M::Error::custom(NOT_A_MAP))
        })*
    };
}

impl<'a, M: SerializeMap> Serializer for Flatten<'a, M> {
    type Ok = ();
    type Error = M::Error;
    type SerializeSeq = Impossible<(), M::Error>;
    type SerializeTuple = Impossible<(), M::Error>;
    type SerializeTupleStruct = Impossible<(), M::Error>;
    type SerializeTupleVariant = Impossible<(), M::Error>;
    type SerializeMap = Flatten<'a, M>;
    type SerializeStruct = Flatten<'a, M>;
    type SerializeStructVariant = Impossible<(), M::Error>;

    not_a_map!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_unit_variant(&'static str, u32, &'static str),
    );

    fn serialize_none(self) -> Result<(), M::Error> {
        Ok(())
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), M::Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), M::Error> {
        Ok(())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), M::Error> {
        Ok(())
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), M::Error> {
        Err(M::Error::custom(NOT_A_MAP))
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, M::Error> {
        Err(M::Error::custom(NOT_A_MAP))
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, M::Error> {
        Err(M::Error::custom(NOT_A_MAP))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, M::Error> {
        Err(M::Error::custom(NOT_A_MAP))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, M::Error> {
        Err(M::Error::custom(NOT_A_MAP))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, M::Error> {
        Ok(self)
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, M::Error> {
        Ok(self)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, M::Error> {
        Err(M::Error::custom(NOT_A_MAP))
    }
}

impl<M: SerializeMap> SerializeMap for Flatten<'_, M> {
    type Ok = ();
    type Error = M::Error;

    fn serialize_key<K: ?Sized + Serialize>(&mut self, key: &K) -> Result<(), M::Error> {
        // Only `serialize_entry` is used for the entries of a flattened map (serde's derives
        // and `Map`'s own `Serialize` call it); a key alone is passed through as is.
        self.map.serialize_key(key)
    }

    fn serialize_value<V: ?Sized + Serialize>(&mut self, value: &V) -> Result<(), M::Error> {
        self.map.serialize_value(value)
    }

    fn serialize_entry<K: ?Sized + Serialize, V: ?Sized + Serialize>(
        &mut self,
        key: &K,
        value: &V,
    ) -> Result<(), M::Error> {
        if let Some(skip) = self.skip
            && key.serialize(KeyIs(skip)).unwrap_or(false)
        {
            return Ok(());
        }
        self.map.serialize_entry(key, value)
    }

    fn end(self) -> Result<(), M::Error> {
        Ok(())
    }
}

impl<M: SerializeMap> SerializeStruct for Flatten<'_, M> {
    type Ok = ();
    type Error = M::Error;

    fn serialize_field<V: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), M::Error> {
        if self.skip.is_some_and(|skip| skip.contains(&key)) {
            return Ok(());
        }
        self.map.serialize_entry(key, value)
    }

    fn end(self) -> Result<(), M::Error> {
        Ok(())
    }
}

/// Whether a map key serializes as one of the given strings.
struct KeyIs<'a>([&'a str; 2]);

macro_rules! key_is_not {
    ($($method:ident($($ty:ty),*)),* $(,)?) => {
        $(fn $method(self, $(_: $ty),*) -> Result<bool, serde_json::Error> {
            Ok(false)
        })*
    };
}

impl Serializer for KeyIs<'_> {
    type Ok = bool;
    type Error = serde_json::Error;
    type SerializeSeq = Impossible<bool, serde_json::Error>;
    type SerializeTuple = Impossible<bool, serde_json::Error>;
    type SerializeTupleStruct = Impossible<bool, serde_json::Error>;
    type SerializeTupleVariant = Impossible<bool, serde_json::Error>;
    type SerializeMap = Impossible<bool, serde_json::Error>;
    type SerializeStruct = Impossible<bool, serde_json::Error>;
    type SerializeStructVariant = Impossible<bool, serde_json::Error>;

    fn serialize_str(self, v: &str) -> Result<bool, serde_json::Error> {
        Ok(self.0.contains(&v))
    }

    key_is_not!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    );

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<bool, serde_json::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<bool, serde_json::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<bool, serde_json::Error> {
        Ok(false)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, serde_json::Error> {
        Err(serde_json::Error::custom("not a string"))
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, serde_json::Error> {
        Err(serde_json::Error::custom("not a string"))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, serde_json::Error> {
        Err(serde_json::Error::custom("not a string"))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, serde_json::Error> {
        Err(serde_json::Error::custom("not a string"))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, serde_json::Error> {
        Err(serde_json::Error::custom("not a string"))
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, serde_json::Error> {
        Err(serde_json::Error::custom("not a string"))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, serde_json::Error> {
        Err(serde_json::Error::custom("not a string"))
    }
}

/// The names a family's documents are tagged with.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct TagNames {
    pub schema_name: &'static str,
    pub schema_field: &'static str,
    pub version_field: &'static str,
    pub base: Option<u32>,
}

/// The tag names of a version's family.
#[doc(hidden)]
pub fn tag_names<T: Versioned>() -> TagNames {
    TagNames {
        schema_name: T::SCHEMA_NAME,
        schema_field: T::SCHEMA_FIELD,
        version_field: T::VERSION_FIELD,
        base: T::BASE_VERSION,
    }
}

/// Reads JSON text as `T` with [`Versioned::read_tagged`] (as `serde_json::from_str` would,
/// trailing characters included).
#[doc(hidden)]
pub fn read_json_tagged<T: Versioned>(text: &str) -> Result<(T, TagSeen), serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let read = T::read_tagged(&mut deserializer)?;
    deserializer.end()?;
    Ok(read)
}

/// The version a JSON text most likely has, without parsing it: the number after the first
/// `"<version_field>":`, or the base version when that key does not occur at all. Only a guess
/// (the key may sit in a nested object): the reader checks the tag it finds in the document.
fn guess_version(text: &str, version_field: &str, base: Option<u32>) -> Option<u32> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(found) = text.get(from..)?.find(version_field) {
        let start = from + found;
        let end = start + version_field.len();
        from = end;
        if start == 0 || bytes[start - 1] != b'"' || bytes.get(end) != Some(&b'"') {
            continue;
        }
        let rest = text[end + 1..].trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let rest = rest.trim_start();
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        return rest[..digits].parse().ok();
    }
    base
}

/// A family's any-version enum, as the generated code implements it, so that reading JSON
/// text is one generic function rather than code generated per family.
#[doc(hidden)]
pub trait AnyVersion: Sized {
    const NAMES: TagNames;
    /// Every known version, ascending.
    const VERSIONS: &'static [u32];

    fn version(&self) -> u32;

    /// Reads a document tagged `version` (`None`: no such version).
    fn decode_version(version: u32, doc: &Value) -> Option<Result<Self, DocError>>;

    /// One step up; the error names the step (from, to).
    fn step_up(self, parts: &mut Parts) -> Result<Self, (u32, u32, MigrationError)>;

    /// One step down, with what it lost; the error names the step (from, to).
    fn step_down(self, parts: &mut Parts) -> Result<(Self, Loss), (u32, u32, MigrationError)>;

    /// The unknown fields of whichever version this is.
    fn unknown(&self) -> &UnknownFields;

    fn to_document(&self) -> Value;

    /// The version this family's reader saw last (0: none yet): the first guess for the next
    /// document, since documents read one after another mostly share a version.
    fn last_version() -> &'static std::sync::atomic::AtomicU32;

    /// Reads `text` straight into version `version`'s type with [`read_json_tagged`]
    /// (`None`: no such version).
    fn parse_version(
        version: u32,
        text: &str,
    ) -> Option<Result<(Self, TagSeen), serde_json::Error>>;
}

// Small generic helpers the generated match arms call with a variant's constructor, so that
// the arms need no closures of their own.

/// Reads `text` as `T` with [`read_json_tagged`], wrapped in the any-version enum.
#[inline]
pub fn parse_as<T: Versioned, A>(
    text: &str,
    wrap: fn(T) -> A,
) -> Result<(A, TagSeen), serde_json::Error> {
    read_json_tagged::<T>(text).map(|(doc, seen)| (wrap(doc), seen))
}

/// Reads `doc` as `T` ([`Versioned::from_document`]), wrapped in the any-version enum.
#[inline]
pub fn decode_as<T: Versioned, A>(doc: &Value, wrap: fn(T) -> A) -> Result<A, DocError> {
    T::from_document(doc).map(wrap)
}

/// One upgrade step's result, wrapped, its error naming the step.
#[inline]
pub fn stepped<T, A>(
    result: Result<T, MigrationError>,
    wrap: fn(T) -> A,
    from: u32,
    to: u32,
) -> Result<A, (u32, u32, MigrationError)> {
    match result {
        Ok(doc) => Ok(wrap(doc)),
        Err(e) => Err((from, to, e)),
    }
}

/// One downgrade step's result, wrapped, with what it loses; its error naming the step.
#[inline]
pub fn stepped_down<T, A>(
    result: Result<T, MigrationError>,
    wrap: fn(T) -> A,
    loss: fn() -> Loss,
    from: u32,
    to: u32,
) -> Result<(A, Loss), (u32, u32, MigrationError)> {
    match result {
        Ok(doc) => Ok((wrap(doc), loss())),
        Err(e) => Err((from, to, e)),
    }
}

/// One upgrade step on the way to the latest version; a failure is the typed error.
#[inline]
pub fn upgraded<T>(
    result: Result<T, MigrationError>,
    schema: &str,
    parts: &Parts,
    from: u32,
    to: u32,
) -> Result<T, DocError> {
    match result {
        Ok(doc) => Ok(doc),
        Err(e) => Err(migration_failed(schema, parts, from, to, e)),
    }
}

/// Reads a document of any known version (untagged documents as the base version).
pub fn any_from_document<A: AnyVersion>(doc: &Value) -> Result<A, DocError> {
    let names = A::NAMES;
    let version = read_tag(
        doc,
        names.schema_name,
        names.schema_field,
        names.version_field,
        names.base,
    )?;
    match A::decode_version(version, doc) {
        Some(read) => read,
        None => Err(DocError::UnknownVersion {
            id: document_id(doc),
            schema: names.schema_name.to_owned(),
            found: u64::from(version),
            known: A::VERSIONS.to_vec(),
        }),
    }
}

/// The stored document's id (`_id`, kept among the unknown fields), if any.
pub fn any_id<A: AnyVersion>(any: &A) -> Option<String> {
    any.unknown()
        .get("_id")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Migrates one version up or down, step by step, to `target`. Unknown fields survive; the
/// returned loss says what the downgrades could not keep.
pub fn any_migrate<A: AnyVersion>(
    any: A,
    target: u32,
    parts: &mut Parts,
) -> Result<(A, Loss), DocError> {
    let schema = A::NAMES.schema_name;
    if !A::VERSIONS.contains(&target) {
        return Err(DocError::UnknownVersion {
            id: parts.id.clone(),
            schema: schema.to_owned(),
            found: u64::from(target),
            known: A::VERSIONS.to_vec(),
        });
    }
    let mut current = any;
    let mut loss = Loss::Lossless;
    while current.version() != target {
        let step = if current.version() < target {
            current.step_up(parts).map(|next| (next, Loss::Lossless))
        } else {
            current.step_down(parts)
        };
        match step {
            Ok((next, step_loss)) => {
                current = next;
                loss = loss.then(step_loss);
            }
            Err((from, to, e)) => return Err(migration_failed(schema, parts, from, to, e)),
        }
    }
    Ok((current, loss))
}

fn no_path(schema: &str, parts: &Parts, from: u32, to: u32) -> DocError {
    DocError::Migration {
        id: parts.id.clone(),
        schema: schema.to_owned(),
        from,
        to,
        message: "no migration path".to_owned(),
    }
}

/// Reads a document of any known version as the version `extract` takes, migrating it up or
/// down.
pub fn read_as<A: AnyVersion, T>(
    doc: &Value,
    parts: &mut Parts,
    version: u32,
    extract: fn(A) -> Option<T>,
) -> Result<(T, Loss), DocError> {
    let (any, loss) = any_migrate(any_from_document::<A>(doc)?, version, parts)?;
    let found = any.version();
    match extract(any) {
        Some(read) => Ok((read, loss)),
        None => Err(no_path(A::NAMES.schema_name, parts, found, version)),
    }
}

/// Writes `this` (possibly edited) back over `original`, the document it was read from. When
/// `original` is newer, every field `T` does not know survives unchanged and the document
/// keeps its newer version; otherwise the document is written at `T`'s version.
pub fn write_back<A: AnyVersion, T: Versioned>(
    this: &T,
    wrap: fn(T) -> A,
    original: &Value,
    parts: &mut Parts,
) -> Result<Value, DocError> {
    let after = this.to_document();
    let stored = any_from_document::<A>(original)?;
    let stored_version = stored.version();
    if stored_version <= T::VERSION {
        return Ok(after);
    }
    let mut scratch = parts.clone();
    let (before, _) = any_migrate(stored, T::VERSION, &mut scratch)?;
    let edited = T::from_document(&after)?;
    let (upgraded, _) = any_migrate(wrap(edited), stored_version, parts)?;
    Ok(merge_edit(
        original,
        &before.to_document(),
        &after,
        &upgraded.to_document(),
    ))
}

/// [`Family::version_of`](crate::Family::version_of) for a generated family.
pub fn family_version_of<A: AnyVersion>(doc: &Value) -> Result<u32, DocError> {
    let names = A::NAMES;
    read_tag(
        doc,
        names.schema_name,
        names.schema_field,
        names.version_field,
        names.base,
    )
}

/// [`Family::migrate`](crate::Family::migrate) for a generated family.
pub fn family_migrate<A: AnyVersion>(docs: DocumentSet, target: u32) -> Result<Migrated, DocError> {
    let mut parts = Parts::with_docs(docs.id.clone(), docs.parts);
    let (migrated, loss) = any_migrate(any_from_document::<A>(&docs.main)?, target, &mut parts)?;
    Ok(Migrated {
        version: target,
        docs: DocumentSet {
            id: docs.id,
            main: migrated.to_document(),
            parts: parts.docs.into_values(),
        },
        loss,
    })
}

/// Reads JSON text as a document of any version of a family: guesses the version from the
/// text, reads it straight into that version's type, and checks the tag it kept among the
/// unknown fields. A wrong guess or a document that does not read is parsed again into a
/// `Value` and read by `from_document`, which names the id, the version and the field path.
pub fn any_from_json<A: AnyVersion>(text: &str) -> Result<A, DocError> {
    use std::sync::atomic::Ordering::Relaxed;
    let names = A::NAMES;
    let read_as = |version: u32| {
        let (any, seen) = A::parse_version(version, text)?.ok()?;
        seen.agrees(names, version).then_some(any)
    };
    // The version read last, then the one the text's tag most likely says.
    let last = A::last_version().load(Relaxed);
    if last != 0
        && let Some(any) = read_as(last)
    {
        return Ok(any);
    }
    if let Some(version) = guess_version(text, names.version_field, names.base)
        && version != last
        && let Some(any) = read_as(version)
    {
        A::last_version().store(version, Relaxed);
        return Ok(any);
    }
    any_from_document::<A>(&parse_value(text, names.schema_name)?)
}

/// [`any_from_json`] over bytes (which must be UTF-8, as JSON is).
pub fn any_from_slice<A: AnyVersion>(bytes: &[u8]) -> Result<A, DocError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => any_from_json(text),
        Err(e) => Err(not_json(A::NAMES.schema_name, &e)),
    }
}

fn not_json(schema: &str, e: &dyn fmt::Display) -> DocError {
    DocError::Invalid {
        id: None,
        schema: schema.to_owned(),
        version: 0,
        path: String::new(),
        message: format!("not JSON: {e}"),
    }
}

fn parse_value(text: &str, schema: &str) -> Result<Value, DocError> {
    serde_json::from_str(text).map_err(|e| not_json(schema, &e))
}

/// The id of a stored document (`_id` as CouchDB keeps it, or `id`), for error messages.
pub fn document_id(doc: &Value) -> Option<String> {
    ["_id", "id"]
        .iter()
        .find_map(|k| doc.get(*k).and_then(Value::as_str))
        .map(str::to_owned)
}

/// The version a document is tagged with. An untagged document is `base` if given; a document
/// of another type, a malformed tag or a missing tag without a base is an error.
pub fn read_tag(
    doc: &Value,
    schema_name: &str,
    schema_field: &str,
    version_field: &str,
    base: Option<u32>,
) -> Result<u32, DocError> {
    let id = || document_id(doc);
    let Some(object) = doc.as_object() else {
        return Err(DocError::Invalid {
            id: None,
            schema: schema_name.to_owned(),
            version: 0,
            path: String::new(),
            message: "a document must be a JSON object".to_owned(),
        });
    };
    if let Some(found) = object.get(schema_field) {
        if found.as_str() != Some(schema_name) {
            return Err(DocError::WrongSchema {
                id: id(),
                expected: schema_name.to_owned(),
                found: found.to_string(),
            });
        }
    }
    match object.get(version_field) {
        Some(v) => v
            .as_u64()
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| DocError::Invalid {
                id: id(),
                schema: schema_name.to_owned(),
                version: 0,
                path: format!("/{version_field}"),
                message: format!("the version tag must be a non-negative integer, found {v}"),
            }),
        None => base.ok_or_else(|| DocError::MissingTag {
            id: id(),
            schema: schema_name.to_owned(),
            field: version_field.to_owned(),
        }),
    }
}

/// Deserializes `doc` as version `version` of `schema`, naming the field path on failure.
pub fn decode<T: DeserializeOwned>(doc: &Value, schema: &str, version: u32) -> Result<T, DocError> {
    // Without path tracking first; only a document that does not read pays for the path.
    if let Ok(value) = T::deserialize(doc) {
        return Ok(value);
    }
    serde_path_to_error::deserialize(doc).map_err(|e| DocError::Invalid {
        id: document_id(doc),
        schema: schema.to_owned(),
        version,
        path: pointer_of(e.path()),
        message: e.inner().to_string(),
    })
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    let text = path.to_string();
    if text == "." {
        String::new()
    } else {
        format!("/{}", text.replace('.', "/"))
    }
}

/// Takes `key` out of the unknown fields if it holds a `T` (a value an older reader kept for a
/// field it did not know); leaves it in place otherwise.
pub fn take_unknown<T: DeserializeOwned>(unknown: &mut UnknownFields, key: &str) -> Option<T> {
    // Read in place (a `&Value` is a deserializer), so nothing is cloned.
    let value = T::deserialize(unknown.get(key)?).ok()?;
    unknown.shift_remove(key);
    Some(value)
}

/// Keeps `value` under `key` among the unknown fields (a field the target version lacks), so an
/// upgrade can restore it. A value equal to what the upgrade would fill in anyway (`default`)
/// is not kept, so that a downgrade of an upgraded document gives back the original.
pub fn stash<T: Serialize>(unknown: &mut UnknownFields, key: &str, value: &T, default: Option<&T>) {
    let Ok(value) = serde_json::to_value(value) else {
        return;
    };
    if let Some(default) = default
        && serde_json::to_value(default).is_ok_and(|d| d == value)
    {
        return;
    }
    unknown.insert(key.to_owned(), value);
}

/// The error of a failed migration step from `from` to `to`.
#[cold]
pub fn migration_failed(
    schema: &str,
    parts: &Parts,
    from: u32,
    to: u32,
    error: MigrationError,
) -> DocError {
    DocError::Migration {
        id: parts.id.clone(),
        schema: schema.to_owned(),
        from,
        to,
        message: error.message,
    }
}

/// Why a migration step failed: what a user migration function returned, or a conversion that
/// did not fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationError {
    pub message: String,
}

impl MigrationError {
    pub fn new(message: impl fmt::Display) -> Self {
        MigrationError {
            message: message.to_string(),
        }
    }
}

impl fmt::Display for MigrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MigrationError {}

/// The companion documents of one logical document (the seed's v4 todo keeps its status in a
/// `todo-status` document), keyed by schema name, plus the logical id they hang off.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parts {
    /// The raw uuid of the main document; companion documents refer to it, never to a
    /// versioned id.
    pub id: Option<String>,
    pub docs: PartDocs,
}

impl Parts {
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
    pub fn new() -> Self {
        PartDocs::default()
    }

    pub fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.more.len()
    }

    pub fn is_empty(&self) -> bool {
        self.first.is_none()
    }

    fn position(&self, schema: &str) -> Result<usize, usize> {
        self.more
            .binary_search_by(|(key, _)| key.as_ref().cmp(schema))
    }

    pub fn get(&self, schema: &str) -> Option<&Part> {
        match &self.first {
            Some((key, part)) if key == schema => Some(part),
            _ => self.position(schema).ok().map(|i| &self.more[i].1),
        }
    }

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

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries().map(|(k, _)| k.as_ref())
    }

    pub fn values(&self) -> impl Iterator<Item = &Part> {
        self.entries().map(|(_, v)| v)
    }

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

/// An id of the per-version-documents strategy: `todo-item@2:<uuid>`. References between
/// documents use the raw uuid, never this.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct VersionedId {
    pub schema: String,
    pub version: u32,
    pub uuid: String,
}

impl VersionedId {
    pub fn new(schema: impl Into<String>, version: u32, uuid: impl Into<String>) -> Self {
        VersionedId {
            schema: schema.into(),
            version,
            uuid: uuid.into(),
        }
    }

    /// Parses `schema@version:uuid`; `None` for ids of any other shape.
    pub fn parse(id: &str) -> Option<VersionedId> {
        let (schema, rest) = id.split_once('@')?;
        let (version, uuid) = rest.split_once(':')?;
        if schema.is_empty() || uuid.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(VersionedId::new(schema, version.parse().ok()?, uuid))
    }
}

impl fmt::Display for VersionedId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}:{}", self.schema, self.version, self.uuid)
    }
}

/// Writes an edit made by an app that knows an older version back into the newer document it
/// read, so that nothing the app does not know is lost and the document keeps its newer tag.
///
/// - `original`: the stored (newer) document;
/// - `before`: what the app read (the original downgraded to the app's version);
/// - `after`: what the app wants to write (its version);
/// - `after_upgraded`: `after` upgraded to the original's version.
///
/// Every top-level field the app changed takes its value from `after_upgraded` (so a field whose
/// type changed between versions is converted, not copied, and one the newer version keeps
/// elsewhere is not copied at all); everything else is kept from `original`.
pub fn merge_edit(
    original: &Value,
    before: &Value,
    after: &Value,
    after_upgraded: &Value,
) -> Value {
    let mut merged = original.clone();
    let (Some(merged_map), Some(after_map)) = (merged.as_object_mut(), after.as_object()) else {
        return merged;
    };
    for (key, value) in after_map {
        if before.get(key) == Some(value) {
            continue;
        }
        // A field the newer version no longer has at the top level (moved into a companion
        // document, say) reaches it through `after_upgraded`'s own shape, not by copying.
        if let Some(upgraded) = after_upgraded.get(key) {
            merged_map.insert(key.clone(), upgraded.clone());
        }
    }
    if let Some(before_map) = before.as_object() {
        for key in before_map.keys() {
            if !after_map.contains_key(key) && after_upgraded.get(key).is_none() {
                merged_map.remove(key);
            }
        }
    }
    merged
}

/// Which side of a version a schema describes: what its reader accepts (fields with a default
/// are optional) or what its writer emits (every field present).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contract {
    Reader,
    Writer,
}

/// The JSON Schema of one version, as schemars 1.x generates it (draft 2020-12), with the tag
/// fields added as required constants.
pub fn version_schema<T: Versioned + schemars::JsonSchema>(contract: Contract) -> Value {
    let settings = schemars::generate::SchemaSettings::draft2020_12();
    let settings = match contract {
        Contract::Reader => settings.for_deserialize(),
        Contract::Writer => settings.for_serialize(),
    };
    let generated = settings
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value();
    let Value::Object(mut generated) = generated else {
        return generated;
    };
    // Tag fields first, as required constants; then the version's own fields.
    let mut properties = Map::new();
    properties.insert(
        T::SCHEMA_FIELD.to_owned(),
        serde_json::json!({ "const": T::SCHEMA_NAME }),
    );
    properties.insert(
        T::VERSION_FIELD.to_owned(),
        serde_json::json!({ "const": T::VERSION }),
    );
    if let Some(Value::Object(rest)) = generated.remove("properties") {
        properties.extend(rest);
    }
    let mut required = vec![Value::from(T::SCHEMA_FIELD), Value::from(T::VERSION_FIELD)];
    if let Some(Value::Array(rest)) = generated.remove("required") {
        required.extend(rest);
    }
    // A stable, readable key order; the title is the document type (the same in every
    // version, so that diffs between versions show only real changes).
    let mut schema = Map::new();
    for key in ["$schema", "title", "description"] {
        if let Some(value) = generated.remove(key) {
            schema.insert(key.to_owned(), value);
        }
    }
    schema.insert("title".to_owned(), Value::from(T::SCHEMA_NAME));
    if let Some(t) = generated.remove("type") {
        schema.insert("type".to_owned(), t);
    }
    schema.insert("properties".to_owned(), Value::Object(properties));
    schema.insert("required".to_owned(), Value::Array(required));
    schema.extend(generated);
    Value::Object(schema)
}

// ---------------------------------------------------------------------------------------------
// Reading a version's fields and its unknown fields in one pass.
//
// serde's `#[serde(flatten)]` buffers every entry of the document before it deserializes the
// flattened map; the derive for a struct *without* `flatten` reads each known field straight
// from the input and skips each unknown one through `deserialize_ignored_any`. The generated
// `Deserialize` of a version reads its fields (a private struct with the user's serde
// attributes and no `flatten`) through [`with_unknown`], which keeps each skipped top-level
// entry among the unknown fields instead.

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
/// kept among the unknown fields: what [`Versioned::read_tagged`] does for generated types.
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

/// What a document's tag fields held, as read by [`Versioned::read_tagged`].
#[doc(hidden)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TagSeen {
    /// `None`: no schema field; `Some(true)`: it names this family.
    pub schema: Option<bool>,
    /// `None`: no version field; `Some(None)`: not a non-negative integer.
    pub version: Option<Option<u64>>,
}

impl TagSeen {
    /// Takes the tag fields out of `unknown` (for types read with their tag among the unknown
    /// fields).
    pub fn take_from(unknown: &mut UnknownFields, names: TagNames) -> TagSeen {
        if unknown.is_empty() {
            return TagSeen::default();
        }
        TagSeen {
            schema: unknown
                .shift_remove(names.schema_field)
                .map(|s| s.as_str() == Some(names.schema_name)),
            version: unknown
                .shift_remove(names.version_field)
                .map(|v| v.as_u64()),
        }
    }

    /// Whether the tag says this is a `names.schema_name` document of `version` (an untagged
    /// one is the base version).
    pub fn agrees(&self, names: TagNames, version: u32) -> bool {
        if self.schema == Some(false) {
            return false;
        }
        match self.version {
            Some(found) => found == Some(u64::from(version)),
            None => names.base == Some(version),
        }
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

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<TagValue, E> {
        Ok(TagValue::Other)
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
        if let Some(names) = self.sink.tag {
            if key == names.schema_field {
                let found = self.inner.deserialize_any(TagVisitor(names.schema_name))?;
                self.sink.seen.schema = Some(matches!(found, TagValue::Str(true)));
                return visitor.visit_unit();
            }
            if key == names.version_field {
                let found = self.inner.deserialize_any(TagVisitor(""))?;
                self.sink.seen.version = Some(match found {
                    TagValue::Int(n) => Some(n),
                    _ => None,
                });
                return visitor.visit_unit();
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn versioned_ids_round_trip_and_reject_other_shapes() {
        let id = VersionedId::new("todo-item", 2, "0b9e");
        assert_eq!(id.to_string(), "todo-item@2:0b9e");
        assert_eq!(VersionedId::parse("todo-item@2:0b9e"), Some(id));
        for bad in [
            "todo-item:0b9e",
            "todo-item@x:0b9e",
            "@2:0b9e",
            "todo-item@2:",
            "0b9e",
        ] {
            assert_eq!(VersionedId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn tags_are_read_with_a_base_for_untagged_documents() {
        let tagged = json!({"_id": "a", "schema": "todo-item", "version": 3});
        assert_eq!(
            read_tag(&tagged, "todo-item", "schema", "version", None),
            Ok(3)
        );
        let untagged = json!({"_id": "b", "title": "milk"});
        assert_eq!(
            read_tag(&untagged, "todo-item", "schema", "version", Some(1)),
            Ok(1)
        );
        let err = read_tag(&untagged, "todo-item", "schema", "version", None).unwrap_err();
        assert!(err.to_string().contains("document b"), "{err}");
        let other = json!({"_id": "c", "schema": "shopping", "version": 1});
        assert!(matches!(
            read_tag(&other, "todo-item", "schema", "version", None),
            Err(DocError::WrongSchema { .. })
        ));
    }

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
    fn guessed_versions_are_only_guesses() {
        assert_eq!(
            guess_version(r#"{"version":3}"#, "version", Some(1)),
            Some(3)
        );
        assert_eq!(guess_version(r#"{"a":1}"#, "version", Some(1)), Some(1));
        assert_eq!(guess_version(r#"{"a":1}"#, "version", None), None);
        assert_eq!(
            guess_version(r#"{"myversion":2, "version" : 7}"#, "version", None),
            Some(7)
        );
        assert_eq!(
            guess_version(r#"{"version":"x"}"#, "version", Some(1)),
            None
        );
        assert_eq!(
            guess_version(r#"{"version":99999999999}"#, "version", Some(1)),
            None
        );
        assert_eq!(guess_version("version", "version", Some(1)), Some(1));
    }

    #[test]
    fn merge_keeps_what_the_old_app_does_not_know() {
        let original =
            json!({"schema": "t", "version": 3, "title": "a", "status": "blocked", "x": 1});
        let before = json!({"schema": "t", "version": 2, "title": "a", "status": false, "x": 1});
        let after = json!({"schema": "t", "version": 2, "title": "b", "status": false, "x": 1});
        let upgraded = json!({"schema": "t", "version": 3, "title": "b", "status": "open", "x": 1});
        let merged = merge_edit(&original, &before, &after, &upgraded);
        assert_eq!(
            merged,
            json!({"schema": "t", "version": 3, "title": "b", "status": "blocked", "x": 1})
        );
    }
}
