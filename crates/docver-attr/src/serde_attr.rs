//! `#[serde(...)]` as a typed model, read once for both users: the derive (which reader it
//! generates, the JSON names it reads) and the source checker (each version's JSON Schema).
//!
//! The keys are serde_derive's own, per level (container, variant, field). A key serde does
//! not know at that level is a located [`SerdeWarning`], not an error: serde's derive rejects
//! it when the code is compiled, and a checker that reads source without compiling says so
//! and carries on.

use proc_macro2::Span;
use syn::Attribute;
use syn::meta::ParseNestedMeta;

use crate::attr::{key_name, unknown_key};
use crate::case::RenameRule;

/// Keys serde accepts on a struct or enum.
pub const CONTAINER_KEYS: &[&str] = &[
    "rename",
    "rename_all",
    "rename_all_fields",
    "deny_unknown_fields",
    "tag",
    "content",
    "untagged",
    "bound",
    "default",
    "remote",
    "transparent",
    "from",
    "try_from",
    "into",
    "field_identifier",
    "variant_identifier",
    "crate",
    "expecting",
];
/// Keys serde accepts on an enum variant.
pub const VARIANT_KEYS: &[&str] = &[
    "rename",
    "alias",
    "rename_all",
    "skip",
    "skip_serializing",
    "skip_deserializing",
    "other",
    "untagged",
    "bound",
    "with",
    "serialize_with",
    "deserialize_with",
    "borrow",
];
/// Keys serde accepts on a field.
pub const FIELD_KEYS: &[&str] = &[
    "rename",
    "alias",
    "default",
    "flatten",
    "skip",
    "skip_serializing",
    "skip_deserializing",
    "skip_serializing_if",
    "serialize_with",
    "deserialize_with",
    "with",
    "borrow",
    "bound",
    "getter",
];

/// One key of a `#[serde(...)]` attribute, as written.
#[derive(Debug, Clone)]
pub struct SerdeKey {
    pub name: String,
    /// The key's path, for diagnostics.
    pub span: Span,
    pub value: SerdeValue,
}

/// How a key's value is written.
#[derive(Debug, Clone, PartialEq)]
pub enum SerdeValue {
    /// `key`
    Bare,
    /// `key = "..."`
    Str(String),
    /// `key = <anything but a string>`
    Expr,
    /// `key(serialize = "...", deserialize = "...")`, either part optional.
    Split {
        serialize: Option<String>,
        deserialize: Option<String>,
    },
}

/// Which way serde is going: the names and skips of the two may differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Serialize,
    Deserialize,
}

/// A value serde keeps per direction (`rename = "a"` sets both, `rename(serialize = "a")` one).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PerDirection<T> {
    pub serialize: T,
    pub deserialize: T,
}

impl<T> PerDirection<T> {
    pub fn get(&self, direction: Direction) -> &T {
        match direction {
            Direction::Serialize => &self.serialize,
            Direction::Deserialize => &self.deserialize,
        }
    }
}

/// An explicit `rename`, per direction.
pub type Renamed = PerDirection<Option<String>>;
/// A `rename_all` (or `rename_all_fields`) style, per direction.
pub type RenameRules = PerDirection<RenameRule>;

/// `default` (`Default::default()`) or `default = "path"` (a function returning the value).
#[derive(Debug, Clone, PartialEq)]
pub enum SerdeDefault {
    Trait,
    Path(String),
}

/// A key serde would reject, with where it is written.
#[derive(Debug, Clone)]
pub struct SerdeWarning {
    pub span: Span,
    pub message: String,
}

/// One level's `#[serde(...)]` attributes as written, and what serde would reject in them.
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// Every key as written, in order.
    pub keys: Vec<SerdeKey>,
    /// False when an attribute does not parse (serde's derive reports it); `keys` then holds
    /// the keys before the mistake.
    pub readable: bool,
    pub warnings: Vec<SerdeWarning>,
}

