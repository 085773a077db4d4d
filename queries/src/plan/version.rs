//! BitBake's version ordering (`bb.utils.vercmp`): epochs compare as
//! numbers, then PV and PR compare piece by piece, numbers as numbers,
//! letters as text, `~` before everything and other characters after.

use std::cmp::Ordering;

/// One piece of a version string, in BitBake's order of kinds.
#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    Tilde,
    Number(&'a str),
    Letters(&'a str),
    Other(char),
}

impl Piece<'_> {
    fn kind(&self) -> i8 {
        match self {
            Piece::Tilde => -1,
            Piece::Number(_) => 0,
            Piece::Letters(_) => 1,
            Piece::Other(_) => 2,
        }
    }
}

fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(first) = rest.chars().next() {
        let run = |pred: fn(char) -> bool| rest.find(|c: char| !pred(c)).unwrap_or(rest.len());
        if first.is_ascii_digit() {
            let end = run(|c| c.is_ascii_digit());
            out.push(Piece::Number(&rest[..end]));
            rest = &rest[end..];
        } else if first.is_ascii_alphabetic() {
            let end = run(|c| c.is_ascii_alphabetic());
            out.push(Piece::Letters(&rest[..end]));
            rest = &rest[end..];
        } else {
            out.push(if first == '~' { Piece::Tilde } else { Piece::Other(first) });
            rest = &rest[first.len_utf8()..];
        }
    }
    out
}

/// Compares two runs of digits as the numbers they spell.
fn compare_numbers(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// BitBake's `vercmp_part`.
pub fn compare_part(a: &str, b: &str) -> Ordering {
    let (a, b) = (pieces(a), pieces(b));
    let mut index = 0;
    loop {
        // An exhausted side reads as the number zero with no text.
        let (left, right) = (a.get(index), b.get(index));
        index += 1;
        let (left, right) = match (left, right) {
            (None, None) => return Ordering::Equal,
            (Some(left), Some(right)) => (left, right),
            (None, Some(right)) => {
                return match 0.cmp(&right.kind()) {
                    Ordering::Equal => Ordering::Less,
                    other => other,
                }
            }
            (Some(left), None) => {
                return match left.kind().cmp(&0) {
                    Ordering::Equal => Ordering::Greater,
                    other => other,
                }
            }
        };
        let order = left.kind().cmp(&right.kind()).then_with(|| match (left, right) {
            (Piece::Number(x), Piece::Number(y)) => compare_numbers(x, y),
            (Piece::Letters(x), Piece::Letters(y)) => x.cmp(y),
            (Piece::Other(x), Piece::Other(y)) => x.cmp(y),
            _ => Ordering::Equal,
        });
        if order != Ordering::Equal {
            return order;
        }
    }
}

/// BitBake's `vercmp` over `(PE, PV, PR)`.
pub fn compare(a: (&str, &str, &str), b: (&str, &str, &str)) -> Ordering {
    let epoch = |text: &str| text.trim().parse::<i64>().unwrap_or(0);
    epoch(a.0)
        .cmp(&epoch(b.0))
        .then_with(|| compare_part(a.1, b.1))
        .then_with(|| compare_part(a.2, b.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_versions_as_bitbake_does() {
        assert_eq!(compare_part("1.10", "1.9"), Ordering::Greater);
        assert_eq!(compare_part("1.0", "1.0"), Ordering::Equal);
        assert_eq!(compare_part("1.0~rc1", "1.0"), Ordering::Less);
        assert_eq!(compare_part("1.0", "1.0.1"), Ordering::Less);
        assert_eq!(compare_part("1.0a", "1.0"), Ordering::Greater);
        assert_eq!(compare_part("1.0+git", "1.0"), Ordering::Greater);
        assert_eq!(compare_part("007", "7"), Ordering::Equal);
        assert_eq!(compare(("1", "0.1", "r0"), ("", "9.9", "r9")), Ordering::Greater);
        assert_eq!(compare(("", "1.0", "r1"), ("", "1.0", "r0")), Ordering::Greater);
    }
}
