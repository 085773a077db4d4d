//! Python's `glob.glob` and `fnmatch` over directory inputs: how BitBake
//! turns BBFILES patterns into recipe files.
//!
//! A pattern is matched one path component at a time. A component without
//! `*`, `?` or `[` must name an existing entry; a component with them is
//! matched against the directory's entries, where names starting with `.`
//! match only a component that starts with `.` too. Every directory listed
//! is an input, so a recipe that appears later is found.

use std::path::{Path, PathBuf};

use crate::eval::normalize;
use crate::files::{directory, path_kind, Db, PathKind};

fn has_magic(component: &str) -> bool {
    component.contains(['*', '?', '['])
}

/// The paths matching `pattern` (absolute), unsorted, in directory order.
pub fn glob(db: &dyn Db, pattern: &str) -> Vec<PathBuf> {
    let components: Vec<&str> = pattern.split('/').filter(|c| !c.is_empty()).collect();
    let mut current = vec![PathBuf::from("/")];
    for (index, component) in components.iter().enumerate() {
        let last = index + 1 == components.len();
        let mut next = Vec::new();
        for base in &current {
            if has_magic(component) {
                let listed = normalize(base);
                let entries = directory(db, &listed).entries(db).clone();
                crate::reuse::record::note(|| crate::reuse::record::Read::Directory {
                    path: listed.clone(),
                    entries: entries.clone(),
                });
                let Some(entries) = entries else {
                    continue;
                };
                for entry in entries {
                    let hidden_ok = !entry.name.starts_with('.') || component.starts_with('.');
                    if hidden_ok && (last || entry.is_dir) && fnmatch(&entry.name, component) {
                        next.push(base.join(&entry.name));
                    }
                }
            } else {
                let candidate = base.join(component);
                if exists(db, &candidate, last) {
                    next.push(candidate);
                }
            }
        }
        current = next;
    }
    if components.is_empty() {
        return Vec::new();
    }
    current
}

/// Whether `path` exists: as a file or directory for the last component,
/// as a directory for the others.
/// Paths keep their spelling (`build/../layer`), but the database knows
/// each directory and file under its normal path.
fn exists(db: &dyn Db, path: &Path, last: bool) -> bool {
    match path_kind(db, &normalize(path)) {
        PathKind::Directory => true,
        PathKind::File => last,
        PathKind::Missing => false,
    }
}

/// Python's `fnmatch.fnmatchcase`: `*`, `?`, `[seq]` and `[!seq]`.
pub fn fnmatch(name: &str, pattern: &str) -> bool {
    let name: Vec<char> = name.chars().collect();
    let pattern: Vec<char> = pattern.chars().collect();
    match_from(&name, &pattern)
}

fn match_from(name: &[char], pattern: &[char]) -> bool {
    // Iterative matching with one backtrack point for the last `*`, which is
    // enough for globs and linear in practice.
    let (mut n, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, n));
                p += 1;
                continue;
            }
            Some('?') => {
                n += 1;
                p += 1;
                continue;
            }
            Some('[') => {
                if let Some((matched, end)) = class_matches(&pattern[p..], name[n]) {
                    if matched {
                        n += 1;
                        p += end;
                        continue;
                    }
                } else if name[n] == '[' {
                    // An unclosed `[` is a plain character.
                    n += 1;
                    p += 1;
                    continue;
                }
            }
            Some(c) if *c == name[n] => {
                n += 1;
                p += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((star_p, star_n)) => {
                star = Some((star_p, star_n + 1));
                p = star_p + 1;
                n = star_n + 1;
            }
            None => return false,
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

/// Matches `c` against the class at the start of `pattern` (`[...]`);
/// returns whether it matched and the class's length, or `None` if the
/// class is not closed.
fn class_matches(pattern: &[char], c: char) -> Option<(bool, usize)> {
    let mut i = 1;
    let negated = matches!(pattern.get(i), Some('!'));
    if negated {
        i += 1;
    }
    // A `]` right after the opening is part of the set.
    if pattern.get(i) == Some(&']') {
        i += 1;
    }
    let close = i + pattern[i..].iter().position(|ch| *ch == ']')?;
    let set = &pattern[if negated { 2 } else { 1 }..close];
    let mut matched = false;
    let mut k = 0;
    while k < set.len() {
        if k + 2 < set.len() && set[k + 1] == '-' {
            matched |= set[k] <= c && c <= set[k + 2];
            k += 3;
        } else {
            matched |= set[k] == c;
            k += 1;
        }
    }
    Some((matched != negated, close + 1))
}

#[cfg(test)]
mod tests {
    use super::fnmatch;

    #[test]
    fn fnmatch_like_python() {
        assert!(fnmatch("hello_1.0.bb", "*.bb"));
        assert!(fnmatch("hello_1.0.bb", "hello_?.?.bb"));
        assert!(!fnmatch("hello_1.0.bbappend", "*.bb"));
        assert!(fnmatch("a.bb", "[abc].bb"));
        assert!(!fnmatch("a.bb", "[!abc].bb"));
        assert!(fnmatch("x-y", "*-*"));
        assert!(fnmatch("[x", "[x"));
        assert!(fnmatch("", "*"));
        assert!(!fnmatch("", "?"));
    }
}
