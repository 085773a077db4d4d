//! Python's `difflib.get_close_matches` (three best, cutoff 0.7), which
//! BitBake uses to suggest names when nothing provides a target.

use std::collections::HashMap;

/// The similarity ratio `difflib.SequenceMatcher(None, a, b).ratio()`.
pub fn ratio(a: &[char], b: &[char]) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    let mut positions: HashMap<char, Vec<usize>> = HashMap::new();
    for (index, &c) in b.iter().enumerate() {
        positions.entry(c).or_default().push(index);
    }
    let matched = matching_total(a, &positions, (0, a.len()), (0, b.len()));
    2.0 * matched as f64 / total as f64
}

/// The total size of the matching blocks within the given ranges, found as
/// difflib finds them: the longest match (earliest on ties), then the same
/// on each side of it.
fn matching_total(
    a: &[char],
    positions: &HashMap<char, Vec<usize>>,
    (a_low, a_high): (usize, usize),
    (b_low, b_high): (usize, usize),
) -> usize {
    let (mut best_a, mut best_b, mut best_size) = (a_low, b_low, 0);
    let mut lengths: HashMap<usize, usize> = HashMap::new();
    for (i, c) in a.iter().enumerate().take(a_high).skip(a_low) {
        let mut next: HashMap<usize, usize> = HashMap::new();
        for &j in positions.get(c).into_iter().flatten() {
            if j < b_low {
                continue;
            }
            if j >= b_high {
                break;
            }
            let size = if j > 0 { lengths.get(&(j - 1)).copied().unwrap_or(0) } else { 0 } + 1;
            next.insert(j, size);
            if size > best_size {
                (best_a, best_b, best_size) = (i + 1 - size, j + 1 - size, size);
            }
        }
        lengths = next;
    }
    if best_size == 0 {
        return 0;
    }
    best_size
        + matching_total(a, positions, (a_low, best_a), (b_low, best_b))
        + matching_total(a, positions, (best_a + best_size, a_high), (best_b + best_size, b_high))
}

/// Up to three candidates whose ratio to `word` is at least 0.7, best
/// first (ties broken by the greater string, as Python's `nlargest`).
pub fn close_matches(word: &str, candidates: &[&str]) -> Vec<String> {
    let word: Vec<char> = word.chars().collect();
    let mut scored: Vec<(f64, &str)> = candidates
        .iter()
        .filter_map(|candidate| {
            let chars: Vec<char> = candidate.chars().collect();
            let score = ratio(&chars, &word);
            (score >= 0.7).then_some((score, *candidate))
        })
        .collect();
    scored.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| y.1.cmp(x.1)));
    scored.into_iter().take(3).map(|(_, candidate)| candidate.to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_difflib() {
        let chars = |text: &str| text.chars().collect::<Vec<_>>();
        // difflib.SequenceMatcher(None, "abcd", "bcde").ratio() == 0.75
        assert_eq!(ratio(&chars("abcd"), &chars("bcde")), 0.75);
        let found = close_matches("appel", &["ape", "apple", "peach", "puppy"]);
        assert_eq!(found, ["apple", "ape"]);
    }
}
