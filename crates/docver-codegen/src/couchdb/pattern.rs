//! `pattern` keywords checked at generation time against what the server's JavaScript can compile.
//!
//! The generated function compiles each pattern with the `u` flag (so `\p{L}` and characters
//! outside the BMP behave as in other JSON Schema validators). A pattern JavaScript cannot
//! compile would throw on every write of the family, which the server answers with HTTP 500, so
//! the constructs other regex dialects accept and JavaScript does not are refused here, with
//! the pointer of the pattern and what to write instead.

/// Why `pattern` would not compile as a JavaScript `u`-flag regex, if it would not.
pub(crate) fn unsupported_syntax(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut in_class = false;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                let Some(&escaped) = chars.get(i + 1) else {
                    return Some("it ends with a lone `\\`".to_owned());
                };
                if let Some(problem) = unsupported_escape(escaped, in_class) {
                    return Some(problem);
                }
                i += 2;
                continue;
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class && chars.get(i + 1) == Some(&'?') => {
                if let Some(problem) = unsupported_group(&chars[i + 2..]) {
                    return Some(problem);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// `(?` followed by `rest`: JavaScript knows `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!` and `(?<name>`.
fn unsupported_group(rest: &[char]) -> Option<String> {
    match rest.first() {
        Some(':' | '=' | '!' | '<') => None,
        Some('P') => Some(
            "Python-style named groups `(?P<name>...)` are not JavaScript syntax; write `(?<name>...)`"
                .to_owned(),
        ),
        Some(c) if c.is_ascii_alphabetic() || *c == '-' => {
            let flags: String = rest
                .iter()
                .take_while(|c| c.is_ascii_alphabetic() || **c == '-')
                .collect();
            Some(format!(
                "inline flags `(?{flags}...)` are not JavaScript syntax (the server would fail every write); \
                 spell the alternatives out instead, e.g. `[Aa]` for a case-insensitive `a`"
            ))
        }
        Some(c) => Some(format!("`(?{c}` is not a JavaScript group")),
        None => Some("it ends with `(?`".to_owned()),
    }
}

/// `\` followed by `escaped`. With the `u` flag JavaScript refuses identity escapes of anything
/// but syntax characters, and other dialects' anchors (`\A`, `\z`, `\Z`) do not exist.
fn unsupported_escape(escaped: char, in_class: bool) -> Option<String> {
    const SYNTAX: &str = "^$\\.*+?()[]{}|/";
    const CLASSES_AND_CONTROLS: &str = "dDwWsSbBnrtfv0cxupPk123456789";
    if SYNTAX.contains(escaped)
        || CLASSES_AND_CONTROLS.contains(escaped)
        || (in_class && escaped == '-')
    {
        return None;
    }
    Some(match escaped {
        'A' | 'z' | 'Z' => {
            format!("`\\{escaped}` is not a JavaScript anchor; use `^` or `$`")
        }
        _ => format!(
            "`\\{escaped}` is not a valid escape in a Unicode JavaScript regex; write `{escaped}` without the backslash"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::unsupported_syntax;

    #[test]
    fn javascript_syntax_is_accepted() {
        for pattern in [
            "^(open|started|completed)$",
            r"^\p{L}+$",
            r"^[a-z\-_]+\.json$",
            r"(?:a|b)(?=c)(?!d)(?<=e)(?<!f)(?<name>g)\k<name>",
            r"\d{3}-\d{4}\/\(x\)",
            "[(?i)]",
        ] {
            assert_eq!(unsupported_syntax(pattern), None, "{pattern}");
        }
    }

    #[test]
    fn other_dialects_are_refused_with_a_reason() {
        for (pattern, reason) in [
            ("(?i)^todo$", "inline flags `(?i...)`"),
            ("^(?-m:x)$", "inline flags `(?-m...)`"),
            ("(?P<year>[0-9]{4})", "write `(?<name>...)`"),
            (r"\Atodo\z", "`\\A` is not a JavaScript anchor"),
            (r"a\_b", "`\\_` is not a valid escape"),
            (r"[a\_]", "`\\_` is not a valid escape"),
            ("a\\", "lone `\\`"),
            ("(?#comment)", "`(?#` is not a JavaScript group"),
        ] {
            let found = unsupported_syntax(pattern).unwrap_or_default();
            assert!(found.contains(reason), "{pattern}: {found}");
        }
    }
}