/// `#[serde(...)]` on a struct or enum.
#[derive(Debug, Clone, Default)]
pub struct SerdeContainer {
    pub written: Written,
    pub rename: Renamed,
    pub rename_all: RenameRules,
    /// On an enum: the style of the fields of its struct variants.
    pub rename_all_fields: RenameRules,
    pub default: Option<SerdeDefault>,
    pub tag: Option<String>,
    pub content: Option<String>,
    pub untagged: bool,
    pub transparent: bool,
    pub deny_unknown_fields: bool,
    /// The type serde converts through: `from`/`try_from` when reading, `into` when writing.
    pub conversion: PerDirection<Option<String>>,
}

/// `#[serde(...)]` on an enum variant.
#[derive(Debug, Clone, Default)]
pub struct SerdeVariant {
    pub written: Written,
    pub rename: Renamed,
    pub aliases: Vec<String>,
    /// The style of this variant's fields (over the enum's `rename_all_fields`).
    pub rename_all: RenameRules,
    pub skip: PerDirection<bool>,
    /// `other`: the variant read for any unknown tag.
    pub other: bool,
    pub untagged: bool,
    pub with: PerDirection<bool>,
}

/// `#[serde(...)]` on a field.
#[derive(Debug, Clone, Default)]
pub struct SerdeField {
    pub written: Written,
    pub rename: Renamed,
    pub aliases: Vec<String>,
    pub default: Option<SerdeDefault>,
    pub skip: PerDirection<bool>,
    /// `skip_serializing_if = "path"`: the field may be absent from what is written.
    pub skip_serializing_if: Option<String>,
    pub flatten: bool,
    /// `with`, `serialize_with`, `deserialize_with`: a custom function decides the shape.
    pub with: PerDirection<bool>,
    pub borrow: bool,
}

/// Every key of the `#[serde(...)]` attributes in `attrs`, in order, and the first syntax
/// error (after which an attribute's remaining keys are not read).
fn read_keys(attrs: &[Attribute]) -> (Vec<SerdeKey>, Option<syn::Error>) {
    let mut keys = Vec::new();
    let mut error = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let result = attr.parse_nested_meta(|meta| {
            let value = read_value(&meta)?;
            keys.push(SerdeKey {
                name: key_name(&meta),
                span: syn::spanned::Spanned::span(&meta.path),
                value,
            });
            Ok(())
        });
        if let Err(e) = result {
            error.get_or_insert(e);
        }
    }
    (keys, error)
}

fn read_value(meta: &ParseNestedMeta<'_>) -> syn::Result<SerdeValue> {
    if meta.input.peek(syn::Token![=]) {
        return Ok(match meta.value()?.parse::<syn::Expr>()? {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => SerdeValue::Str(s.value()),
            _ => SerdeValue::Expr,
        });
    }
    if !meta.input.peek(syn::token::Paren) {
        return Ok(SerdeValue::Bare);
    }
    let (mut serialize, mut deserialize) = (None, None);
    meta.parse_nested_meta(|inner| {
        let value = Some(inner.value()?.parse::<syn::LitStr>()?.value());
        match key_name(&inner).as_str() {
            "serialize" => serialize = value,
            "deserialize" => deserialize = value,
            _ => return Err(inner.error("expected `serialize = \"...\"` or `deserialize = \"...\"`")),
        }
        Ok(())
    })?;
    Ok(SerdeValue::Split {
        serialize,
        deserialize,
    })
}

/// Reads keys into one level's model, recording what serde would reject.
struct Reader<'a> {
    level: &'static str,
    known: &'static [&'static str],
    warnings: &'a mut Vec<SerdeWarning>,
}

