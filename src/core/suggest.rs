//! "Did you mean" suggestions: edit distance to the known names.

/// Edit distance, for "did you mean" suggestions.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push((prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The candidates closest to `name`, best first.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    let mut v: Vec<(usize, &str)> = candidates
        .map(|c| {
            let d = levenshtein(name, c);
            let bonus = if c.contains(name) || name.contains(c) { 0 } else { d };
            (bonus.min(d), c)
        })
        .collect();
    v.sort();
    let limit = name.chars().count().max(4) / 2 + 2;
    v.into_iter()
        .filter(|(d, _)| *d <= limit)
        .take(n)
        .map(|(_, c)| c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        let c = closest(
            "github.psh",
            ["github.push", "github.ping", "stripe.invoice.paid"].into_iter(),
            2,
        );
        assert_eq!(c[0], "github.push");
    }
}
