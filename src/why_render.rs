//! How `rbake why` presents a changed task: the root cause first, long
//! chains of changed dependency hashes collapsed into one line, and
//! colour when standard output is a terminal (unless NO_COLOR is set or
//! TERM is `dumb`).

use std::io::IsTerminal;

const DEPENDENCY: &str = "Hash for task dependency ";
/// Chains this long or longer are collapsed.
const CHAIN: usize = 3;

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn is_dependency(line: &str) -> bool {
    line.trim_start().starts_with(DEPENDENCY)
}

/// The task a dependency line names, shortened to its recipe file's name.
fn dependency_name(line: &str) -> String {
    let rest = line.trim_start().trim_start_matches(DEPENDENCY);
    let tid = rest.split(" changed from ").next().unwrap_or(rest);
    tid.rsplit('/').next().unwrap_or(tid).to_owned()
}

/// Collapses each run of three or more dependency lines, each nested in
/// the one before, into one line that names the chain; the explanation
/// below the last link keeps its place under it.
pub fn collapse_chains(lines: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(lines.len());
    let mut index = 0;
    while index < lines.len() {
        let mut end = index;
        while is_dependency(&lines[end])
            && end + 1 < lines.len()
            && is_dependency(&lines[end + 1])
            && indent(&lines[end + 1]) == indent(&lines[end]) + 2
        {
            end += 1;
        }
        if !is_dependency(&lines[index]) || end + 1 - index < CHAIN {
            out.push(lines[index].clone());
            index += 1;
            continue;
        }
        let pad = " ".repeat(indent(&lines[index]));
        let names: Vec<String> =
            lines[index..=end].iter().map(|line| dependency_name(line)).collect();
        out.push(format!(
            "{pad}Hashes changed along {} ({} tasks)",
            names.join(" ← "),
            names.len()
        ));
        // What explains the last link moves up under the collapsed line.
        let shift = indent(&lines[end]) - indent(&lines[index]);
        index = end + 1;
        while index < lines.len() && indent(&lines[index]) > indent(&lines[end]) {
            out.push(lines[index][shift..].to_owned());
            index += 1;
        }
    }
    out
}

/// The deepest cause among the details: the first line that is not about
/// a hash (a variable, a function, a file checksum, a taint), with the
/// "set at" line after it.
pub fn root_cause(details: &[String]) -> Vec<String> {
    let is_cause = |line: &str| {
        let line = line.trim_start();
        !line.starts_with(DEPENDENCY)
            && !line.starts_with("Hashes changed along")
            && !line.starts_with("basehash changed")
            && !line.starts_with("taskhash changed")
            && !line.starts_with("set at")
    };
    let Some(at) = details.iter().position(|line| is_cause(line)) else { return Vec::new() };
    let mut cause = vec![format!("  root cause: {}", details[at].trim_start())];
    if let Some(place) = details.get(at + 1).filter(|line| line.trim_start().starts_with("set at"))
    {
        cause.push(format!("    {}", place.trim_start()));
    }
    cause
}

/// Whether to colour standard output.
pub fn use_colour() -> bool {
    std::io::stdout().is_terminal()
        && crate::engine::env_var("NO_COLOR").is_none_or(|value| value.is_empty())
        && crate::engine::env_var("TERM").is_none_or(|term| term != "dumb")
}

/// A line with ANSI colour for its kind: the verdict, causes and places.
pub fn paint(line: &str) -> String {
    let trimmed = line.trim_start();
    let code = if trimmed.contains(" will run") {
        "1;31"
    } else if trimmed.contains(" will not run") || trimmed.contains(" will not really run") {
        "1;32"
    } else if trimmed.starts_with("root cause:") {
        "1;33"
    } else if trimmed.starts_with("set at ") {
        "36"
    } else {
        return line.to_owned();
    };
    let pad = &line[..line.len() - trimmed.len()];
    format!("{pad}\x1b[{code}m{trimmed}\x1b[0m")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn a_long_chain_becomes_one_line_and_keeps_its_explanation() {
        let details = lines(
            "  Hash for task dependency /l/app_1.0.bb:do_install changed from a to b\n\
             \x20   Hash for task dependency /l/app_1.0.bb:do_compile changed from c to d\n\
             \x20     Hash for task dependency /l/lib_1.0.bb:do_install changed from e to f\n\
             \x20       Variable LIB_FLAGS value changed from 'x' to 'y'\n\
             \x20         set at /l/lib_1.0.bb:3 (set \"y\")",
        );
        let collapsed = collapse_chains(details);
        assert_eq!(
            collapsed,
            lines(
                "  Hashes changed along app_1.0.bb:do_install ← app_1.0.bb:do_compile ← lib_1.0.bb:do_install (3 tasks)\n\
                 \x20   Variable LIB_FLAGS value changed from 'x' to 'y'\n\
                 \x20     set at /l/lib_1.0.bb:3 (set \"y\")"
            )
        );
        assert_eq!(
            root_cause(&collapsed),
            lines(
                "  root cause: Variable LIB_FLAGS value changed from 'x' to 'y'\n\
                 \x20   set at /l/lib_1.0.bb:3 (set \"y\")"
            )
        );
    }

    #[test]
    fn short_chains_stay_as_they_are() {
        let details = lines(
            "  Hash for task dependency /l/app_1.0.bb:do_compile changed from c to d\n\
             \x20   Variable APP value changed from 'x' to 'y'",
        );
        assert_eq!(collapse_chains(details.clone()), details);
    }
}