impl Reader<'_> {
    fn warn(&mut self, key: &SerdeKey, message: String) {
        self.warnings.push(SerdeWarning {
            span: key.span,
            message,
        });
    }

    /// A key serde does not accept at this level.
    fn unknown(&mut self, key: &SerdeKey) {
        let elsewhere = [
            ("container", CONTAINER_KEYS),
            ("variant", VARIANT_KEYS),
            ("field", FIELD_KEYS),
        ]
        .into_iter()
        .find(|(_, keys)| keys.contains(&key.name.as_str()));
        let message = match elsewhere {
            Some((level, _)) => format!(
                "`{}` is a serde {level} attribute, not a {} attribute; serde's derive rejects it here",
                key.name, self.level
            ),
            None => unknown_key(
                &key.name,
                self.known,
                &format!("serde {} attribute", self.level),
            ),
        };
        self.warn(key, message);
    }

    /// The value of `key = "..."`.
    fn string(&mut self, key: &SerdeKey) -> Option<String> {
        match &key.value {
            SerdeValue::Str(s) => Some(s.clone()),
            _ => {
                self.warn(
                    key,
                    format!("serde reads `{0}` as `{0} = \"...\"`", key.name),
                );
                None
            }
        }
    }

    /// The values of `key = "..."` or `key(serialize = "...", deserialize = "...")`.
    fn per_direction(&mut self, key: &SerdeKey) -> PerDirection<Option<String>> {
        match &key.value {
            SerdeValue::Str(s) => PerDirection {
                serialize: Some(s.clone()),
                deserialize: Some(s.clone()),
            },
            SerdeValue::Split {
                serialize,
                deserialize,
            } => PerDirection {
                serialize: serialize.clone(),
                deserialize: deserialize.clone(),
            },
            _ => {
                self.warn(
                    key,
                    format!(
                        "serde reads `{0}` as `{0} = \"...\"` or `{0}(serialize = \"...\", deserialize = \"...\")`",
                        key.name
                    ),
                );
                PerDirection::default()
            }
        }
    }

    fn rename(&mut self, key: &SerdeKey, into: &mut Renamed) {
        let given = self.per_direction(key);
        if given.serialize.is_some() {
            into.serialize = given.serialize;
        }
        if given.deserialize.is_some() {
            into.deserialize = given.deserialize;
        }
    }

    fn rename_rules(&mut self, key: &SerdeKey, into: &mut RenameRules) {
        let given = self.per_direction(key);
        for (style, rule) in [
            (given.serialize, &mut into.serialize),
            (given.deserialize, &mut into.deserialize),
        ] {
            let Some(style) = style else { continue };
            match RenameRule::from_name(&style) {
                Some(parsed) => *rule = parsed,
                None => {
                    let expected: Vec<String> = crate::case::RENAME_RULES
                        .iter()
                        .map(|(name, _)| format!("{name:?}"))
                        .collect();
                    self.warn(
                        key,
                        format!(
                            "unknown rename rule `{} = {style:?}`; expected one of {}",
                            key.name,
                            expected.join(", ")
                        ),
                    );
                }
            }
        }
    }

    fn alias(&mut self, key: &SerdeKey, into: &mut Vec<String>) {
        into.extend(self.string(key));
    }

    fn default(&mut self, key: &SerdeKey) -> Option<SerdeDefault> {
        match &key.value {
            SerdeValue::Bare => Some(SerdeDefault::Trait),
            _ => self.string(key).map(SerdeDefault::Path),
        }
    }

    /// `with`, `serialize_with` or `deserialize_with`.
    fn with(&mut self, key: &SerdeKey, into: &mut PerDirection<bool>) {
        if self.string(key).is_none() {
            return;
        }
        let (serialize, deserialize) = match key.name.as_str() {
            "serialize_with" => (true, false),
            "deserialize_with" => (false, true),
            _ => (true, true),
        };
        into.serialize |= serialize;
        into.deserialize |= deserialize;
    }

    /// `skip`, `skip_serializing` or `skip_deserializing`.
    fn skip(&mut self, key: &SerdeKey, into: &mut PerDirection<bool>) {
        match key.name.as_str() {
            "skip_serializing" => into.serialize = true,
            "skip_deserializing" => into.deserialize = true,
            _ => {
                into.serialize = true;
                into.deserialize = true;
            }
        }
    }
}

