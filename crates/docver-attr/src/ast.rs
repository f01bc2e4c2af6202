//! A family as plain data, read from `#[versioned(...)]` and the struct it annotates.

use proc_macro2::{Span, TokenStream};
use syn::{Attribute, Expr, Ident, ItemStruct, LitStr, Path, Type, Visibility};

use crate::attr::{self, DefaultValue, FieldAttrs, Version};
use crate::ctxt::Ctxt;
use crate::lens_syntax::{self, WrittenOp};

/// One versioned document family as declared by `#[versioned]` (the run-time side of a family
/// is the trait `docver::Family`).
#[derive(Debug, Clone)]
pub struct FamilyDecl {
    pub ident: Ident,
    pub vis: Visibility,
    /// Attributes other than `#[versioned]`, copied to every version's struct (derives, serde,
    /// docs).
    pub attrs: Vec<Attribute>,
    /// The document type stored in the tag field, e.g. `"todo-item"`.
    pub schema: LitStr,
    /// Declared versions, in the order written.
    pub versions: Vec<Version>,
    /// The version untagged documents are read as.
    pub base: Option<Version>,
    pub schema_field: String,
    pub version_field: String,
    pub steps: Vec<Step>,
    pub fields: Vec<Field>,
    pub span: Span,
}

/// A user-written migration for one whole step `to - 1 → to` (a split into several documents,
/// say), replacing the generated glue for that step.
#[derive(Debug, Clone)]
pub struct Step {
    pub to: Version,
    pub upgrade: Option<Path>,
    pub downgrade: Option<Path>,
    pub fallible: bool,
    pub lossless: bool,
    /// Companion document types a document of version `to` (and later) is split into.
    pub parts: Vec<LitStr>,
    /// The step as lens operations (instead of `upgrade`/`downgrade` functions).
    pub lens: Vec<WrittenOp>,
    /// Whether `lens(...)` had an error of its own (an unknown operation, a misspelt
    /// argument): the operations read are then not the whole lens, and checking the fields
    /// against them would only report what the error already explains.
    pub lens_incomplete: bool,
    pub span: Span,
}

impl Step {
    /// Whether user functions replace the generated glue for this step.
    pub fn has_functions(&self) -> bool {
        self.upgrade.is_some() || self.downgrade.is_some()
    }
}

/// One field declaration (a name may be declared several times, over disjoint version ranges).
#[derive(Debug, Clone)]
pub struct Field {
    pub ident: Ident,
    pub ty: Type,
    pub vis: Visibility,
    /// Attributes other than `#[docver]`, copied to the field in every version.
    pub attrs: Vec<Attribute>,
    pub docver: FieldAttrs,
    /// The `#[docver(...)]` attribute as written, for diagnostics.
    pub attrs_docver: Option<String>,
}

impl Field {
    pub fn name(&self) -> String {
        self.ident.to_string()
    }

    /// Whether the field exists in `version`: `since <= version < until`.
    pub fn exists_in(&self, version: u32) -> bool {
        self.docver.since.is_none_or(|s| s.value <= version)
            && self.docver.until.is_none_or(|u| version < u.value)
    }

    pub fn type_text(&self) -> String {
        quote::ToTokens::to_token_stream(&self.ty)
            .to_string()
            .replace(' ', "")
    }

    /// `Option<…>` fields may be absent; serde reads them as `None`.
    pub fn is_option(&self) -> bool {
        match &self.ty {
            Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "Option"),
            _ => false,
        }
    }

    pub fn default(&self) -> Option<&DefaultValue> {
        self.docver.default.as_ref()
    }
}

