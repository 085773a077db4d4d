//! Word lists and the small text choices of the generator: recipe and group
//! names, versions, licenses and PACKAGECONFIG option names.

use crate::rng::Rng;

/// Syllables that recipe names are made of.
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "zen", "tor", "vex", "qua", "ril", "sha", "dor", "bel", "nix", "pho", "gra",
    "tul", "wen", "yar", "cro", "fim", "jas", "hup", "eld", "orn", "sig", "bru", "tesk", "pal",
    "mur",
];

/// Group (directory) names, in the order groups are created; `core` is first.
const GROUPS: &[&str] = &[
    "core",
    "support",
    "devtools",
    "connectivity",
    "graphics",
    "multimedia",
    "extended",
    "console",
    "kernel",
    "security",
    "bsp",
    "crypto",
    "benchmark",
    "sato",
    "navigation",
    "printing",
];

/// Option names for PACKAGECONFIG.
pub const OPTIONS: &[&str] = &[
    "ssl", "zlib", "lzma", "tests", "docs", "ipv6", "x11", "wayland", "gtk", "readline", "systemd",
    "pam", "acl", "xattr", "bluez", "curl", "json", "python", "manpages", "nls",
];

/// Licenses, with relative weights below.
pub const LICENSES: &[&str] = &[
    "MIT",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "LGPL-2.1-or-later",
    "Apache-2.0",
    "BSD-3-Clause",
    "GPL-3.0-or-later",
    "MIT & BSD-2-Clause",
];
pub const LICENSE_WEIGHTS: &[usize] = &[30, 15, 10, 10, 15, 10, 5, 5];

/// Words for one-line descriptions.
pub const NOUNS: &[&str] = &[
    "library",
    "daemon",
    "toolkit",
    "utility",
    "parser",
    "codec",
    "driver helper",
    "framework",
    "command-line tool",
    "protocol implementation",
];
pub const TOPICS: &[&str] = &[
    "compression",
    "networking",
    "configuration files",
    "image decoding",
    "audio streams",
    "package metadata",
    "cryptography",
    "serial consoles",
    "font rendering",
    "device trees",
    "event loops",
    "regular expressions",
];

/// The fixed name of recipe 0, the host tool every build class depends on.
pub const TOOL_RECIPE: &str = "genconf";

/// The name of group `index`: the word list first, then numbered words.
pub fn group_name(index: usize) -> String {
    if index < GROUPS.len() {
        GROUPS[index].to_string()
    } else {
        format!("{}{}", GROUPS[index % GROUPS.len()], index / GROUPS.len())
    }
}

/// A fresh recipe name (not yet in `taken`, which the caller keeps).
pub fn recipe_name(
    rng: &mut Rng,
    index: usize,
    taken: &std::collections::BTreeSet<String>,
) -> String {
    for _ in 0..32 {
        let mut name = String::new();
        if rng.chance(25) {
            name.push_str("lib");
        }
        for _ in 0..rng.range(2, 3) {
            name.push_str(rng.pick::<&str>(SYLLABLES));
        }
        if rng.chance(10) {
            name.push_str(rng.pick::<&str>(&["-utils", "-tools", "-data", "2", "3"]));
        }
        if !taken.contains(&name) && name != TOOL_RECIPE {
            return name;
        }
    }
    // Large layers run out of short names; the index keeps them unique.
    format!("{}{}", rng.pick(SYLLABLES), index)
}

/// A release version such as `2.14.3` or `0.9`.
pub fn version(rng: &mut Rng) -> String {
    let major = rng.weighted(&[10, 30, 25, 15, 8, 5, 3, 2, 1, 1]);
    let minor = rng.below(21);
    if rng.chance(70) {
        format!("{major}.{minor}.{}", rng.below(13))
    } else {
        format!("{major}.{minor}")
    }
}

/// A shell- and Python-safe identifier made from a name (`-` and `+` become `_`).
pub fn ident(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}
