//! Offsets to lines and columns, for diagnostics that a person reads.

use rowan::TextSize;

/// A zero-based line and column; the column counts characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// The start offset of every line of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<TextSize>,
}

impl LineIndex {
    /// Indexes `text`. Line breaks are `\n`, `\r\n` and a lone `\r`, as
    /// BitBake reads them.
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut line_starts = vec![TextSize::new(0)];
        let mut index = 0;
        while let Some(found) = memchr::memchr2(b'\n', b'\r', &bytes[index..]) {
            let at = index + found;
            index = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            };
            line_starts.push(TextSize::try_from(index).unwrap_or(TextSize::new(u32::MAX)));
        }
        LineIndex { line_starts }
    }

    /// The line and column of `offset` in `text`, which must be the text
    /// this index was built from.
    pub fn line_col(&self, text: &str, offset: TextSize) -> LineCol {
        let line = self.line_starts.partition_point(|&start| start <= offset).saturating_sub(1);
        let line_start = usize::from(self.line_starts[line]);
        let end = usize::from(offset).min(text.len());
        let col =
            text.get(line_start..end).map_or(end.saturating_sub(line_start), |s| s.chars().count());
        LineCol { line: line as u32, col: col as u32 }
    }

    /// The offset where zero-based `line` starts, if the text has it.
    pub fn line_start(&self, line: u32) -> Option<TextSize> {
        self.line_starts.get(line as usize).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let text = "ab\r\ncd\re\u{e9}f\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, TextSize::new(0)), LineCol { line: 0, col: 0 });
        assert_eq!(index.line_col(text, TextSize::new(5)), LineCol { line: 1, col: 1 });
        assert_eq!(index.line_col(text, TextSize::new(10)), LineCol { line: 2, col: 2 });
    }
}
