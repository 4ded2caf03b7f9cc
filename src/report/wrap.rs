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
    if is_plain_ascii(text) {
        return each_ascii_line(text, max, &mut f);
    }
    // Most entries are one short line: no need to look at words.
    if !text.contains('\n') && text.len() <= max && !text.contains('\t') && width(text) <= max {
        f(text.trim_matches(' '));
        return;
    }
    for paragraph in text.split('\n') {
        if is_plain_ascii(paragraph) {
            each_ascii_line(paragraph, max, &mut f);
        } else {
            each_line_of_words(paragraph, max, &mut f);
        }
    }
}

/// Whether `text` is printable ASCII (one paragraph: no line break, no
/// tab) whose words are apart by single spaces, for [`each_ascii_line`].
fn is_plain_ascii(text: &str) -> bool {
    // Every byte looked at, without stopping early, so the check runs a
    // vector of bytes at a time.
    let printable = text
        .bytes()
        .fold(true, |ok, b| ok & (0x20..0x7f).contains(&b));
    printable && !text.contains("  ")
}

/// The lines of one paragraph: its words (apart by spaces or tabs) joined
/// by one space, as many as fit.
fn each_line_of_words(paragraph: &str, max: usize, f: &mut impl FnMut(&str)) {
    let mut line = String::with_capacity(max * 4);
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
}

/// As [`each_line_of_words`] for a paragraph of printable ASCII whose words
/// are apart by single spaces, most of any log: a column a byte, and every
/// line a piece of the paragraph, handed on without being copied.
fn each_ascii_line(paragraph: &str, max: usize, f: &mut impl FnMut(&str)) {
    let bytes = paragraph.as_bytes();
    // Where the line being filled starts and ends.
    let mut line: Option<(usize, usize)> = None;
    let mut at = 0;
    loop {
        while at < bytes.len() && bytes[at] == b' ' {
            at += 1;
        }
        let start = at;
        while at < bytes.len() && bytes[at] != b' ' {
            at += 1;
        }
        if at == start {
            break;
        }
        let w = at - start;
        if let Some((from, to)) = line {
            if to - from + 1 + w <= max {
                line = Some((from, at));
                continue;
            }
            f(&paragraph[from..to]);
        }
        // A word wider than a line is cut into lines of its own.
        let mut from = start;
        while at - from > max {
            f(&paragraph[from..from + max]);
            from += max;
        }
        line = Some((from, at));
    }
    let (from, to) = line.unwrap_or((0, 0));
    f(&paragraph[from..to]);
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

    proptest::proptest! {
        #[test]
        fn plain_ascii_wraps_as_any_text_does(
            paragraph in " ?[a-z.:/]{1,30}( [a-z.:/]{1,30}){0,12} ?",
            max in 1usize..50,
        ) {
            let (mut ascii, mut any) = (Vec::new(), Vec::new());
            each_ascii_line(&paragraph, max, &mut |l| ascii.push(l.to_string()));
            each_line_of_words(&paragraph, max, &mut |l| any.push(l.to_string()));
            proptest::prop_assert_eq!(ascii, any);
        }
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
