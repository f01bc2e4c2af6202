//! Schema text is untrusted: whatever names and descriptions two schema versions hold, the
//! generated adapter module must parse as Rust, no doc text may become a doctest, and a
//! property named after a keyword keeps its JSON name (issue 15, item 2).

use docver_codegen::adapters::{Options, generate};
use serde_json::{Value, json};

/// Two versions of a family named and described with `hostile`: one property changes type (a
/// decision whose docs quote its pointer), one is removed, one is renamed into `self`.
fn hostile_pair(hostile: &str) -> (String, String) {
    let named = |prefix: &str| format!("{prefix}{hostile}");
    let property = |ty: &str| json!({"type": ty, "title": hostile, "description": hostile});
    let old = json!({
        "title": hostile,
        "description": hostile,
        "type": "object",
        "properties": {
            named("a"): property("integer"),
            named("b"): property("string"),
            named("c"): {"enum": [hostile, "plain"], "description": hostile},
            "self": property("string"),
            "line\rbreak": property("boolean"),
        },
        "required": [named("a"), "self"],
    });
    let new = json!({
        "title": hostile,
        "description": hostile,
        "type": "object",
        "properties": {
            named("a"): property("string"),
            named("c"): {"enum": [hostile, "plain", named("d")], "description": hostile},
            "self": property("string"),
            "line\rbreak": property("string"),
        },
        "required": [named("a"), "self"],
    });
    (old.to_string(), new.to_string())
}

/// The generated module for `hostile`, checked to parse, with every doc line inert.
fn assert_generates_inert_rust(hostile: &str) -> String {
    let (old, new) = hostile_pair(hostile);
    let code = generate("old.json", &old, "new.json", &new, &Options::default())
        .unwrap_or_else(|e| panic!("{hostile:?}: {e}"));
    let file = syn::parse_file(&code)
        .unwrap_or_else(|e| panic!("{hostile:?}: generated code does not parse: {e}\n{code}"));
    let mut docs = Vec::new();
    collect_docs(&quote::ToTokens::to_token_stream(&file), &mut docs);
    assert!(!docs.is_empty());
    for doc in &docs {
        for line in doc.lines() {
            // Markdown indents with spaces and tabs only (CommonMark, as rustdoc reads it).
            let text = line.trim_start_matches([' ', '\t']);
            let indent = line.len() - text.len();
            assert!(
                !(text.starts_with("```") || text.starts_with("~~~")),
                "{hostile:?}: a doc line opens a code block: {line:?}"
            );
            // One space after `///`, then at most three: four would be indented code.
            assert!(indent <= 4, "{hostile:?}: indented code in docs: {line:?}");
            assert!(
                !line.contains('\r'),
                "{hostile:?}: bare CR in docs: {line:?}"
            );
        }
    }
    code
}

/// Every `doc = "..."` value in `tokens`, at any depth.
fn collect_docs(tokens: &proc_macro2::TokenStream, docs: &mut Vec<String>) {
    let mut previous: Vec<String> = Vec::new();
    for tree in tokens.clone() {
        match &tree {
            proc_macro2::TokenTree::Group(group) => collect_docs(&group.stream(), docs),
            proc_macro2::TokenTree::Literal(literal)
                if previous.ends_with(&["doc".to_owned(), "=".to_owned()]) =>
            {
                let text = literal.to_string();
                let value: syn::LitStr = syn::parse_str(&text).expect("a doc string");
                docs.push(value.value());
            }
            _ => {}
        }
        previous.push(tree.to_string());
    }
}

#[test]
fn a_code_fence_in_a_description_is_not_a_doctest() {
    let fence =
        "Example:\n```\ncompile_error!(\"a doctest ran\");\n```\n\n    indented();\n\t~~~\n";
    let code = assert_generates_inert_rust(fence);
    assert!(code.contains(r"\```"), "{code}");
}

#[test]
fn a_keyword_property_keeps_its_json_name() {
    let code = assert_generates_inert_rust("x");
    assert!(
        code.contains("#[serde(rename = \"self\")]\n        pub self_: String,"),
        "{code}"
    );
}

#[test]
fn a_carriage_return_in_a_property_name_compiles() {
    let code = assert_generates_inert_rust("\r");
    assert!(
        code.contains(r#"#[serde(rename = "line\rbreak")]"#),
        "{code}"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]

    #[test]
    fn hostile_names_and_descriptions_generate_rust_that_parses(
        fragments in proptest::collection::vec(
            proptest::sample::select(vec![
                "\n", "\r", "\r\n", "\u{2028}", "\"", "'", "`", "```", "~~~", "    ", "\t",
                "\\", "*/", "/*", "//", "#[", "]", "\"#", "r#\"", "self", "Self", "crate",
                "super", "type", "fn", "-", "_", "0", "é", "\u{0}", "{", "}", "todo",
            ]),
            1..8,
        )
    ) {
        assert_generates_inert_rust(&fragments.concat());
    }
}

#[test]
fn the_hostile_pair_is_json() {
    let (old, _) = hostile_pair("\"");
    assert!(serde_json::from_str::<Value>(&old).is_ok());
}

#[test]
fn a_mapped_type_that_is_code_is_refused() {
    let schema = json!({
        "type": "object",
        "properties": {"secret": {"type": "string", "x-rust-type": "include!(\"/etc/passwd\")"}},
    })
    .to_string();
    let error = generate(
        "old.json",
        &schema,
        "new.json",
        &schema,
        &Options::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("`x-rust-type` maps `/properties/secret` to `include!(\"/etc/passwd\")`")
            && error.contains("a macro is not allowed in a mapped type"),
        "{error}"
    );
}