/// Reads the `#[serde(...)]` of one level into `T`: `apply` interprets each key known at the
/// level; any other key, and a syntax error, is a warning.
fn read_level<T: Default>(
    attrs: &[Attribute],
    level: &'static str,
    known: &'static [&'static str],
    mut apply: impl FnMut(&mut Reader<'_>, &SerdeKey, &mut T),
) -> (T, Written) {
    let (keys, error) = read_keys(attrs);
    let mut warnings: Vec<SerdeWarning> = error
        .iter()
        .map(|e| SerdeWarning {
            span: e.span(),
            message: format!("cannot read this serde attribute: {e}"),
        })
        .collect();
    let mut out = T::default();
    let mut reader = Reader {
        level,
        known,
        warnings: &mut warnings,
    };
    for key in &keys {
        if known.contains(&key.name.as_str()) {
            apply(&mut reader, key, &mut out);
        } else {
            reader.unknown(key);
        }
    }
    let written = Written {
        keys,
        readable: error.is_none(),
        warnings,
    };
    (out, written)
}

impl SerdeContainer {
    pub fn from_attrs(attrs: &[Attribute]) -> SerdeContainer {
        let (mut out, written) = read_level(
            attrs,
            "container",
            CONTAINER_KEYS,
            |reader, key, out: &mut SerdeContainer| match key.name.as_str() {
                "rename" => reader.rename(key, &mut out.rename),
                "rename_all" => reader.rename_rules(key, &mut out.rename_all),
                "rename_all_fields" => reader.rename_rules(key, &mut out.rename_all_fields),
                "default" => out.default = reader.default(key),
                "tag" => out.tag = reader.string(key),
                "content" => out.content = reader.string(key),
                "untagged" => out.untagged = true,
                "transparent" => out.transparent = true,
                "deny_unknown_fields" => out.deny_unknown_fields = true,
                "from" | "try_from" => out.conversion.deserialize = reader.string(key),
                "into" => out.conversion.serialize = reader.string(key),
                _ => {}
            },
        );
        out.written = written;
        out
    }
}

impl SerdeVariant {
    pub fn from_attrs(attrs: &[Attribute]) -> SerdeVariant {
        let (mut out, written) = read_level(
            attrs,
            "variant",
            VARIANT_KEYS,
            |reader, key, out: &mut SerdeVariant| match key.name.as_str() {
                "rename" => reader.rename(key, &mut out.rename),
                "alias" => reader.alias(key, &mut out.aliases),
                "rename_all" => reader.rename_rules(key, &mut out.rename_all),
                "skip" | "skip_serializing" | "skip_deserializing" => {
                    reader.skip(key, &mut out.skip)
                }
                "other" => out.other = true,
                "untagged" => out.untagged = true,
                "with" | "serialize_with" | "deserialize_with" => reader.with(key, &mut out.with),
                _ => {}
            },
        );
        out.written = written;
        out
    }
}

impl SerdeField {
    pub fn from_attrs(attrs: &[Attribute]) -> SerdeField {
        let (mut out, written) = read_level(
            attrs,
            "field",
            FIELD_KEYS,
            |reader, key, out: &mut SerdeField| match key.name.as_str() {
                "rename" => reader.rename(key, &mut out.rename),
                "alias" => reader.alias(key, &mut out.aliases),
                "default" => out.default = reader.default(key),
                "skip" | "skip_serializing" | "skip_deserializing" => {
                    reader.skip(key, &mut out.skip)
                }
                "skip_serializing_if" => out.skip_serializing_if = reader.string(key),
                "flatten" => out.flatten = true,
                "with" | "serialize_with" | "deserialize_with" => reader.with(key, &mut out.with),
                "borrow" => out.borrow = true,
                _ => {}
            },
        );
        out.written = written;
        out
    }