impl FamilyDecl {
    pub fn from_ast(cx: &Ctxt, args: TokenStream, item: &ItemStruct) -> Option<FamilyDecl> {
        let mut schema = None;
        let mut versions = Vec::new();
        let mut base = None;
        let mut schema_field = "schema".to_owned();
        let mut version_field = "version".to_owned();
        let mut steps = Vec::new();
        let mut given = attr::GivenKeys::default();
        let parser = syn::meta::parser(|meta| {
            let key = attr::key_name(&meta);
            // `step(...)` is repeated, once per step.
            if key != "step" && attr::CONTAINER_KEYS.contains(&key.as_str()) {
                given.record(cx, &meta, "`versioned` argument");
            }
            match key.as_str() {
                "schema" => schema = Some(meta.value()?.parse::<LitStr>()?),
                "versions" => {
                    let expr: Expr = meta.value()?.parse()?;
                    versions = attr::parse_versions(cx, &expr);
                }
                "base" => base = Some(attr::parse_version(&meta)?),
                "schema_field" => schema_field = meta.value()?.parse::<LitStr>()?.value(),
                "version_field" => version_field = meta.value()?.parse::<LitStr>()?.value(),
                "step" => steps.push(parse_step(cx, &meta)?),
                _ => {
                    cx.error_spanned_by(
                        &meta.path,
                        attr::unknown_key(&key, attr::CONTAINER_KEYS, "`versioned` argument"),
                    );
                    attr::skip_value(&meta)?;
                }
            }
            Ok(())
        });
        if let Err(e) = syn::parse::Parser::parse2(parser, args) {
            cx.syn_error(e);
        }
        report_duplicate_steps(cx, &steps);
        // Every missing piece is reported, and the fields are read (and their attributes
        // checked) even when the container arguments are incomplete.
        if schema.is_none() {
            cx.error_spanned_by(&item.ident, "`#[versioned]` needs `schema = \"type-name\"` (the value stored in the document's type tag)");
        }
        if versions.is_empty() {
            cx.error_spanned_by(
                &item.ident,
                "`#[versioned]` needs `versions = 1..=N` (or a list)",
            );
        }
        if !item.generics.params.is_empty() {
            let params = &item.generics.params;
            cx.error_spanned_by(
                &item.generics,
                format!(
                    "a `#[versioned]` family cannot have generic parameters yet (`<{}>`): each version is its own \
                     struct with one schema; write the family over the concrete types its documents hold",
                    quote::ToTokens::to_token_stream(params).to_string().replace(" :", ":")
                ),
            );
        }
        let syn::Fields::Named(named) = &item.fields else {
            cx.error_spanned_by(
                &item.ident,
                "`#[versioned]` needs a struct with named fields",
            );
            return None;
        };
        let fields = named
            .named
            .iter()
            .map(|f| Field {
                ident: f.ident.clone().expect("named field"),
                ty: f.ty.clone(),
                vis: f.vis.clone(),
                attrs: f
                    .attrs
                    .iter()
                    .filter(|a| !a.path().is_ident("docver"))
                    .cloned()
                    .collect(),
                docver: FieldAttrs::from_attrs(cx, &f.attrs),
                attrs_docver: f
                    .attrs
                    .iter()
                    .find(|a| a.path().is_ident("docver"))
                    .map(|a| {
                        quote::ToTokens::to_token_stream(a)
                            .to_string()
                            .replace(" (", "(")
                            .replace("( ", "(")
                            .replace(" )", ")")
                            .replace(" ,", ",")
                            .replace("# [", "#[")
                            .replace(" :: ", "::")
                    }),
            })
            .collect();
        // Missing, it is reported above; the rest of the family is still checked.
        let schema = schema.unwrap_or_else(|| LitStr::new("", item.ident.span()));
        if versions.is_empty() {
            return None;
        }
        Some(FamilyDecl {
            ident: item.ident.clone(),
            vis: item.vis.clone(),
            attrs: item
                .attrs
                .iter()
                .filter(|a| !a.path().is_ident("versioned"))
                .cloned()
                .collect(),
            schema,
            versions,
            base,
            schema_field,
            version_field,
            steps,
            fields,
            span: item.ident.span(),
        })
    }

    /// Declared version numbers, ascending (validation rejects any other order).
    pub fn version_numbers(&self) -> Vec<u32> {
        self.versions.iter().map(|v| v.value).collect()
    }

    pub fn latest(&self) -> u32 {
        self.versions.last().map_or(0, |v| v.value)
    }

    /// The fields of one version, in declaration order.
    pub fn fields_in(&self, version: u32) -> Vec<&Field> {
        self.fields
            .iter()
            .filter(|f| f.exists_in(version))
            .collect()
    }

