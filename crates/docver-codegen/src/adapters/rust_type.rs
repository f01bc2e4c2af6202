//! A Rust type named by a schema (`x-rust-type`) or the type map: the generated module writes
//! it out as code, so it must be a type and nothing more. A macro in type position
//! (`include!(…)`, a proc-macro) would run at compile time, and an expression (an array length)
//! is code too; only literal array lengths are allowed.

use syn::visit::Visit;

/// `text` parsed as a type, or why it is not one the generator writes out.
pub(crate) fn parse_mapped_type(text: &str) -> Result<syn::Type, String> {
    let ty = syn::parse_str::<syn::Type>(text).map_err(|e| e.to_string())?;
    let mut check = OnlyTypes { refused: None };
    check.visit_type(&ty);
    match check.refused {
        Some(what) => Err(format!("{what} is not allowed in a mapped type")),
        None => Ok(ty),
    }
}

struct OnlyTypes {
    refused: Option<&'static str>,
}

impl<'ast> Visit<'ast> for OnlyTypes {
    fn visit_type_macro(&mut self, _: &'ast syn::TypeMacro) {
        self.refused.get_or_insert("a macro");
    }

    fn visit_expr(&mut self, expr: &'ast syn::Expr) {
        if !matches!(expr, syn::Expr::Lit(_)) {
            self.refused
                .get_or_insert("an expression other than a literal");
        }
    }

    fn visit_macro(&mut self, _: &'ast syn::Macro) {
        self.refused.get_or_insert("a macro");
    }
}

#[cfg(test)]
mod tests {
    use super::parse_mapped_type;

    #[test]
    fn types_are_accepted() {
        for ty in [
            "crate::Progress",
            "std::collections::BTreeMap<String, Vec<crate::Tag>>",
            "Option<[u8; 16]>",
            "(i64, String)",
        ] {
            assert!(parse_mapped_type(ty).is_ok(), "{ty}");
        }
    }

    #[test]
    fn code_in_a_type_is_refused() {
        for (ty, reason) in [
            ("include!(\"/etc/passwd\")", "a macro"),
            ("Vec<some_crate::ty!()>", "a macro"),
            ("[u8; { 1 + 1 }]", "an expression"),
            ("[u8; N]", "an expression"),
            ("u8; fn evil() {}", "unexpected token"),
        ] {
            let error = parse_mapped_type(ty).unwrap_err();
            assert!(error.contains(reason), "{ty}: {error}");
        }
    }
}
