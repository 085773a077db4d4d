//! Property tests of the syntax layer: for any input, of either file kind,
//! parsing does not panic, the tree's text is the input byte for byte, and
//! every diagnostic lies within the text.

use proptest::prelude::*;
use rbake_syntax::{FileKind, LineIndex, Parse};

const KINDS: [FileKind; 2] = [FileKind::Recipe, FileKind::Conf];

/// Checks the tree and the diagnostics of `parse` against `text`. With
/// `boundaries`, diagnostics must also start and end on character
/// boundaries, so that `&text[range]` is safe.
fn check(text: &str, parse: &Parse, boundaries: bool) -> Result<(), TestCaseError> {
    let tree_text = parse.syntax_node().text().to_string();
    prop_assert_eq!(tree_text.as_str(), text, "the tree is not lossless");
    prop_assert_eq!(usize::from(parse.syntax_node().text_range().end()), text.len());
    let index = LineIndex::new(text);
    for error in parse.errors() {
        let (start, end) = (usize::from(error.range.start()), usize::from(error.range.end()));
        prop_assert!(
            start <= end && end <= text.len(),
            "diagnostic {:?} lies outside the text (length {})",
            error,
            text.len()
        );
        if boundaries {
            prop_assert!(
                text.is_char_boundary(start) && text.is_char_boundary(end),
                "diagnostic {:?} does not lie on character boundaries",
                error
            );
        }
        prop_assert!(!error.message.is_empty(), "a diagnostic has no message");
        // Rendering the position must not panic either.
        let _ = index.line_col(text, error.range.start());
    }
    Ok(())
}

fn check_text(text: &str) -> Result<(), TestCaseError> {
    for kind in KINDS {
        let parse = rbake_syntax::parse(text, kind);
        check(text, &parse, true)?;
        // Parsing is deterministic.
        prop_assert_eq!(&parse, &rbake_syntax::parse(text, kind));
    }
    Ok(())
}

fn check_bytes(bytes: &[u8]) -> Result<(), TestCaseError> {
    let lossy = String::from_utf8_lossy(bytes);
    for kind in KINDS {
        let (text, parse) = rbake_syntax::parse_bytes(bytes, kind);
        prop_assert_eq!(text.as_str(), &*lossy);
        // The invalid UTF-8 diagnostic may cover part of a replacement
        // character, so only the range is checked here.
        check(&text, &parse, false)?;
        if std::str::from_utf8(bytes).is_err() {
            prop_assert!(parse.has_errors(), "invalid UTF-8 gave no error");
        }
    }
    Ok(())
}

/// Text rich in the characters BitBake's grammar cares about.
fn bitbake_chars() -> impl Strategy<Value = String> {
    "[A-Za-z_ :=?+.\\[\\]{}$@#'\"\\\\\t\r\n()-]{0,200}"
}

/// Whole lines that start like BitBake statements, so that functions,
/// `def` bodies, continuations and directives are reached often.
fn bitbake_lines() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        "(export |unset |include |require |inherit |inherit_defer |addtask |deltask |addhandler |addpylib |addfragments |include_all |EXPORT_FUNCTIONS |def |python |fakeroot |#|  |\t)?[A-Za-z_${}@:\\[\\]'\" =?+.\\\\(){}#-]{0,30}",
        "[A-Za-z_:${}]{1,8}(\\[[a-z@/]{0,3}\\])? ?(=|:=|\\?=|\\?\\?=|\\+=|=\\+|\\.=|=\\.) ?[\"'][^\"'\r\n]{0,10}[\"']?( \\\\| #)?",
        "(python |fakeroot )*[a-z_${}]{0,6} ?\\( ?\\) ?\\{",
        "def [a-z]{1,4}\\(d\\):",
        "( {4}|\t)[a-z ${}@'\\\\]{0,12}",
        "\\}|  \\}|\\} x|\\\\|#.*\\\\",
        "",
    ];
    let ending = prop_oneof![Just("\n"), Just("\r\n"), Just("\r")];
    (prop::collection::vec((line, ending), 0..12), any::<bool>()).prop_map(
        |(lines, final_break)| {
            let mut text = String::new();
            let count = lines.len();
            for (index, (line, ending)) in lines.into_iter().enumerate() {
                text.push_str(&line);
                if index + 1 < count || final_break {
                    text.push_str(ending);
                }
            }
            text
        },
    )
}

/// Bytes drawn mostly from BitBake's punctuation, with some invalid UTF-8.
fn bitbake_bytes() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        4 => prop::sample::select(b"A_ :=?+.[]{}$@#'\"\\\t\r\n()-0".to_vec()),
        1 => 0x80u8..=0xff,
        1 => any::<u8>(),
    ];
    prop::collection::vec(byte, 0..200)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn any_printable_text_round_trips(text in "\\PC*") {
        check_text(&text)?;
    }

    #[test]
    fn bitbake_characters_round_trip(text in bitbake_chars()) {
        check_text(&text)?;
    }

    #[test]
    fn bitbake_lines_round_trip(text in bitbake_lines()) {
        check_text(&text)?;
    }

    #[test]
    fn any_bytes_round_trip(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check_bytes(&bytes)?;
    }

    #[test]
    fn bitbake_bytes_round_trip(bytes in bitbake_bytes()) {
        check_bytes(&bytes)?;
    }
}
