//! Making untrusted text safe to show: text from another replica may carry
//! terminal escape sequences or control characters, and none may reach a
//! terminal.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `1 event`, `3 events`: a count and its noun, for messages.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `1,200`: a number with its thousands grouped, as people read a count.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The display width of `s` in a terminal's columns.
pub fn width(s: &str) -> usize {
    // Printable ASCII, most of any log, is a column a byte: counted
    // without looking each character up.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return s.len();
    }
    UnicodeWidthStr::width(s)
}

/// `s` cut to at most `max` columns, with an ellipsis when it was cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw + 1 > max {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push('…');
    out
}

/// Removes escape sequences, control characters (C0 and C1, except newline
/// and tab) and bidirectional overrides; keeps everything else.
pub fn sanitize(input: &str) -> String {
    if input.chars().all(is_plain) {
        return input.to_string();
    }
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // CSI as a single C1 character: skip its parameters too.
            '\u{9b}' => skip_until_final(&mut chars),
            '\n' | '\t' => out.push(c),
            c if is_plain(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// As [`sanitize`], for a place that holds one line: newlines and tabs
/// become spaces.
pub fn single_line(input: &str) -> String {
    sanitize(input)
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect()
}

/// Whether `c` is safe to show as it is: not a control character, not a
/// bidirectional control; new lines and tabs are.
pub fn is_printable(c: char) -> bool {
    is_plain(c) || c == '\n' || c == '\t'
}

/// Whether `c` is neither a control character (C0, DEL, C1) nor a
/// bidirectional control, which can make text read as something else.
pub fn is_plain(c: char) -> bool {
    !(c.is_control() || is_bidi_control(c))
}

fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}'
    )
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => skip_until_final(chars),
        // OSC, DCS, SOS, PM, APC: strings ended by BEL or ESC \.
        Some(']' | 'P' | 'X' | '^' | '_') => {
            while let Some(c) = chars.next() {
                if c == '\u{7}' {
                    break;
                }
                if c == '\u{1b}' {
                    if chars.peek() == Some(&'\\') {
                        chars.next();
                    }
                    break;
                }
            }
        }
        // Two-character sequences (ESC c, ESC 7, ...): the second is dropped.
        _ => {}
    }
}

fn skip_until_final(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_ascii_is_a_column_a_character_as_unicode_says() {
        let ascii: String = (0x20u8..0x7f).map(char::from).collect();
        assert_eq!(width(&ascii), UnicodeWidthStr::width(ascii.as_str()));
        for s in ["", "a\tb", "a\nb", "\u{1b}[2J", "é", "障害", "a\u{7f}"] {
            assert_eq!(width(s), UnicodeWidthStr::width(s), "{s:?}");
        }
    }

    #[test]
    fn plain_text_is_unchanged() {
        assert_eq!(
            sanitize("rollback of api v2.3 — done ✓"),
            "rollback of api v2.3 — done ✓"
        );
    }

    #[test]
    fn escape_sequences_are_removed_whole() {
        assert_eq!(sanitize("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(sanitize("x\u{1b}]0;pwned\u{7}y"), "xy");
        assert_eq!(sanitize("x\u{1b}]8;;http://e\u{1b}\\link"), "xlink");
        assert_eq!(sanitize("clear\u{1b}c!"), "clear!");
        assert_eq!(sanitize("c1\u{9b}2Jz"), "c1z");
    }

    #[test]
    fn control_and_bidi_characters_are_removed_but_newlines_kept() {
        assert_eq!(sanitize("a\u{7}b\rc\u{8}d\ne\u{202e}f"), "abcd\nef");
        assert_eq!(single_line("one\ntwo\tthree"), "one two three");
    }
}
