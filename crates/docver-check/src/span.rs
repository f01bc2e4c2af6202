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
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|(_, b)| *b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        Self { line_starts }
    }

    /// 1-based `(line, column)` of `offset` in `text` (the text this index was built from).
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let column = text
            .get(start..offset)
            .map_or(offset - start, |prefix| prefix.chars().count());
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
}
