//! The editor's open buffers: their text, incremental edits to it, and the
//! conversions between LSP positions (lines and UTF-16 columns), byte
//! offsets and `file:` URIs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Uri};
use rbake_queries::eval::normalize;

/// One open buffer.
#[derive(Debug, Clone)]
pub struct Document {
    pub uri: Uri,
    pub text: String,
    pub version: i32,
}

/// The open buffers, by normalised path.
#[derive(Debug, Default)]
pub struct Documents {
    open: HashMap<PathBuf, Document>,
}

impl Documents {
    pub fn open(&mut self, path: PathBuf, document: Document) {
        self.open.insert(path, document);
    }

    pub fn close(&mut self, path: &Path) -> Option<Document> {
        self.open.remove(path)
    }

    pub fn get(&self, path: &Path) -> Option<&Document> {
        self.open.get(path)
    }

    pub fn get_mut(&mut self, path: &Path) -> Option<&mut Document> {
        self.open.get_mut(path)
    }

    /// The open paths, sorted.
    pub fn paths(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = self.open.keys().cloned().collect();
        paths.sort();
        paths
    }
}

/// Applies one change event to `text`: a range replaced, or the whole text.
pub fn apply_change(
    text: &mut String,
    change: &TextDocumentContentChangeEvent,
) -> Result<(), String> {
    let Some(range) = change.range else {
        text.clone_from(&change.text);
        return Ok(());
    };
    let lines = LineMap::new(text);
    let start = lines.offset_clamped(text, range.start)?;
    let end = lines.offset_clamped(text, range.end)?;
    if end < start {
        return Err(format!("the edit's range ends before it starts: {range:?}"));
    }
    text.replace_range(start..end, &change.text);
    Ok(())
}

/// The start of every line of a text. Lines end at `\n`, `\r\n` or a lone
/// `\r`, as LSP counts them.
#[derive(Debug)]
pub struct LineMap {
    starts: Vec<usize>,
}

impl LineMap {
    pub fn new(text: &str) -> LineMap {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut at = 0;
        while at < bytes.len() {
            match bytes[at] {
                b'\r' if bytes.get(at + 1) == Some(&b'\n') => at += 2,
                b'\r' | b'\n' => at += 1,
                _ => {
                    at += 1;
                    continue;
                }
            }
            starts.push(at);
        }
        LineMap { starts }
    }

    /// The text of zero-based `line`, without its line break.
    pub fn line<'t>(&self, text: &'t str, line: usize) -> Option<&'t str> {
        let start = *self.starts.get(line)?;
        let end = self.starts.get(line + 1).copied().unwrap_or(text.len());
        Some(text[start..end].trim_end_matches(['\r', '\n']))
    }

    /// The byte offset of a position; an error if the line or the column
    /// lies beyond the text.
    pub fn offset(&self, text: &str, position: Position) -> Result<usize, String> {
        let line = self
            .line(text, position.line as usize)
            .ok_or_else(|| format!("line {} is beyond the document's end", position.line))?;
        let column = utf16_to_byte(line, position.character as usize)
            .ok_or_else(|| format!("column {} is beyond the line's end", position.character))?;
        Ok(self.starts[position.line as usize] + column)
    }

    /// As [`LineMap::offset`], but a column beyond its line's end means the
    /// end, as LSP asks for edits.
    fn offset_clamped(&self, text: &str, position: Position) -> Result<usize, String> {
        let line = self
            .line(text, position.line as usize)
            .ok_or_else(|| format!("line {} is beyond the document's end", position.line))?;
        let column = utf16_to_byte(line, position.character as usize).unwrap_or(line.len());
        Ok(self.starts[position.line as usize] + column)
    }

    /// The position of a byte offset (clamped to the text).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&start| start <= offset).saturating_sub(1);
        let start = self.starts[line];
        let column = text.get(start..offset).map_or(0, |s| s.encode_utf16().count());
        Position::new(line as u32, column as u32)
    }

    /// The range of byte offsets `start..end`.
    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }
}

/// The byte offset in `line` of UTF-16 column `column`, if the line is
/// that long. A column inside a surrogate pair means the character's start.
fn utf16_to_byte(line: &str, column: usize) -> Option<usize> {
    let mut units = 0;
    for (offset, character) in line.char_indices() {
        if units >= column {
            return Some(offset);
        }
        units += character.len_utf16();
    }
    (units >= column).then_some(line.len())
}

/// The normalised path of a `file:` URI.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = text.strip_prefix("file://")?;
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    let decoded = percent_decode(path)?;
    Some(normalize(Path::new(&decoded)))
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = text.get(at + 1..at + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `file:` URI of an absolute path.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let mut text = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            text.push(byte as char);
        } else {
            text.push_str(&format!("%{byte:02X}"));
        }
    }
    Uri::from_str(&text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units() {
        let text = "a\u{e9}\u{1F600}b\r\nx\ry\n";
        let lines = LineMap::new(text);
        assert_eq!(lines.offset(text, Position::new(0, 4)), Ok(7));
        assert_eq!(lines.position(text, 7), Position::new(0, 4));
        assert_eq!(lines.line(text, 1), Some("x"));
        assert_eq!(lines.offset(text, Position::new(2, 1)), Ok(text.len() - 1));
        assert!(lines.offset(text, Position::new(0, 9)).is_err());
        assert!(lines.offset(text, Position::new(9, 0)).is_err());
    }

    #[test]
    fn incremental_edits_replace_ranges() {
        let mut text = "A = \"1\"\nB = \"2\"\n".to_owned();
        let change = TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(1, 5), Position::new(1, 6))),
            range_length: None,
            text: "three".to_owned(),
        };
        apply_change(&mut text, &change).unwrap();
        assert_eq!(text, "A = \"1\"\nB = \"three\"\n");
    }

    #[test]
    fn uris_round_trip() {
        let path = Path::new("/tmp/a b/c%d.bb");
        let uri = path_to_uri(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/c%25d.bb");
        assert_eq!(uri_to_path(&uri), Some(path.to_path_buf()));
    }
}
