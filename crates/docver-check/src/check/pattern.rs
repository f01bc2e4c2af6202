//! `pattern` as ECMA-262 reads it (JSON Schema's regex dialect), evaluated with the `regex`
//! crate only where the two agree.
//!
//! The engines differ in more than lookaround: `\d`, `\w` and `\b` are Unicode-aware in `regex`
//! and ASCII in ECMA-262, `.` excludes `\r`, U+2028 and U+2029 there, `[` opens a nested class
//! in `regex` and is a literal in ECMA-262, `(?i)` is a flag group in one and an error in the
//! other. A witness string checked by the wrong engine can be accepted by the real reader, so
//! a pattern is translated here from a small subset both engines read alike, and any other
//! construct yields no regex: the caller treats the pattern as undecided.

use regex::Regex;

/// Escapes that mean the same literal character in both engines.
const LITERAL_ESCAPES: &str = ".\\/-^$|()[]{}*+?";

/// `pattern` compiled with ECMA-262's meaning, or `None` when it uses a construct this
/// translation does not cover (lookaround, backreferences, flags, `\b`, `\s`, `\p`, nested or
/// set-operation classes, …) or is not a valid regular expression.
pub fn ecma_regex(pattern: &str) -> Option<Regex> {
    Regex::new(&translate(pattern)?).ok()
}

/// The `regex` crate spelling of an ECMA-262 pattern within the shared subset.
fn translate(pattern: &str) -> Option<String> {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str(escape(chars.next()?, false)?.as_str()),
            '.' => out.push_str(r"[^\n\r\u{2028}\u{2029}]"),
            // Only the non-capturing group `(?:` is read alike.
            '(' if chars.peek() == Some(&'?') => {
                chars.next();
                if chars.next()? != ':' {
                    return None;
                }
                out.push_str("(?:");
            }
            // `{,n}` is a repetition in `regex` and literal text in ECMA-262.
            '{' if chars.peek() == Some(&',') => return None,
            '[' => {
                out.push('[');
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
                // `[]` and `[^]` differ (ECMA-262: an empty class; `regex`: a literal `]`).
                if chars.peek() == Some(&']') {
                    return None;
                }
                class(&mut chars, &mut out)?;
            }
            // `regex` reads whitespace and `#` literally outside `x` mode, as ECMA-262 does.
            c => out.push(c),
        }
    }
    Some(out)
}

/// The rest of a character class, up to and including its `]`.
fn class(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, out: &mut String) -> Option<()> {
    let mut previous = None;
    loop {
        let c = chars.next()?;
        match c {
            ']' => {
                out.push(']');
                return Some(());
            }
            '\\' => out.push_str(escape(chars.next()?, true)?.as_str()),
            // A nested class in `regex`, a literal in ECMA-262.
            '[' => return None,
            // Set operations (`&&`, `--`, `~~`) in `regex`, literals in ECMA-262.
            '&' | '-' | '~' if previous == Some(c) => return None,
            c => out.push(c),
        }
        previous = Some(c);
    }
}

/// The translation of `\c`, inside a class or not.
fn escape(c: char, in_class: bool) -> Option<String> {
    let ascii = |class: &str, negated: bool| match (in_class, negated) {
        (false, false) => Some(format!("[{class}]")),
        (false, true) => Some(format!("[^{class}]")),
        (true, false) => Some(class.to_owned()),
        // A negated class inside a class has no flat spelling.
        (true, true) => None,
    };
    match c {
        'd' => ascii("0-9", false),
        'D' => ascii("0-9", true),
        'w' => ascii("0-9A-Za-z_", false),
        'W' => ascii("0-9A-Za-z_", true),
        'n' => Some(r"\n".into()),
        'r' => Some(r"\r".into()),
        't' => Some(r"\t".into()),
        'f' => Some(r"\x0C".into()),
        'v' => Some(r"\x0B".into()),
        c if LITERAL_ESCAPES.contains(c) => Some(format!("\\{c}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, s: &str) -> Option<bool> {
        ecma_regex(pattern).map(|re| re.is_match(s))
    }

    #[test]
    fn the_shared_subset_means_what_ecma_262_says() {
        assert_eq!(matches(r"^\d{4}-\d{2}$", "2024-05"), Some(true));
        // ASCII digits and word characters, as in ECMA-262.
        assert_eq!(matches(r"^\d$", "٣"), Some(false));
        assert_eq!(matches(r"^\w+$", "é"), Some(false));
        assert_eq!(matches(r"^[\w.-]+$", "a.b-c"), Some(true));
        // `.` does not match line terminators.
        assert_eq!(matches("^.$", "\r"), Some(false));
        assert_eq!(matches("^.$", "\u{2028}"), Some(false));
        assert_eq!(matches("^(?:ab)+$", "abab"), Some(true));
        assert_eq!(matches(r"^a\.b$", "a.b"), Some(true));
    }

    #[test]
    fn constructs_the_engines_read_differently_are_not_evaluated() {
        for pattern in [
            "^(?=a)a",
            "^(?!x).*$",
            "(?<=a)b",
            r"(a)\1",
            "(?i)abc",
            r"\bword\b",
            r"^\s+$",
            r"\p{L}",
            "[[:alpha:]]",
            "[a[b]]",
            "[a&&b]",
            "[]a]",
            "a{,3}",
            r"\u0041",
            "(?<name>a)",
        ] {
            assert!(ecma_regex(pattern).is_none(), "{pattern}");
        }
    }
}
