//! URLs built from a base and a request's path: where a capture is sent again
//! (`replay`, exports) and where the listener forwards.

// ---- joining a base URL and a request's path ----

/// `base` (a URL, maybe with a path) followed by the request's path and query.
pub fn join_url(base: &str, path_and_query: &str) -> String {
    // A query on the base goes after the joined path, merged with the request's.
    let (base, base_query) = match base.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (base, None),
    };
    let base = base.trim_end_matches('/');
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_and_query, None),
    };
    let mut url = if path == "/" && base.matches('/').count() > 2 {
        base.to_string()
    } else {
        format!("{base}{path}")
    };
    match (base_query, query) {
        (Some(a), Some(b)) => url.push_str(&format!("?{a}&{b}")),
        (Some(q), None) | (None, Some(q)) => url.push_str(&format!("?{q}")),
        (None, None) => {}
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_join() {
        assert_eq!(join_url("http://app:3000", "/hook?x=1"), "http://app:3000/hook?x=1");
        assert_eq!(join_url("http://app:3000/", "/hook"), "http://app:3000/hook");
        assert_eq!(join_url("http://app:3000/base", "/hook"), "http://app:3000/base/hook");
        assert_eq!(join_url("http://x/h?t=1", "/a?b=2"), "http://x/h/a?t=1&b=2");
        assert_eq!(join_url("http://x/h?t=1", "/"), "http://x/h?t=1");
        assert_eq!(join_url("http://x:1", "/?q"), "http://x:1/?q");
    }
}
