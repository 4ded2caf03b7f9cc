//! Copying text to the clipboard of the terminal the user sits at, with
//! OSC 52: the terminal itself sets its clipboard, so it works over SSH
//! and inside tmux (with `set-clipboard on`), with no clipboard tool on
//! the machine fireground runs on. The console and `update --copy` both
//! write what [`osc52`] makes.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The most base64 a sequence carries. Terminals refuse or silently drop
/// a larger OSC 52 (xterm's default limit is about this size), so a longer
/// text is cut rather than lost whole.
pub const MAX_PAYLOAD: usize = 100_000;

/// A ready-to-write OSC 52 sequence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Osc52 {
    /// The bytes to write to the terminal: only ASCII, as the text is in
    /// base64, so nothing in it can end the sequence or start another.
    pub sequence: String,
    /// Whether the text was cut to fit [`MAX_PAYLOAD`].
    pub cut: bool,
}

/// The sequence that puts `text` on the clipboard (`c`), cut at a
/// character boundary to fit [`MAX_PAYLOAD`].
pub fn osc52(text: &str) -> Osc52 {
    // Every 3 bytes of text take 4 of base64.
    let most = MAX_PAYLOAD / 4 * 3;
    let mut end = text.len().min(most);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Osc52 {
        sequence: format!("\x1b]52;c;{}\x07", STANDARD.encode(&text[..end])),
        cut: end < text.len(),
    }
}

/// What to say once copied: `what` ("Update") and whether it was cut.
pub fn said(what: &str, copy: &Osc52) -> String {
    if copy.cut {
        format!(
            "{what} copied, cut to its first {} kB: terminals refuse a longer copy",
            MAX_PAYLOAD / 4 * 3 / 1000
        )
    } else {
        format!("{what} copied")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_travels_as_base64_between_the_osc_52_markers() {
        let copy = osc52("Status: P1 Checkout failing\nImpact: 5% €");
        assert_eq!(
            copy.sequence,
            "\x1b]52;c;U3RhdHVzOiBQMSBDaGVja291dCBmYWlsaW5nCkltcGFjdDogNSUg4oKs\x07"
        );
        assert!(!copy.cut);
    }

    #[test]
    fn escapes_in_the_text_never_reach_the_terminal_raw() {
        let copy = osc52("evil\x07\x1b]52;c;AAAA\x07\x1b[2J");
        let body = &copy.sequence["\x1b]52;c;".len()..copy.sequence.len() - 1];
        assert!(
            body.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)),
            "{body:?}"
        );
    }

    #[test]
    fn a_huge_text_is_cut_on_a_character_boundary_to_what_terminals_take() {
        let copy = osc52(&"é".repeat(MAX_PAYLOAD));
        assert!(copy.cut);
        let body = &copy.sequence["\x1b]52;c;".len()..copy.sequence.len() - 1];
        assert!(body.len() <= MAX_PAYLOAD, "{}", body.len());
        let text = String::from_utf8(STANDARD.decode(body).unwrap()).unwrap();
        assert!(text.chars().all(|c| c == 'é'));
        assert!(said("Update", &copy).contains("cut to its first 75 kB"));
        assert_eq!(said("Update", &osc52("x")), "Update copied");
    }
}
