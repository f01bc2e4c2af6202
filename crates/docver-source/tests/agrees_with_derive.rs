//! The source path and the compiled path agree: the schemas derived from
//! `examples/todo/src/lib.rs` without compiling equal those the derive exports via schemars
//! (`examples/todo/schemas/`), checked with `docver diff` in both directions. Documented
//! differences: annotations (descriptions, `default` values, titles) are not derived from
//! source, so only annotation rules may differ.

use std::path::Path;

use docver::Contract;
use docver_check::{DiffOptions, diff, read_schema};
use docver_source::schema::version_schema;
use docver_source::{SourceFile, scan_file};

const ANNOTATION_RULES: &[&str] = &[
    "annotation-changed",
    "default-changed",
    "ref-target-changed",
];

/// The schemas derived from `source` for the family `schema` equal the ones exported under
/// `examples/todo/schemas/{dir}` (both contracts), in both directions.
fn assert_source_matches_exports(source: &str, schema: &str, dir: &str, versions: &[u32]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let text = std::fs::read_to_string(root.join(source)).unwrap();
    let file = SourceFile::new(source, text);
    let (families, errors, items) = scan_file(&file).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    let family = families
        .iter()
        .find(|f| f.schema.value() == schema)
        .expect("the family");
    assert_eq!(family.version_numbers(), versions);
    for &version in versions {
        for (contract, suffix) in [(Contract::Reader, ""), (Contract::Writer, ".writer")] {
            let exported_path = root.join(format!(
                "examples/todo/schemas/{dir}v{version}{suffix}.json"
            ));
            let exported_path = if exported_path.exists() {
                exported_path
            } else {
                root.join(format!("examples/todo/schemas/{dir}v{version}.json"))
            };
            let mut exported: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&exported_path).unwrap()).unwrap();
            // The lens a step declares travels with the exported file; the source checker
            // derives the schema alone.
            if let serde_json::Value::Object(map) = &mut exported {
                map.shift_remove(docver::lens::LENS_KEYWORD);
            }
            let exported = read_schema("exported", &exported.to_string()).unwrap();
            let derived = version_schema(family, version, &items, contract);
            assert!(derived.warnings.is_empty(), "{:?}", derived.warnings);
            let derived = read_schema("derived", &derived.schema.to_string()).unwrap();
            for (a, b) in [(&exported, &derived), (&derived, &exported)] {
                let report = diff(a, b, &DiffOptions::default());
                let real: Vec<_> = report
                    .findings
                    .iter()
                    .filter(|f| !ANNOTATION_RULES.contains(&f.rule.as_str()))
                    .collect();
                assert!(
                    real.is_empty(),
                    "{schema} v{version} {contract:?}: {real:#?}"
                );
            }
        }
    }
}

#[test]
fn source_schemas_equal_the_exported_ones_for_the_todo_example() {
    assert_source_matches_exports("examples/todo/src/lib.rs", "todo-item", "", &[1, 2, 3, 4]);
}

#[test]
fn source_schemas_equal_the_exported_ones_for_the_lens_declared_contact_family() {
    assert_source_matches_exports(
        "examples/todo/src/contact.rs",
        "contact",
        "contact/",
        &[1, 2, 3, 4, 5],
    );
}

#[test]
fn serde_attributes_shape_the_derived_schema() {
    let source = r#"
        #[derive(Serialize, Deserialize, JsonSchema)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub struct Meta { pub due_date: Option<String>, #[serde(skip)] pub cache: u8 }
        #[derive(Serialize, Deserialize, JsonSchema)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum Shape { Circle { radius: f64 }, Unit }
        pub type Tags = Vec<String>;
        #[versioned(schema = "thing", versions = 1..=2)]
        #[serde(rename_all = "camelCase")]
        pub struct Thing {
            pub display_name: String,
            #[serde(rename = "n")]
            pub count: u32,
            pub meta: Meta,
            pub shape: Shape,
            pub tags: Tags,
            #[docver(since = 2, default)]
            pub is_new: bool,
            pub when: chrono::DateTime<chrono::Utc>,
        }
    "#;
    let file = SourceFile::new("lib.rs", source.to_owned());
    let (families, errors, items) = scan_file(&file).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    let derived = version_schema(&families[0], 2, &items, Contract::Reader);
    let s = &derived.schema;
    assert_eq!(
        s["properties"]["displayName"],
        serde_json::json!({"type": "string"})
    );
    assert_eq!(s["properties"]["n"]["minimum"], 0);
    assert!(
        !s["required"].as_array().unwrap().contains(&"isNew".into()),
        "defaulted fields are optional to readers"
    );
    assert_eq!(s["$defs"]["Meta"]["additionalProperties"], false);
    assert!(s["$defs"]["Meta"]["properties"].get("cache").is_none());
    assert!(s["$defs"]["Meta"]["properties"].get("dueDate").is_some());
    assert_eq!(
        s["$defs"]["Shape"]["oneOf"][0]["properties"]["kind"]["const"],
        "circle"
    );
    assert_eq!(s["properties"]["tags"]["items"]["type"], "string");
    // An unresolvable type is a located warning, never a guess.
    assert_eq!(derived.warnings.len(), 1);
    let (span, message) = &derived.warnings[0];
    assert!(message.contains("DateTime"), "{message}");
    assert_eq!(file.line_col(file.span(*span).start).0, 20);
}

#[path = "fixtures/families.rs"]
mod families;

/// The fixture set of structs: compiled here (the derive exports each version's schema via
/// schemars) and read as text by the checker; both must describe the same documents.
#[test]
fn source_schemas_equal_the_compiled_ones_for_the_fixture_families() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/families.rs");
    let file = SourceFile::new("families.rs", std::fs::read_to_string(path).unwrap());
    let (found, errors, items) = scan_file(&file).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    let contact = found
        .iter()
        .find(|f| f.schema.value() == "contact")
        .unwrap();
    for version in families::AnyContact::VERSIONS.iter().copied() {
        for contract in [Contract::Reader, Contract::Writer] {
            let compiled = families::AnyContact::json_schema(version, contract).unwrap();
            let compiled = read_schema("compiled", &compiled.to_string()).unwrap();
            let derived = version_schema(contact, version, &items, contract);
            assert!(derived.warnings.is_empty(), "{:?}", derived.warnings);
            let derived = read_schema("derived", &derived.schema.to_string()).unwrap();
            for (a, b) in [(&compiled, &derived), (&derived, &compiled)] {
                for strict in [false, true] {
                    let report = diff(
                        a,
                        b,
                        &DiffOptions {
                            strict,
                            ..DiffOptions::default()
                        },
                    );
                    let real: Vec<_> = report
                        .findings
                        .iter()
                        .filter(|f| !ANNOTATION_RULES.contains(&f.rule.as_str()))
                        .collect();
                    assert!(
                        real.is_empty(),
                        "contact v{version} {contract:?} strict={strict}: {real:#?}"
                    );
                }
            }
        }
    }
}
