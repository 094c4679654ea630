//! "Did you mean" suggestions: edit distance (Levenshtein, in characters) to the known names.

/// The candidates closest to `name`, best first.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    let mut v: Vec<(usize, &str)> = candidates
        .map(|c| {
            let d = strsim::levenshtein(name, c);
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
        let c = closest(
            "github.psh",
            ["github.push", "github.ping", "stripe.invoice.paid"].into_iter(),
            2,
        );
        assert_eq!(c[0], "github.push");
        let names = ["github.push", "stripe.invoice.paid"];
        // Distance counts characters, not bytes.
        assert_eq!(
            closest("strïpe.invöice.paid", names.into_iter(), 2),
            ["stripe.invoice.paid"]
        );
        assert!(closest("zoom.meeting.started", names.into_iter(), 2).is_empty());
    }
}
