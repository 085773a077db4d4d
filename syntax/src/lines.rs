//! Physical lines, as Python's universal-newline `readline` splits them, and
//! the white-space rules of Python's `str.strip`, which BitBake applies to
//! every line before it matches its grammar.

/// One physical line of the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PhysLine {
    /// Offset of the first byte.
    pub(crate) start: usize,
    /// End of the content with trailing white space stripped.
    pub(crate) content_end: usize,
    /// End of the text before the line break.
    pub(crate) text_end: usize,
    /// End of the line, line break included.
    pub(crate) end: usize,
}

impl PhysLine {
    /// The stripped content of the line.
    pub(crate) fn content<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.content_end]
    }

    /// Whether the stripped content is empty.
    pub(crate) fn is_blank(&self) -> bool {
        self.start == self.content_end
    }

    /// Whether the stripped content ends with a backslash.
    pub(crate) fn ends_with_backslash(&self, text: &str) -> bool {
        self.content_end > self.start && text.as_bytes()[self.content_end - 1] == b'\\'
    }

    /// Whether the stripped content starts with `#`.
    pub(crate) fn starts_with_hash(&self, text: &str) -> bool {
        self.content_end > self.start && text.as_bytes()[self.start] == b'#'
    }
}

/// Splits `text` into physical lines. `\n`, `\r\n` and a lone `\r` each end a
/// line, as in Python's text mode.
pub(crate) fn split_lines(text: &str) -> Vec<PhysLine> {
    let bytes = text.as_bytes();
    let mut lines = Vec::with_capacity(bytes.len() / 32 + 1);
    let mut start = 0;
    while start < bytes.len() {
        let (text_end, end) = match memchr::memchr2(b'\n', b'\r', &bytes[start..]) {
            Some(offset) => {
                let at = start + offset;
                if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                    (at, at + 2)
                } else {
                    (at, at + 1)
                }
            }
            None => (bytes.len(), bytes.len()),
        };
        let content_end = start + rstrip_len(&text[start..text_end]);
        lines.push(PhysLine { start, content_end, text_end, end });
        start = end;
    }
    lines
}

/// The length of `s` once trailing white space is stripped.
pub(crate) fn rstrip_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut end = bytes.len();
    while end > 0 {
        let byte = bytes[end - 1];
        if byte.is_ascii() {
            if is_ascii_py_space(byte) {
                end -= 1;
                continue;
            }
            break;
        }
        match s[..end].chars().next_back() {
            Some(c) if is_py_space(c) => end -= c.len_utf8(),
            _ => break,
        }
    }
    end
}

/// Python's `str.isspace` for one ASCII byte.
pub(crate) fn is_ascii_py_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0x1c..=0x1f)
}

/// Python's `str.isspace`, which is also what `\s` matches in its regular
/// expressions over `str`.
pub(crate) fn is_py_space(c: char) -> bool {
    if c.is_ascii() {
        return is_ascii_py_space(c as u8);
    }
    matches!(
        c,
        '\u{85}' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_every_line_ending() {
        let text = "a\nb\r\nc\rd";
        let lines = split_lines(text);
        let parts: Vec<_> = lines.iter().map(|l| &text[l.start..l.end]).collect();
        assert_eq!(parts, ["a\n", "b\r\n", "c\r", "d"]);
    }

    #[test]
    fn strips_python_white_space() {
        assert_eq!(rstrip_len("ab \t\x0c"), 2);
        assert_eq!(rstrip_len("ab\u{a0}"), 2);
        assert_eq!(rstrip_len("ab\u{e9}"), 4);
    }
}
