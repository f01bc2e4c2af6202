//! Writing a version as stored: the tag first, then the version's fields and its unknown
//! fields, in one pass ([`Tagged`]), as a `Value` or straight to text.

use serde::ser::{Error as _, Impossible, SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

use super::versioned::Versioned;

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
    doc.serialize_fields(Flatten {
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
pub(super) fn append_tagged<T: Versioned>(
    doc: &T,
    out: &mut Vec<u8>,
) -> Result<(), serde_json::Error> {
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
    let written = doc.serialize_fields(&mut serde_json::Serializer::new(&mut *out));
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
