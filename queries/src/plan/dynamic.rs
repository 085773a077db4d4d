//! PACKAGES_DYNAMIC patterns, compiled once per provider index. BitBake
//! matches a runtime name against each with Python's `re.match`, so a
//! pattern is anchored at the start only, `+` stands for itself, and
//! lookaround (`^${PN}(?!.*-native)-.*`) must work: hence fancy-regex.

use fancy_regex::Regex;

use super::cache::provider_index;
use super::Message;
use crate::config::Invocation;
use crate::files::Db;
use crate::multiconfig::Multiconfig;

/// The compiled patterns, with their positions in the index.
#[derive(Debug, Clone)]
pub struct DynamicPatterns {
    patterns: Vec<(usize, Regex)>,
    pub messages: Vec<Message>,
}

impl PartialEq for DynamicPatterns {
    fn eq(&self, other: &Self) -> bool {
        let sources = |patterns: &[(usize, Regex)]| -> Vec<(usize, String)> {
            patterns.iter().map(|(position, re)| (*position, re.as_str().to_owned())).collect()
        };
        sources(&self.patterns) == sources(&other.patterns) && self.messages == other.messages
    }
}

impl Eq for DynamicPatterns {}

impl DynamicPatterns {
    /// The index positions of the patterns that match `name`, in order.
    pub fn matches(&self, name: &str) -> Vec<usize> {
        self.patterns
            .iter()
            .filter(|(_, re)| re.is_match(name).unwrap_or(false))
            .map(|(position, _)| *position)
            .collect()
    }
}

#[salsa::tracked(returns(ref))]
pub fn dynamic_patterns<'db>(
    db: &'db dyn Db,
    invocation: Invocation,
    mc: Multiconfig<'db>,
) -> DynamicPatterns {
    let index = provider_index(db, invocation, mc);
    let mut patterns = Vec::new();
    let mut messages = Vec::new();
    for (position, (pattern, _)) in index.packages_dynamic.iter().enumerate() {
        let escaped = pattern.replace('+', r"\+");
        match Regex::new(&format!("^(?:{escaped})")) {
            Ok(re) => patterns.push((position, re)),
            Err(_) => messages
                .push(Message::error(format!("Error parsing regular expression '{escaped}'"))),
        }
    }
    DynamicPatterns { patterns, messages }
}
