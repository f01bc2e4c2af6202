//! The source lines a text diagnostic shows. A line longer than [`MAX_LINE_CHARS`] characters
//! (a minified schema is one line of megabytes) is cut around its label, with `…` on each side
//! that was cut, as rustc does; shorter lines are shown whole. Line and column numbers stay
//! those of the file.

use std::ops::Range;

use codespan_reporting::files::{Error, Files};
use docver_check::Span;

use crate::input::SchemaFile;

/// Lines up to this many characters are shown whole.
pub const MAX_LINE_CHARS: usize = 120;

/// Characters shown before the label on a cut line.
const CONTEXT_CHARS: usize = 32;

const ELLIPSIS: &str = "…";

/// The excerpts one diagnostic labels, one per label, read by codespan-reporting as files.
#[derive(Debug, Default)]
pub struct Excerpts<'a> {
    excerpts: Vec<Excerpt<'a>>,
}

#[derive(Debug)]
struct Excerpt<'a> {
    name: &'a str,
    text: String,
    lines: Vec<ExcerptLine>,
}

/// One line of an excerpt and where it stands in the file.
#[derive(Debug)]
struct ExcerptLine {
    /// Bytes in the excerpt's text, without the line break.
    range: Range<usize>,
    /// 1-based line number in the file.
    number: usize,
    /// Bytes of the leading ellipsis, 0 when the line starts where the file's line does.
    cut_before: usize,
    /// 1-based column in the file of the first character after the leading ellipsis.
    first_column: usize,
}

impl<'a> Excerpts<'a> {
    /// Adds the lines of `file` that `span` touches, cut where too long; returns the file id
    /// and the span's bytes in the excerpt (up to where the excerpt was cut).
    pub fn add(&mut self, file: &'a SchemaFile, span: Span) -> (usize, Range<usize>) {
        let text = file.text.as_str();
        let index = file.lines();
        let first = index.line_of(span.start);
        let last = index.line_of(span.end.saturating_sub(1).max(span.start));
        let mut excerpt = Excerpt {
            name: &file.name,
            text: String::new(),
            lines: Vec::new(),
        };
        let mut label = 0..0;
        for line in first..=last {
            if line > first {
                excerpt.text.push('\n');
            }
            let whole = index.line_span(text, line);
            let from = span.start.clamp(whole.start, whole.end);
            let to = span.end.clamp(from, whole.end);
            let shown = if index.chars_between(text, whole.start, whole.end) <= MAX_LINE_CHARS {
                whole
            } else {
                window(text, whole, from)
            };
            let start = excerpt.text.len();
            let cut_before = if shown.start > whole.start {
                excerpt.text.push_str(ELLIPSIS);
                ELLIPSIS.len()
            } else {
                0
            };
            // The excerpt's byte for a file offset on this line; a label cut by the window
            // ends at its edge.
            let at = |offset: usize| {
                start + cut_before + offset.clamp(shown.start, shown.end) - shown.start
            };
            if line == first {
                label.start = at(from);
            }
            if line == last {
                label.end = at(to);
            }
            excerpt.text.push_str(&text[shown.range()]);
            if shown.end < whole.end {
                excerpt.text.push_str(ELLIPSIS);
            }
            excerpt.lines.push(ExcerptLine {
                range: start..excerpt.text.len(),
                number: line + 1,
                cut_before,
                first_column: index.chars_between(text, whole.start, shown.start) + 1,
            });
        }
        self.excerpts.push(excerpt);
        (self.excerpts.len() - 1, label)
    }

    fn get(&self, id: usize) -> Result<&Excerpt<'a>, Error> {
        self.excerpts.get(id).ok_or(Error::FileMissing)
    }

    fn line(&self, id: usize, line_index: usize) -> Result<&ExcerptLine, Error> {
        let lines = &self.get(id)?.lines;
        lines.get(line_index).ok_or(Error::LineTooLarge {
            given: line_index,
            max: lines.len().saturating_sub(1),
        })
    }
}

/// The part of the line `whole` shown around `at`: [`CONTEXT_CHARS`] characters before it,
/// [`MAX_LINE_CHARS`] in all.
fn window(text: &str, whole: Span, at: usize) -> Span {
    let start = text[whole.start..at]
        .char_indices()
        .rev()
        .take(CONTEXT_CHARS)
        .last()
        .map_or(at, |(i, _)| whole.start + i);
    let end = text[start..whole.end]
        .char_indices()
        .nth(MAX_LINE_CHARS)
        .map_or(whole.end, |(i, _)| start + i);
    Span::new(start, end)
}

