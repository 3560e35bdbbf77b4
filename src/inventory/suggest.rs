//! "Did you mean": the closest valid name to a misspelt one, shared by every
//! rule that names an unknown id, field, value or time zone. A leaf: it
//! imports nothing of the crate.

/// Damerau (optimal string alignment) distance, for "did you mean".
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, v) in d[0].iter_mut().enumerate() {
        *v = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

/// Longest word (in characters) for which a "did you mean" is looked for.
const MAX_SUGGEST_LEN: usize = 64;

/// How many candidate comparisons the "did you mean" hints of one file may
/// cost in all (each unknown reference is compared with every candidate);
/// once spent, the remaining unknown references get a plain hint, so a file
/// with thousands of bad references among thousands of ids is still reported
/// in about linear time.
pub const SUGGESTION_BUDGET: usize = 300_000;

/// The closest candidate to `word`, when close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let w = word.to_lowercase();
    let wlen = w.chars().count();
    // A long word is not a typo of an id, and its distance costs len² to find.
    if wlen > MAX_SUGGEST_LEN {
        return None;
    }
    let limit = (wlen / 3).clamp(1, 3);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c.is_empty() || c.len() > 4 * MAX_SUGGEST_LEN {
            continue;
        }
        // The distance is at least the difference in length.
        if c.chars().count().abs_diff(wlen) > limit {
            continue;
        }
        let d = edit_distance(&w, &c.to_lowercase());
        // Ties go to the alphabetically first, so output is deterministic.
        if d <= limit && best.is_none_or(|(bd, bc)| d < bd || (d == bd && c < bc)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(suggest("dbaa", ["dba", "ops"]), Some("dba"));
        assert_eq!(suggest("web-teir", ["web-tier"]), Some("web-tier"));
        assert_eq!(suggest("zzz", ["dba"]), None);
    }
}
