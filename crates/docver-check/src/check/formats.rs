//! The `format` values schemars emits, with one example each and a conformance check strict
//! enough to pick witnesses (the tests confirm each witness with the `jsonschema` crate).

/// An example string in `format`, or `None` for formats this tool does not know.
pub fn example(format: &str) -> Option<&'static str> {
    Some(match format {
        "date-time" => "1970-01-01T00:00:00Z",
        "date" => "1970-01-01",
        "time" => "00:00:00Z",
        "email" => "a@example.com",
        "hostname" => "example.com",
        "ipv4" => "127.0.0.1",
        "ipv6" => "::1",
        "uri" => "https://example.com/",
        "uuid" => "00000000-0000-0000-0000-000000000000",
        "duration" => "P1D",
        _ => return None,
    })
}

/// Whether `s` conforms to `format`. Unknown formats accept everything, as JSON Schema says.
pub fn conforms(format: &str, s: &str) -> bool {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let date = |t: &str| {
        let parts: Vec<_> = t.split('-').collect();
        parts.len() == 3
            && parts[0].len() == 4
            && parts[1].len() == 2
            && parts[2].len() == 2
            && parts.iter().all(|p| digits(p))
            && (1..=12).contains(&parts[1].parse::<u32>().unwrap_or(0))
            && (1..=31).contains(&parts[2].parse::<u32>().unwrap_or(0))
    };
    let time = |t: &str| {
        let t = t.trim_end_matches(['Z', 'z']);
        let main = t.split(['+', '-']).next().unwrap_or("");
        let hms: Vec<_> = main.split('.').next().unwrap_or("").split(':').collect();
        hms.len() == 3 && hms.iter().all(|p| p.len() == 2 && digits(p))
    };
    match format {
        "date" => date(s),
        "time" => time(s),
        "date-time" => s
            .split_once(['T', 't'])
            .is_some_and(|(d, t)| date(d) && time(t)),
        "email" => s
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.')),
        "hostname" => {
            !s.is_empty()
                && s.split('.').all(|label| {
                    !label.is_empty()
                        && label.len() <= 63
                        && label
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
        }
        "ipv4" => s.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => s.parse::<std::net::Ipv6Addr>().is_ok(),
        "uri" => s.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        }),
        "uuid" => {
            let groups: Vec<_> = s.split('-').map(str::len).collect();
            groups == [8, 4, 4, 4, 12] && s.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit())
        }
        "duration" => s.starts_with('P') && s.len() > 1,
        _ => true,
    }
}
