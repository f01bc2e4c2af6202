//! JSON types as a small set, with `integer` a subset of `number`.

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JsonType {
    Null,
    Boolean,
    Integer,
    Number,
    String,
    Array,
    Object,
}

impl JsonType {
    pub const ALL: [JsonType; 7] = [
        JsonType::Null,
        JsonType::Boolean,
        JsonType::Integer,
        JsonType::Number,
        JsonType::String,
        JsonType::Array,
        JsonType::Object,
    ];

    pub fn name(self) -> &'static str {
        match self {
            JsonType::Null => "null",
            JsonType::Boolean => "boolean",
            JsonType::Integer => "integer",
            JsonType::Number => "number",
            JsonType::String => "string",
            JsonType::Array => "array",
            JsonType::Object => "object",
        }
    }

    pub fn from_name(name: &str) -> Option<JsonType> {
        JsonType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The most specific type of a value (`1` and `1.0` are integers, as in JSON Schema).
    pub fn of(value: &Value) -> JsonType {
        match value {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Number(n) => {
                if n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0) {
                    JsonType::Integer
                } else {
                    JsonType::Number
                }
            }
            Value::String(_) => JsonType::String,
            Value::Array(_) => JsonType::Array,
            Value::Object(_) => JsonType::Object,
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of JSON types. `number` in the set admits integers too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TypeSet(u8);

impl TypeSet {
    pub const EMPTY: TypeSet = TypeSet(0);

    pub fn any() -> TypeSet {
        JsonType::ALL
            .into_iter()
            .fold(TypeSet::EMPTY, TypeSet::with)
    }

    pub fn with(self, t: JsonType) -> TypeSet {
        TypeSet(self.0 | t.bit())
    }

    pub fn without(self, t: JsonType) -> TypeSet {
        TypeSet(self.0 & !t.bit())
    }

    pub fn contains(self, t: JsonType) -> bool {
        self.0 & t.bit() != 0
    }

    /// Whether a value of type `t` is admitted (an integer is admitted by `number`).
    pub fn admits(self, t: JsonType) -> bool {
        self.contains(t) || (t == JsonType::Integer && self.contains(JsonType::Number))
    }

    /// Every value admitted by `self` is admitted by `other`.
    pub fn admitted_by(self, other: TypeSet) -> bool {
        self.iter().all(|t| other.admits(t))
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = JsonType> {
        JsonType::ALL.into_iter().filter(move |t| self.contains(*t))
    }

    /// Types of `self` that some value in `of_values` has: `{number} ∩ values{integer}` is
    /// `{integer}`.
    pub fn intersect_values(self, of_values: TypeSet) -> TypeSet {
        of_values
            .iter()
            .filter(|t| self.admits(*t))
            .fold(TypeSet::EMPTY, TypeSet::with)
    }

    /// Types admitted by `self` and not by `other`, as names (`number` minus `integer` reads as
    /// `number`).
    pub fn names(self) -> String {
        let names: Vec<_> = self.iter().map(JsonType::name).collect();
        if names.is_empty() {
            "nothing".to_owned()
        } else {
            names.join(" | ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_is_admitted_by_number_not_the_reverse() {
        let int = TypeSet::EMPTY.with(JsonType::Integer);
        let num = TypeSet::EMPTY.with(JsonType::Number);
        assert!(int.admitted_by(num));
        assert!(!num.admitted_by(int));
        assert_eq!(JsonType::of(&serde_json::json!(2.0)), JsonType::Integer);
        assert_eq!(JsonType::of(&serde_json::json!(2.5)), JsonType::Number);
    }
}
