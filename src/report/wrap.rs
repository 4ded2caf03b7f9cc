//! Word wrapping by display width, for the fixed-width text printout.

use unicode_width::UnicodeWidthChar;

pub use crate::domain::text::{truncate, width};

/// Lines of at most `max` columns. Paragraphs (split on newlines) stay
/// apart, spaces between words are where lines break, and a word wider
/// than a whole line (a URL, a hash) is cut so nothing runs off the page.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    each_line(text, max, |line| lines.push(line.to_string()));
    lines
}

/// As [`wrap`], handing each line to `f` as it is made, so a long printout
/// builds no list of lines per entry.
pub fn each_line(text: &str, max: usize, mut f: impl FnMut(&str)) {
    let max = max.max(1);
    // Most entries are one short line: no need to look at words.
    if !text.contains('\n') && text.len() <= max && !text.contains('\t') && width(text) <= max {
        f(text.trim_matches(' '));
        return;
    }
    let mut line = String::with_capacity(max * 4);
    for paragraph in text.split('\n') {
        let mut used = 0;
        for word in paragraph.split([' ', '\t']).filter(|w| !w.is_empty()) {
            let w = width(word);
            if used > 0 && used + 1 + w <= max {
                line.push(' ');
                line.push_str(word);
                used += 1 + w;
                continue;
            }
            if used > 0 {
                f(&line);
                line.clear();
                used = 0;
            }
            if w <= max {
                line.push_str(word);
                used = w;
                continue;
            }
            for c in word.chars() {
                let cw = c.width().unwrap_or(0);
                if used + cw > max && used > 0 {
                    f(&line);
                    line.clear();
                    used = 0;
                }
                line.push(c);
                used += cw;
            }
        }
        f(&line);
        line.clear();
    }
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
    fn cuts_a_word_longer_than_a_line() {
        let lines = wrap("see https://example.com/a/very/long/path ok", 10);
        assert!(lines.iter().all(|l| width(l) <= 10), "{lines:?}");
        assert_eq!(
            lines.concat().replace(' ', ""),
            "seehttps://example.com/a/very/long/pathok"
        );
    }

    #[test]
    fn measures_wide_characters_by_columns() {
        let lines = wrap("障害対応 障害対応 障害対応", 10);
        assert!(lines.iter().all(|l| width(l) <= 10), "{lines:?}");
        assert_eq!(truncate("alexandra-the-great", 8), "alexand…");
        assert_eq!(width(&truncate("障害対応障害", 5)), 5);
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(wrap("  short  ", 20), ["short"]);
        assert_eq!(wrap("", 20), [""]);
    }
}