    /// The field called `name` in `version`, if any.
    pub fn field_in(&self, version: u32, name: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.exists_in(version) && f.ident == name)
    }

    /// The `step(...)` declared for `to - 1 → to`, if any (user functions or a lens).
    pub fn step_to(&self, to: u32) -> Option<&Step> {
        self.steps.iter().find(|s| s.to.value == to)
    }

    /// The user functions replacing the generated glue for `to - 1 → to`, if declared.
    pub fn function_step_to(&self, to: u32) -> Option<&Step> {
        self.step_to(to).filter(|s| s.has_functions())
    }

    /// The lens operations declared for `to - 1 → to` (empty when there are none).
    pub fn lens_to(&self, to: u32) -> &[WrittenOp] {
        self.step_to(to).map_or(&[], |s| s.lens.as_slice())
    }

    /// Companion document types of `version` (declared by the latest step at or below it).
    pub fn parts_in(&self, version: u32) -> Vec<String> {
        self.steps
            .iter()
            .filter(|s| s.to.value <= version && !s.parts.is_empty())
            .max_by_key(|s| s.to.value)
            .map(|s| s.parts.iter().map(LitStr::value).collect())
            .unwrap_or_default()
    }

    /// The type name of one version: `TodoV3`.
    pub fn version_ident(&self, version: u32) -> Ident {
        Ident::new(&format!("{}V{version}", self.ident), self.ident.span())
    }

    /// Adjacent pairs `(previous, next)` of declared versions.
    pub fn steps_between(&self) -> Vec<(u32, u32)> {
        let v = self.version_numbers();
        v.windows(2).map(|w| (w[0], w[1])).collect()
    }
}

/// The error for `#[versioned]` on an enum: a family is a struct whose fields have version
/// ranges; an enum is versioned as the type of a family's field (its serde tagging is read).
pub fn enum_family_error(item: &syn::ItemEnum) -> syn::Error {
    let (enum_token, ident) = (&item.enum_token, &item.ident);
    syn::Error::new_spanned(
        quote::quote!(#enum_token #ident),
        format!(
            "`#[versioned]` takes a struct with named fields, not an enum: enum families are not supported yet; \
             version a struct holding the enum (`shape: {ident}`), whose serde tagging the schemas and `check` follow"
        ),
    )
}

/// A second `step(to = N, ...)` for the same `N` is an error (the first would be used and the
/// second silently ignored).
fn report_duplicate_steps(cx: &Ctxt, steps: &[Step]) {
    for (i, step) in steps.iter().enumerate() {
        let to = step.to.value;
        if to != 0 && steps[..i].iter().any(|earlier| earlier.to.value == to) {
            cx.error_at(
                step.to.span,
                format!(
                    "duplicate `step(to = {to}, ...)`: a step is declared once; put its functions, `parts` and `lens` in one `step(...)`"
                ),
            );
        }
    }
}

fn parse_step(cx: &Ctxt, meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<Step> {
    let mut step = Step {
        to: Version {
            value: 0,
            span: meta
                .path
                .get_ident()
                .map_or_else(Span::call_site, Ident::span),
        },
        upgrade: None,
        downgrade: None,
        fallible: false,
        lossless: false,
        parts: Vec::new(),
        lens: Vec::new(),
        lens_incomplete: false,
        span: meta
            .path
            .get_ident()
            .map_or_else(Span::call_site, Ident::span),
    };
    let mut has_to = false;
    let mut given = attr::GivenKeys::default();
    meta.parse_nested_meta(|inner| {
        let key = attr::key_name(&inner);
        if attr::STEP_KEYS.contains(&key.as_str()) {
            given.record(cx, &inner, "`step` argument");
        }
        match key.as_str() {
            "to" => {
                step.to = attr::parse_version(&inner)?;
                has_to = true;
            }
            "upgrade" => step.upgrade = Some(attr::parse_path(&inner)?),
            "downgrade" => step.downgrade = Some(attr::parse_path(&inner)?),
            "fallible" => step.fallible = true,
            "lossless" => step.lossless = true,
            "lens" => {
                let before = cx.error_count();
                step.lens = lens_syntax::parse_lens(cx, &inner, false)?;
                step.lens_incomplete = cx.error_count() > before;
            }
            "parts" => {
                let array: syn::ExprArray = inner.value()?.parse()?;
                for e in array.elems {
                    match e {
                        Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        }) => step.parts.push(s),
                        other => cx.error_spanned_by(
                            other,
                            "`parts` lists document type names as strings",
                        ),
                    }
                }
            }
            _ => {
                cx.error_spanned_by(
                    &inner.path,
                    attr::unknown_key(&key, attr::STEP_KEYS, "`step` argument"),
                );
                attr::skip_value(&inner)?;
            }
        }
        Ok(())
    })?;
    if !has_to {
        cx.error_at(
            step.span,
            "`step(...)` needs `to = N`, the version the step produces",
        );
    }
    Ok(step)
}
