//! JSON pointers (RFC 6901) and the URI fragments that carry them in `$ref` (RFC 3986).
//!
//! The one place where reference tokens are escaped and unescaped: the schema reader, the lens
//! interpreter, the checker's renderer, the source checker and the code generators all build and
//! read pointers through these functions, so a key holding `~`, `/`, `%` or any other character
//! means the same thing everywhere.

use std::borrow::Cow;

/// Escapes one reference token: `~` as `~0`, `/` as `~1`.
#[must_use]
pub fn escape(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(token)
    }
}

/// Unescapes one reference token (`~1` → `/` first, then `~0` → `~`, as RFC 6901 requires so
/// that `~01` reads `~1`).
#[must_use]
pub fn unescape(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

/// `pointer` with one more reference token appended.
#[must_use]
pub fn push(pointer: &str, token: &str) -> String {
    let escaped = escape(token);
    let mut out = String::with_capacity(pointer.len() + escaped.len() + 1);
    out.push_str(pointer);
    out.push('/');
    out.push_str(&escaped);
    out
}

/// The pointer made of these (unescaped) tokens; no tokens is the root, `""`.
#[must_use]
pub fn from_tokens<I, T>(tokens: I) -> String
where
    I: IntoIterator<Item = T>,
    T: AsRef<str>,
{
    tokens.into_iter().fold(String::new(), |pointer, token| {
        push(&pointer, token.as_ref())
    })
}

/// The unescaped reference tokens of `pointer` (none for the root `""`).
///
/// A pointer that does not start with `/` is read as if it did, so that a bare `a/b` (as
/// some tools write fragments) still names `a` then `b`.
pub fn tokens(pointer: &str) -> impl Iterator<Item = Cow<'_, str>> {
    let rest = pointer.strip_prefix('/').unwrap_or(pointer);
    let mut parts = (!pointer.is_empty()).then(|| rest.split('/'));
    std::iter::from_fn(move || parts.as_mut()?.next().map(unescape))
}

/// The first reference token of `pointer`, unescaped (`""` for the root).
#[must_use]
pub fn first_token(pointer: &str) -> Cow<'_, str> {
    tokens(pointer).next().unwrap_or(Cow::Borrowed(""))
}

/// A document path as people read it: `/` for the document itself (the empty pointer).
#[must_use]
pub fn document_path(pointer: &str) -> &str {
    if pointer.is_empty() { "/" } else { pointer }
}

/// Decodes the `%XX` escapes of a URI fragment (`%24defs` is `$defs`).
///
/// Malformed escapes (`%`, `%4`, `%zz`, `%` followed by a non-ASCII character) are kept as
/// written; bytes that do not form UTF-8 after decoding are replaced with U+FFFD rather than
/// failing, so the pointer that results always names something a reader can report.
#[must_use]
pub fn percent_decode(fragment: &str) -> Cow<'_, str> {
    let bytes = fragment.as_bytes();
    if !bytes.contains(&b'%') {
        return Cow::Borrowed(fragment);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex_digit),
                bytes.get(i + 2).copied().and_then(hex_digit),
            )
        {
            out.push(hi << 4 | lo);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

fn hex_digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_in_rfc_order() {
        assert_eq!(push("", "a/b~c"), "/a~1b~0c");
        assert_eq!(unescape("~01"), "~1");
        assert_eq!(tokens("/a~1b/~0/").collect::<Vec<_>>(), ["a/b", "~", ""]);
        assert_eq!(tokens("").count(), 0);
        assert_eq!(first_token(""), "");
        assert_eq!(from_tokens(["$defs", "a/b"]), "/$defs/a~1b");
    }

    #[test]
    fn percent_decoding_never_panics_on_odd_input() {
        assert_eq!(percent_decode("/%24defs/x"), "/$defs/x");
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%zz"), "%zz");
        // A multi-byte character right after `%` used to slice inside it and panic.
        assert_eq!(percent_decode("%é1"), "%é1");
        assert_eq!(percent_decode("%C3%A9"), "é");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
    }

    proptest::proptest! {
        #[test]
        fn tokens_round_trip(parts in proptest::collection::vec(".*", 0..6)) {
            let pointer = from_tokens(&parts);
            let back: Vec<String> = tokens(&pointer).map(Cow::into_owned).collect();
            proptest::prop_assert_eq!(back, parts);
        }

        #[test]
        fn unescape_inverts_escape(token in ".*") {
            let escaped = escape(&token);
            proptest::prop_assert_eq!(unescape(&escaped), token.as_str());
        }

        #[test]
        fn percent_decode_inverts_encoding(text in ".*") {
            let encoded: String = text
                .bytes()
                .map(|b| format!("%{b:02X}"))
                .collect();
            proptest::prop_assert_eq!(percent_decode(&encoded), text.as_str());
            // And arbitrary input never panics.
            let _ = percent_decode(&text);
        }
    }
}
