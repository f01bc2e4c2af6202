//! Store URLs carry credentials (`https://admin:secret@host/db`); nothing docver prints may
//! contain them. Every message, log line and error that shows a store URL, or text that may
//! quote one (a transport error, a server's reply), goes through [`redact_url`] or
//! [`redact_urls_in`].

/// What replaces a password (or a user-info without one, which may itself be a token).
const MASK: &str = "***";

/// `url` with its password replaced by `***`: `https://admin:secret@host/db` →
/// `https://admin:***@host/db`. Any scheme in any case (`HTTP://`, `couchdb+https://`), no
/// scheme (`admin:secret@host/db`), and passwords containing `/`, `@`, `:`, `?` or `#` (the
/// user-info ends at the *last* `@`, since database names and hosts never contain one). A
/// user-info without `:` is masked whole. A URL without credentials is returned unchanged.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(at) => url.split_at(at + 3),
        None => ("", url),
    };
    let Some(userinfo_end) = rest.rfind('@') else {
        return url.to_owned();
    };
    let (userinfo, host_and_path) = rest.split_at(userinfo_end);
    let masked = match userinfo.split_once(':') {
        Some((user, _password)) => format!("{user}:{MASK}"),
        None => MASK.to_owned(),
    };
    format!("{scheme}{masked}{host_and_path}")
}

/// `text` with every `scheme://…` URL in it redacted by [`redact_url`]. A URL ends at
/// whitespace or a quote, backquote or angle bracket; only URLs with a `://` are recognised in
/// free text, so document ids such as `todo-item@2:abc` stay as they are.
pub fn redact_urls_in(text: &str) -> String {
    let is_end = |c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '<' | '>');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(separator) = rest.find("://") {
        let start = rest[..separator].rfind(is_end).map_or(0, |at| {
            at + rest[at..].chars().next().map_or(1, char::len_utf8)
        });
        let end = rest[separator..]
            .find(is_end)
            .map_or(rest.len(), |at| separator + at);
        out.push_str(&rest[..start]);
        out.push_str(&redact_url(&rest[start..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_url_form_loses_its_password() {
        for (url, redacted) in [
            (
                "http://admin:secret@localhost:5984/db",
                "http://admin:***@localhost:5984/db",
            ),
            (
                "https://admin:TopSecret@host/db",
                "https://admin:***@host/db",
            ),
            ("HTTP://admin:TopSecret@host/db", "HTTP://admin:***@host/db"),
            (
                "Https://admin:TopSecret@host:6984",
                "Https://admin:***@host:6984",
            ),
            (
                "couchdb+ssh://admin:TopSecret@host/db",
                "couchdb+ssh://admin:***@host/db",
            ),
            (
                "https://admin:Top/Sec@ret@host/db",
                "https://admin:***@host/db",
            ),
            (
                "https://admin:Top:Secret?#@host/db",
                "https://admin:***@host/db",
            ),
            ("https://TopSecretToken@host/db", "https://***@host/db"),
            ("admin:TopSecret@host:5984/db", "admin:***@host:5984/db"),
            ("https://admin:@host/db", "https://admin:***@host/db"),
        ] {
            assert_eq!(redact_url(url), redacted, "{url}");
        }
    }

    #[test]
    fn urls_without_credentials_are_unchanged() {
        for url in [
            "http://localhost:5984/db",
            "https://host/db",
            "sqlite:/tmp/todo.db",
            "localhost:5984/db",
            "",
        ] {
            assert_eq!(redact_url(url), url);
        }
    }

    #[test]
    fn urls_in_text_are_redacted_and_the_rest_is_kept() {
        assert_eq!(
            redact_urls_in(
                "bad uri `HTTPS://admin:Top/Secret@host/db`: todo-item@2:abc failed; see http://a:b@c/d"
            ),
            "bad uri `HTTPS://admin:***@host/db`: todo-item@2:abc failed; see http://a:***@c/d"
        );
        assert_eq!(redact_urls_in("no url here"), "no url here");
        assert_eq!(redact_urls_in("é://x:y@z"), "é://x:***@z");
    }
}
