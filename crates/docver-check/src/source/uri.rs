//! Resolving a `$ref` or `$id` against the base URI in effect (RFC 3986, section 5.2), enough
//! for schema identifiers: no network, no normalisation beyond dot segments.

/// The base of a file without `$id`: relative references resolve against it and never leave
/// it for the network.
pub(super) const DEFAULT_BASE: &str = "docver:///schema.json";

/// `reference` resolved against `base`.
pub(super) fn join(base: &str, reference: &str) -> String {
    if scheme(reference).is_some() {
        return remove_dots_in(reference);
    }
    let base = strip_fragment(base);
    if reference.is_empty() {
        return base.to_owned();
    }
    if reference.starts_with('#') {
        return format!("{base}{reference}");
    }
    let Some(scheme_len) = scheme(base) else {
        return reference.to_owned();
    };
    let (scheme, rest) = base.split_at(scheme_len + 1);
    if let Some(network) = reference.strip_prefix("//") {
        return remove_dots_in(&format!("{scheme}//{network}"));
    }
    // `rest` is `//authority/path` or a path (`urn:` names have no hierarchy).
    let (authority, path) = match rest.strip_prefix("//") {
        Some(after) => {
            let end = after.find('/').unwrap_or(after.len());
            (&rest[..end + 2], &after[end..])
        }
        None => ("", rest),
    };
    let path = path.split(['?']).next().unwrap_or("");
    let merged = if reference.starts_with('/') {
        reference.to_owned()
    } else if reference.starts_with('?') {
        format!("{path}{reference}")
    } else {
        match path.rfind('/') {
            Some(slash) => format!("{}{reference}", &path[..=slash]),
            None if !authority.is_empty() => format!("/{reference}"),
            None => reference.to_owned(),
        }
    };
    format!("{scheme}{authority}{}", remove_dots(&merged))
}

/// The URI without its `#fragment`, and the fragment (without `#`).
pub(super) fn split_fragment(uri: &str) -> (&str, &str) {
    match uri.split_once('#') {
        Some((absolute, fragment)) => (absolute, fragment),
        None => (uri, ""),
    }
}

fn strip_fragment(uri: &str) -> &str {
    split_fragment(uri).0
}

/// The length of the URI's scheme, when it has one (`urn`, `http`).
fn scheme(uri: &str) -> Option<usize> {
    let colon = uri.find(':')?;
    let name = &uri[..colon];
    let mut chars = name.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(colon)
}

fn remove_dots_in(uri: &str) -> String {
    let Some(scheme_len) = scheme(uri) else {
        return uri.to_owned();
    };
    let (scheme, rest) = uri.split_at(scheme_len + 1);
    let Some(after) = rest.strip_prefix("//") else {
        return uri.to_owned();
    };
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (authority, tail) = after.split_at(end);
    let (path, suffix) = match tail.find(['?', '#']) {
        Some(i) => tail.split_at(i),
        None => (tail, ""),
    };
    format!("{scheme}//{authority}{}{suffix}", remove_dots(path))
}

/// RFC 3986 5.2.4, on a path without query or fragment.
fn remove_dots(path: &str) -> String {
    let (path, suffix) = match path.find(['?', '#']) {
        Some(i) => path.split_at(i),
        None => (path, ""),
    };
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *segment {
            "." => {
                if last {
                    out.push("");
                }
            }
            ".." => {
                if out.len() > 1 {
                    out.pop();
                }
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    format!("{}{suffix}", out.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_like_rfc_3986() {
        let base = "http://example.com/root.json";
        assert_eq!(join(base, "item.json"), "http://example.com/item.json");
        assert_eq!(join(base, "#foo"), "http://example.com/root.json#foo");
        assert_eq!(join("http://a/b/c/d", "../g"), "http://a/b/g");
        assert_eq!(join("http://a/b/c/d", "/g"), "http://a/g");
        assert_eq!(join(base, "urn:x:y"), "urn:x:y");
        assert_eq!(join("urn:x:y", "#/a"), "urn:x:y#/a");
        assert_eq!(join(DEFAULT_BASE, "other.json"), "docver:///other.json");
        assert_eq!(join("http://a/x/", "y/z.json"), "http://a/x/y/z.json");
    }
}
