//! Guessing a document's version from its JSON text, so that the reader can try that
//! version's type first without parsing the text twice.

/// The version a JSON text most likely has, without parsing it: the number after the first
/// `"<version_field>":`, or the base version when that key does not occur at all. Only a guess
/// (the key may sit in a nested object): the reader checks the tag it finds in the document.
pub(super) fn guess_version(text: &str, version_field: &str, base: Option<u32>) -> Option<u32> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(found) = text.get(from..)?.find(version_field) {
        let start = from + found;
        let end = start + version_field.len();
        from = end;
        if start == 0 || bytes[start - 1] != b'"' || bytes.get(end) != Some(&b'"') {
            continue;
        }
        let rest = text[end + 1..].trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let rest = rest.trim_start();
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        return rest[..digits].parse().ok();
    }
    base
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guessed_versions_are_only_guesses() {
        assert_eq!(
            guess_version(r#"{"version":3}"#, "version", Some(1)),
            Some(3)
        );
        assert_eq!(guess_version(r#"{"a":1}"#, "version", Some(1)), Some(1));
        assert_eq!(guess_version(r#"{"a":1}"#, "version", None), None);
        assert_eq!(
            guess_version(r#"{"myversion":2, "version" : 7}"#, "version", None),
            Some(7)
        );
        assert_eq!(
            guess_version(r#"{"version":"x"}"#, "version", Some(1)),
            None
        );
        assert_eq!(
            guess_version(r#"{"version":99999999999}"#, "version", Some(1)),
            None
        );
        assert_eq!(guess_version("version", "version", Some(1)), Some(1));
    }
}
