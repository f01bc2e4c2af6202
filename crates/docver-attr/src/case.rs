//! serde's `rename_all` case rules, applied exactly as serde_derive applies them.
//!
//! serde does not split words: a field name is taken to be snake_case (its `_` are the word
//! boundaries) and a variant name PascalCase (its capitals are), so `HTTPServer` as a
//! snake_case variant is `h_t_t_p_server` and a field `fooBar` stays `fooBar` in camelCase.
//! Generated readers must accept exactly the names serde's derive writes, so the rules are
//! copied, not improved.

/// One `rename_all` style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RenameRule {
    /// No `rename_all`: names are used as written (without `r#`).
    #[default]
    None,
    LowerCase,
    UpperCase,
    PascalCase,
    CamelCase,
    SnakeCase,
    ScreamingSnakeCase,
    KebabCase,
    ScreamingKebabCase,
}

/// Every style, under the name serde's attribute gives it.
pub const RENAME_RULES: &[(&str, RenameRule)] = &[
    ("lowercase", RenameRule::LowerCase),
    ("UPPERCASE", RenameRule::UpperCase),
    ("PascalCase", RenameRule::PascalCase),
    ("camelCase", RenameRule::CamelCase),
    ("snake_case", RenameRule::SnakeCase),
    ("SCREAMING_SNAKE_CASE", RenameRule::ScreamingSnakeCase),
    ("kebab-case", RenameRule::KebabCase),
    ("SCREAMING-KEBAB-CASE", RenameRule::ScreamingKebabCase),
];

impl RenameRule {
    /// The style named `name` (as in `rename_all = "camelCase"`); `None` if serde has no such
    /// style.
    pub fn from_name(name: &str) -> Option<RenameRule> {
        RENAME_RULES
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, rule)| *rule)
    }

    /// The rule's own name, for messages.
    pub fn name(self) -> &'static str {
        RENAME_RULES
            .iter()
            .find(|(_, rule)| *rule == self)
            .map_or("none", |(name, _)| name)
    }

    /// This rule, or `other` when this is [`RenameRule::None`] (a variant's own `rename_all`
    /// over the enum's `rename_all_fields`).
    pub fn or(self, other: RenameRule) -> RenameRule {
        match self {
            RenameRule::None => other,
            _ => self,
        }
    }

    /// The JSON name of a variant called `variant` (PascalCase by convention, `r#` removed).
    pub fn apply_to_variant(self, variant: &str) -> String {
        match self {
            RenameRule::None | RenameRule::PascalCase => variant.to_owned(),
            RenameRule::LowerCase => variant.to_ascii_lowercase(),
            RenameRule::UpperCase => variant.to_ascii_uppercase(),
            RenameRule::CamelCase => lowercase_first(variant),
            RenameRule::SnakeCase => {
                let mut snake = String::new();
                for (i, ch) in variant.char_indices() {
                    if i > 0 && ch.is_uppercase() {
                        snake.push('_');
                    }
                    snake.push(ch.to_ascii_lowercase());
                }
                snake
            }
            RenameRule::ScreamingSnakeCase => RenameRule::SnakeCase
                .apply_to_variant(variant)
                .to_ascii_uppercase(),
            RenameRule::KebabCase => RenameRule::SnakeCase
                .apply_to_variant(variant)
                .replace('_', "-"),
            RenameRule::ScreamingKebabCase => RenameRule::ScreamingSnakeCase
                .apply_to_variant(variant)
                .replace('_', "-"),
        }
    }

    /// The JSON name of a field called `field` (snake_case by convention, `r#` removed).
    pub fn apply_to_field(self, field: &str) -> String {
        match self {
            RenameRule::None | RenameRule::LowerCase | RenameRule::SnakeCase => field.to_owned(),
            RenameRule::UpperCase | RenameRule::ScreamingSnakeCase => field.to_ascii_uppercase(),
            RenameRule::PascalCase => {
                let mut pascal = String::new();
                let mut capitalize = true;
                for ch in field.chars() {
                    if ch == '_' {
                        capitalize = true;
                    } else if capitalize {
                        pascal.push(ch.to_ascii_uppercase());
                        capitalize = false;
                    } else {
                        pascal.push(ch);
                    }
                }
                pascal
            }
            RenameRule::CamelCase => lowercase_first(&RenameRule::PascalCase.apply_to_field(field)),
            RenameRule::KebabCase => field.replace('_', "-"),
            RenameRule::ScreamingKebabCase => field.to_ascii_uppercase().replace('_', "-"),
        }
    }
}

/// `name` with its first character in ASCII lower case.
fn lowercase_first(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_ascii_lowercase().to_string() + chars.as_str()
    })
}

/// serde names a raw identifier `r#type` "type".
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_split_at_underscores_only() {
        assert_eq!(RenameRule::CamelCase.apply_to_field("a_b_c"), "aBC");
        assert_eq!(RenameRule::CamelCase.apply_to_field("fooBar"), "fooBar");
        assert_eq!(RenameRule::KebabCase.apply_to_field("fooBar"), "fooBar");
        assert_eq!(RenameRule::LowerCase.apply_to_field("fooBar"), "fooBar");
    }

    #[test]
    fn variants_are_split_before_every_capital() {
        let rule = RenameRule::SnakeCase;
        assert_eq!(rule.apply_to_variant("HTTPServer"), "h_t_t_p_server");
        assert_eq!(
            RenameRule::CamelCase.apply_to_variant("HTTPServer"),
            "hTTPServer"
        );
    }

    #[test]
    fn every_style_round_trips_through_its_name() {
        for (name, rule) in RENAME_RULES {
            assert_eq!(RenameRule::from_name(name), Some(*rule));
            assert_eq!(rule.name(), *name);
        }
        assert_eq!(RenameRule::from_name("camelcase"), None);
    }
}
