//! Word wrapping by display width, for the fixed-width text printout.
//!
//! The breaking itself is textwrap's: it measures by display width and,
//! told not to, never cuts a word, so a URL or a hash wider than the page
//! stays whole on a line of its own where it can be copied.

use std::borrow::Cow;

use textwrap::core::Word;
use textwrap::{Options, WordSeparator, WordSplitter, WrapAlgorithm};
use unicode_width::UnicodeWidthChar;

pub use crate::domain::text::{truncate, width};

/// Lines of at most `max` columns, save a word wider than that, which has
/// a line of its own. Paragraphs (split on newlines) stay apart, and
/// lines break at spaces and after wide (CJK) characters.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    each_line(text, max, |line| lines.push(line.to_string()));
    lines
}

/// As [`wrap`], handing each line to `f` as it is made.
pub fn each_line(text: &str, max: usize, mut f: impl FnMut(&str)) {
    let max = max.max(1);
    // Most entries are one short line, passed on as they are: kept by
    // hand because textwrap would build a list of lines for each of them,
    // the bulk of the cost of printing a long log. A byte is at least a
    // column's worth, so a text of no more bytes than columns fits.
    if text.len() <= max && !text.contains(['\n', '\t']) {
        f(text.trim_end_matches(' '));
        return;
    }
    // A tab would jump out of the column the text is indented to.
    let text: Cow<str> = if text.contains('\t') {
        text.replace('\t', " ").into()
    } else {
        text.into()
    };
    let options = Options::new(max)
        .break_words(false)
        .word_separator(WordSeparator::Custom(words))
        // Hyphens are part of names (payments-api) and URLs.
        .word_splitter(WordSplitter::NoHyphenation)
        .wrap_algorithm(WrapAlgorithm::FirstFit);
    for line in textwrap::wrap(&text, options) {
        f(&line);
    }
}

/// The words of a line, each with the spaces after it: a word ends where
/// spaces do, and after a wide character, as CJK text (which has no
/// spaces) may break between any two.
fn words(line: &str) -> Box<dyn Iterator<Item = Word<'_>> + '_> {
    let mut start = 0;
    let mut chars = line.char_indices().peekable();
    Box::new(std::iter::from_fn(move || {
        while let Some((_, c)) = chars.next() {
            let Some(&(next_at, next)) = chars.peek() else {
                break;
            };
            let wide = c.width() == Some(2);
            if next != ' ' && (c == ' ' || wide) {
                let word = Word::from(&line[start..next_at]);
                start = next_at;
                return Some(word);
            }
        }
        (start < line.len()).then(|| {
            let word = Word::from(&line[start..]);
            start = line.len();
            word
        })
    }))
}

/// `s` padded with spaces to `cols` display columns.
pub fn pad(s: &str, cols: usize) -> String {
    let mut out = String::with_capacity(cols + s.len());
    push_padded(&mut out, s, cols);
    out
}

/// Appends `s` and the spaces that make it `cols` display columns wide.
pub fn push_padded(out: &mut String, s: &str, cols: usize) {
    out.push_str(s);
    out.extend(std::iter::repeat_n(' ', cols.saturating_sub(width(s))));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_between_words_and_keeps_paragraphs() {
        assert_eq!(
            wrap("roll back the api deploy now\nthen watch", 12),
            ["roll back", "the api", "deploy now", "then watch"]
        );
    }

    #[test]
    fn keeps_a_word_longer_than_a_line_whole_on_its_own_line() {
        let url = format!("https://example.com/{}", "a-b/".repeat(25));
        assert_eq!(url.len(), 120);
        assert_eq!(
            wrap(&format!("see {url} for the graph"), 40),
            ["see", url.as_str(), "for the graph"]
        );
        assert_eq!(wrap(&url, 40), [url.as_str()]);
    }

    proptest::proptest! {
        #[test]
        fn lines_fit_unless_a_word_alone_does_not(
            paragraph in "[a-z.:/-]{1,30}( {1,2}[a-z.:/-]{1,30}){0,12}",
            max in 1usize..50,
        ) {
            let lines = wrap(&paragraph, max);
            for l in &lines {
                proptest::prop_assert!(width(l) <= max || !l.contains(' '), "{:?}", lines);
            }
            let words = |s: &str| s.split(' ').filter(|w| !w.is_empty()).map(String::from).collect::<Vec<_>>();
            proptest::prop_assert_eq!(words(&lines.join(" ")), words(&paragraph));
        }
    }

    #[test]
    fn measures_wide_characters_by_columns() {
        let lines = wrap("障害対応 障害対応 障害対応", 10);
        assert!(lines.iter().all(|l| width(l) <= 10), "{lines:?}");
        assert_eq!(truncate("alexandra-the-great", 8), "alexand…");
        assert_eq!(width(&truncate("障害対応障害", 5)), 5);
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(
            wrap("障害対応障害対応障害対応", 10),
            ["障害対応障", "害対応障害", "対応"]
        );
        // Indentation, as of a pasted stack trace, is kept.
        assert_eq!(wrap("  short  ", 20), ["  short"]);
        assert_eq!(wrap("tab\tapart", 20), ["tab apart"]);
        assert_eq!(wrap("", 20), [""]);
    }
}