impl<'f, 'a: 'f> Files<'f> for Excerpts<'a> {
    type FileId = usize;
    type Name = &'f str;
    type Source = &'f str;

    fn name(&'f self, id: usize) -> Result<&'f str, Error> {
        Ok(self.get(id)?.name)
    }

    fn source(&'f self, id: usize) -> Result<&'f str, Error> {
        Ok(&self.get(id)?.text)
    }

    fn line_index(&'f self, id: usize, byte_index: usize) -> Result<usize, Error> {
        let lines = &self.get(id)?.lines;
        Ok(lines
            .partition_point(|l| l.range.start <= byte_index)
            .saturating_sub(1))
    }

    fn line_range(&'f self, id: usize, line_index: usize) -> Result<Range<usize>, Error> {
        let excerpt = self.get(id)?;
        let line = self.line(id, line_index)?;
        // Like codespan's own files: a line's range runs to the start of the next line.
        let end = excerpt
            .lines
            .get(line_index + 1)
            .map_or(excerpt.text.len(), |next| next.range.start);
        Ok(line.range.start..end)
    }

    fn line_number(&'f self, id: usize, line_index: usize) -> Result<usize, Error> {
        Ok(self.line(id, line_index)?.number)
    }

    fn column_number(
        &'f self,
        id: usize,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, Error> {
        let excerpt = self.get(id)?;
        let line = self.line(id, line_index)?;
        let shown_start = line.range.start + line.cut_before;
        let byte_index = byte_index.clamp(shown_start, line.range.end);
        let chars = excerpt
            .text
            .get(shown_start..byte_index)
            .map_or(0, |s| s.chars().count());
        Ok(line.first_column + chars)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn file(text: &str) -> SchemaFile {
        SchemaFile::from_text(Path::new("s.json"), text.to_owned()).unwrap()
    }

    /// The excerpt's label starts where the file's span does (same line and column), the
    /// labelled text is a prefix of the span's text, and no line is longer than the limit
    /// plus two ellipses.
    fn check(file: &SchemaFile, span: Span) {
        let mut excerpts = Excerpts::default();
        let (id, label) = excerpts.add(file, span);
        let location = excerpts.location(id, label.start).unwrap();
        assert_eq!(
            (location.line_number, location.column_number),
            file.line_col(span.start),
            "{span:?}"
        );
        let source = excerpts.source(id).unwrap();
        let shown = &source[label.clone()];
        let labelled = &file.text[span.range()];
        let shown_parts: Vec<&str> = shown.split('\n').collect();
        assert!(
            labelled.starts_with(shown_parts[0].trim_end_matches(ELLIPSIS)),
            "{shown:?} is not the start of {labelled:?}"
        );
        for line in source.lines() {
            assert!(line.chars().count() <= MAX_LINE_CHARS + 2, "{line:?}");
        }
    }

    #[test]
    fn short_lines_are_shown_whole() {
        let text = "{\n  \"type\": \"object\",\n  \"properties\": {}\n}\n";
        let f = file(text);
        let at = text.find("\"properties\"").unwrap();
        let mut excerpts = Excerpts::default();
        let (id, label) = excerpts.add(&f, Span::new(at, at + 12));
        assert_eq!(excerpts.source(id).unwrap(), "  \"properties\": {}");
        assert_eq!(label, 2..14);
        assert_eq!(excerpts.line_number(id, 0).unwrap(), 3);
        check(&f, Span::new(at, at + 12));
    }

    #[test]
    fn a_long_line_is_cut_around_the_label() {
        let properties: Vec<String> = (0..400)
            .map(|i| format!("\"pé{i}\":{{\"type\":\"string\"}}"))
            .collect();
        let text = format!("{{\"properties\":{{{}}}}}", properties.join(","));
        let f = file(&text);
        let at = text.find("\"pé250\"").unwrap();
        let mut excerpts = Excerpts::default();
        let (id, label) = excerpts.add(&f, Span::new(at, text.len() - 1));
        let source = excerpts.source(id).unwrap();
        assert!(
            source.starts_with(ELLIPSIS) && source.ends_with(ELLIPSIS),
            "{source}"
        );
        assert!(source[label.clone()].starts_with("\"pé250\":{\"type\":\"string\"}"));
        assert_eq!(source.chars().count(), MAX_LINE_CHARS + 2);
        // Every label in the file, at the start, the middle and the end of the line.
        for (i, _) in text.match_indices('"').step_by(7) {
            check(&f, Span::new(i, text.len()));
            check(&f, Span::new(i, i + 1));
        }
        check(&f, Span::new(0, 1));
        check(&f, Span::new(text.len() - 1, text.len()));
    }

    #[test]
    fn a_label_over_two_lines_shows_both_lines() {
        let long = format!("\"{}\"", "x".repeat(300));
        let text = format!("{{\"title\":{long},\n\"type\": \"object\"}}");
        let f = file(&text);
        let at = text.find("\"title\"").unwrap();
        let end = text.find("\"object\"").unwrap();
        let mut excerpts = Excerpts::default();
        let (id, label) = excerpts.add(&f, Span::new(at, end));
        let source = excerpts.source(id).unwrap();
        assert_eq!(source.lines().count(), 2, "{source}");
        assert_eq!(excerpts.line_number(id, 1).unwrap(), 2);
        assert_eq!(&source[label.end - 8..label.end], "\"type\": ");
        check(&f, Span::new(at, end));
    }
}
