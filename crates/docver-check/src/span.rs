//! Byte spans into a source text and their line/column positions.

use serde::{Deserialize, Serialize};

/// A half-open byte range `start..end` into one source text.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// Maps byte offsets to 1-based line and column numbers (columns count characters).
///
/// Built once per text in one pass; a lookup is a binary search for the line and a count of
/// at most [`CHARS_CHUNK`] bytes for the column, so a minified file on one line (megabytes
/// long) costs no more per position than a pretty-printed one.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// `chars_before_chunk[k]`: characters in `text[..k * CHARS_CHUNK]`.
    chars_before_chunk: Vec<usize>,
}

/// Bytes between two checkpoints of [`LineIndex`]'s character count.
const CHARS_CHUNK: usize = 4096;

/// Characters in `bytes` (a slice of UTF-8 that may start or end inside a character): the
/// bytes that do not continue a character.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        line_starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let mut chars_before_chunk = Vec::with_capacity(bytes.len() / CHARS_CHUNK + 1);
        let mut chars = 0;
        chars_before_chunk.push(0);
        for chunk in bytes.chunks(CHARS_CHUNK) {
            chars += count_chars(chunk);
            chars_before_chunk.push(chars);
        }
        Self {
            line_starts,
            chars_before_chunk,
        }
    }

    /// Characters in `text[..offset]` (`offset` on a character boundary).
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let chunk = offset / CHARS_CHUNK;
        let from = chunk * CHARS_CHUNK;
        self.chars_before_chunk[chunk] + count_chars(&text.as_bytes()[from..offset])
    }

    /// Characters in `text[from..to]` (both on character boundaries, `from <= to`).
    pub fn chars_between(&self, text: &str, from: usize, to: usize) -> usize {
        self.chars_before(text, to) - self.chars_before(text, from)
    }

    /// 0-based index of the line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset) - 1
    }

    /// The bytes of 0-based `line` of `text`, without its line break (`\n` or `\r\n`).
    pub fn line_span(&self, text: &str, line: usize) -> Span {
        let start = self.line_starts[line];
        let mut end = self
            .line_starts
            .get(line + 1)
            .map_or(text.len(), |next| next - 1);
        if text.as_bytes()[start..end].ends_with(b"\r") {
            end -= 1;
        }
        Span::new(start, end)
    }

    /// 1-based `(line, column)` of `offset` in `text` (the text this index was built from).
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let column = self.chars_between(text, self.line_starts[line], offset);
        (line + 1, column + 1)
    }

    /// The byte offset of the character `chars_before` characters into 1-based `line` of
    /// `text` (the text this index was built from); the end of the line when it is shorter,
    /// the end of the text past the last line. This is proc-macro2's `LineColumn` convention.
    pub fn offset(&self, text: &str, line: usize, chars_before: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return text.len();
        };
        let rest = &text[start..];
        let end = rest.find('\n').unwrap_or(rest.len());
        rest[..end]
            .char_indices()
            .nth(chars_before)
            .map_or(start + end, |(i, _)| start + i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one_and_counts_characters() {
        let text = "{\n  \"é\": 1\n}";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), (1, 1));
        assert_eq!(index.line_col(text, 2), (2, 1));
        let one = text.find('1').unwrap();
        assert_eq!(index.line_col(text, one), (2, 8));
    }

    #[test]
    fn offset_is_the_inverse_of_line_col() {
        let text = "{\n  \"é\": 1\n}";
        let index = LineIndex::new(text);
        let one = text.find('1').unwrap();
        assert_eq!(index.offset(text, 2, 7), one);
        for offset in text.char_indices().map(|(i, _)| i) {
            let (line, column) = index.line_col(text, offset);
            assert_eq!(index.offset(text, line, column - 1), offset);
        }
        // Past the end of a line, or of the text.
        assert_eq!(index.offset(text, 1, 5), 1);
        assert_eq!(index.offset(text, 9, 0), text.len());
    }

    #[test]
    fn columns_on_a_long_line_count_characters_across_checkpoints() {
        // Several checkpoints long, with multi-byte characters on both sides of them.
        let text = format!("x\n{}", "é€a".repeat(3 * CHARS_CHUNK));
        let index = LineIndex::new(&text);
        for (chars, (offset, _)) in text[2..].char_indices().enumerate().step_by(997) {
            assert_eq!(index.line_col(&text, 2 + offset), (2, chars + 1));
        }
        assert_eq!(index.line_span(&text, 1), Span::new(2, text.len()));
        assert_eq!(index.line_span(&text, 0), Span::new(0, 1));
    }
}
