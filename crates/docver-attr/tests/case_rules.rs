//! The model's JSON names are the ones serde's derive writes: for every `rename_all` style, a
//! struct and an enum are serialized by real serde and each name compared with the one
//! `docver_attr::serde_attr` computes from the same source text.

// The odd names are the inputs under test.
#![allow(
    non_snake_case,
    non_camel_case_types,
    dead_code,
    clippy::upper_case_acronyms
)]

use docver_attr::serde_attr::{Direction, SerdeContainer, SerdeField, SerdeVariant};
use serde::Serialize;
use serde_json::{Value, json};

/// Defines the items (compiled with serde's derive) and keeps their source text.
macro_rules! with_source {
    ($($item:item)*) => {
        $($item)*
        pub const SOURCE: &[&str] = &[$(stringify!($item)),*];
    };
}

/// For one style: the struct's and the enum's serialized forms, their source text, and the
/// test comparing the two.
macro_rules! style {
    ($module:ident, $style:literal) => {
        mod $module {
            use super::*;
            with_source! {
                #[derive(Serialize, Default)]
                #[serde(rename_all = $style)]
                pub struct Fields {
                    foo_bar: u8,
                    a_b_c: u8,
                    r#type: u8,
                    fooBaz: u8,
                    http_server: u8,
                    x: u8,
                    _leading: u8,
                    trailing_: u8,
                    #[serde(rename = "kept")]
                    renamed: u8,
                }

                #[derive(Serialize)]
                #[serde(rename_all = $style, rename_all_fields = $style)]
                pub enum Variants {
                    FooBar,
                    HTTPServer,
                    A,
                    ABC,
                    r#Type,
                    a_b_c,
                    Struct { foo_bar: u8, a_b_c: u8, r#type: u8 },
                }
            }

            pub fn serialized() -> Serialized {
                let variants = vec![
                    json!(Variants::FooBar),
                    json!(Variants::HTTPServer),
                    json!(Variants::A),
                    json!(Variants::ABC),
                    json!(Variants::r#Type),
                    json!(Variants::a_b_c),
                    json!(Variants::Struct {
                        foo_bar: 0,
                        a_b_c: 0,
                        r#type: 0
                    }),
                ];
                (json!(Fields::default()), variants)
            }

            #[test]
            fn names_as_serde_does() {
                assert_model_matches_serde($style, SOURCE, serialized());
            }
        }
    };
}

style!(lowercase, "lowercase");
style!(uppercase, "UPPERCASE");
style!(pascal, "PascalCase");
style!(camel, "camelCase");
style!(snake, "snake_case");
style!(screaming_snake, "SCREAMING_SNAKE_CASE");
style!(kebab, "kebab-case");
style!(screaming_kebab, "SCREAMING-KEBAB-CASE");

/// What serde writes for one style: the struct, and each variant of the enum.
type Serialized = (Value, Vec<Value>);

/// The names the model gives the struct's fields, the enum's variants and the struct
/// variant's fields, from the source text.
fn model_names(source: &[&str]) -> (Vec<String>, Vec<String>, Vec<String>) {
    let structure: syn::ItemStruct = syn::parse_str(source[0]).unwrap();
    let enumeration: syn::ItemEnum = syn::parse_str(source[1]).unwrap();
    let way = Direction::Serialize;
    let container = SerdeContainer::from_attrs(&structure.attrs);
    let fields = structure
        .fields
        .iter()
        .map(|f| {
            let ident = f.ident.as_ref().unwrap().to_string();
            SerdeField::from_attrs(&f.attrs).name(&ident, &container.rename_all, way)
        })
        .collect();
    let container = SerdeContainer::from_attrs(&enumeration.attrs);
    let mut variant_fields = Vec::new();
    let variants = enumeration
        .variants
        .iter()
        .map(|v| {
            let variant = SerdeVariant::from_attrs(&v.attrs);
            for f in &v.fields {
                let ident = f.ident.as_ref().unwrap().to_string();
                let rules = variant.field_rules(&container);
                variant_fields.push(SerdeField::from_attrs(&f.attrs).name(&ident, &rules, way));
            }
            variant.name(&v.ident.to_string(), &container.rename_all, way)
        })
        .collect();
    (fields, variants, variant_fields)
}

fn assert_model_matches_serde(style: &str, source: &[&str], serialized: Serialized) {
    let (fields, variants, variant_fields) = model_names(source);
    let (object, enum_values) = serialized;
    let serde_fields: Vec<&String> = object.as_object().unwrap().keys().collect();
    assert_eq!(
        serde_fields,
        fields.iter().collect::<Vec<_>>(),
        "{style} fields"
    );
    let serde_variants: Vec<String> = enum_values
        .iter()
        .map(|v| match v {
            Value::String(name) => name.clone(),
            Value::Object(map) => map.keys().next().unwrap().clone(),
            other => panic!("unexpected {other}"),
        })
        .collect();
    assert_eq!(serde_variants, variants, "{style} variants");
    let struct_variant = enum_values.last().unwrap().as_object().unwrap();
    let serde_variant_fields: Vec<&String> = struct_variant
        .values()
        .next()
        .unwrap()
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(
        serde_variant_fields,
        variant_fields.iter().collect::<Vec<_>>(),
        "{style} struct variant fields"
    );
}

#[test]
fn the_names_are_not_trivially_equal() {
    // A guard on the comparison above: the styles do produce different names.
    let (fields, variants, _) = model_names(camel::SOURCE);
    assert_eq!(fields[0], "fooBar");
    assert_eq!(fields[2], "type");
    assert_eq!(variants[1], "hTTPServer");
}