    /// The field's JSON name going `direction`: its `rename`, else `rule` applied to `ident`
    /// (without `r#`).
    pub fn name(&self, ident: &str, rule: &RenameRules, direction: Direction) -> String {
        self.rename.get(direction).clone().unwrap_or_else(|| {
            rule.get(direction)
                .apply_to_field(crate::case::unraw(ident))
        })
    }
}

impl SerdeVariant {
    /// The variant's JSON name going `direction`: its `rename`, else the enum's `rename_all`
    /// applied to `ident` (without `r#`).
    pub fn name(&self, ident: &str, rule: &RenameRules, direction: Direction) -> String {
        self.rename.get(direction).clone().unwrap_or_else(|| {
            rule.get(direction)
                .apply_to_variant(crate::case::unraw(ident))
        })
    }

    /// The style of this variant's fields: its own `rename_all`, else the enum's
    /// `rename_all_fields`.
    pub fn field_rules(&self, container: &SerdeContainer) -> RenameRules {
        PerDirection {
            serialize: self
                .rename_all
                .serialize
                .or(container.rename_all_fields.serialize),
            deserialize: self
                .rename_all
                .deserialize
                .or(container.rename_all_fields.deserialize),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    #[test]
    fn rename_per_direction() {
        let field = SerdeField::from_attrs(&[parse_quote!(#[serde(rename(serialize = "out"))])]);
        let rules = RenameRules::default();
        assert_eq!(field.name("x", &rules, Direction::Serialize), "out");
        assert_eq!(field.name("x", &rules, Direction::Deserialize), "x");
        assert!(field.written.warnings.is_empty());
    }

    #[test]
    fn unknown_keys_are_located_warnings() {
        let field: syn::Field = parse_quote! {
            #[serde(renam = "a", tag = "t", default)]
            x: u8
        };
        let serde = SerdeField::from_attrs(&field.attrs);
        let messages: Vec<&str> = serde
            .written
            .warnings
            .iter()
            .map(|w| w.message.as_str())
            .collect();
        assert_eq!(
            messages,
            [
                "unknown serde field attribute `renam`; did you mean `rename`?",
                "`tag` is a serde container attribute, not a field attribute; serde's derive rejects it here",
            ]
        );
        assert_eq!(serde.default, Some(SerdeDefault::Trait));
        assert!(serde.written.readable);
    }

    #[test]
    fn a_bad_rename_rule_is_a_warning() {
        let container =
            SerdeContainer::from_attrs(&[parse_quote!(#[serde(rename_all = "camelcase")])]);
        assert_eq!(container.rename_all, RenameRules::default());
        assert!(container.written.warnings[0].message.starts_with(
            "unknown rename rule `rename_all = \"camelcase\"`; expected one of \"lowercase\""
        ));
    }

    #[test]
    fn an_unparsable_attribute_is_unreadable() {
        let field = SerdeField::from_attrs(&[parse_quote!(#[serde(rename = "a", = )])]);
        assert!(!field.written.readable);
        assert_eq!(field.written.keys.len(), 1);
        assert_eq!(field.written.warnings.len(), 1);
    }

    #[test]
    fn variant_fields_use_the_variant_style_over_the_enum_one() {
        let container = SerdeContainer::from_attrs(&[parse_quote!(
            #[serde(rename_all_fields = "camelCase")]
        )]);
        let plain = SerdeVariant::from_attrs(&[]);
        let own = SerdeVariant::from_attrs(&[parse_quote!(#[serde(rename_all = "kebab-case")])]);
        let d = Direction::Deserialize;
        assert_eq!(*plain.field_rules(&container).get(d), RenameRule::CamelCase);
        assert_eq!(*own.field_rules(&container).get(d), RenameRule::KebabCase);
    }
}
