//! The name someone most likely meant, for a refusal of one misspelt.

/// The `known` name closest to `typed`, if it is close enough to be a
/// likely slip rather than another word.
pub fn closest<'a>(typed: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(typed, k), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// `message` with "; did you mean `x`?" added where it is a parser's
/// "unknown field `y`, expected one of `x`, …" and one of those is close.
pub fn did_you_mean(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((typed, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    // The names expected are the odd pieces between backticks.
    let known = expected.split('`').skip(1).step_by(2);
    match closest(typed, known) {
        Some(meant) => format!("{message}; did you mean `{meant}`?"),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slip_is_matched_and_another_word_is_not() {
        assert_eq!(
            did_you_mean("unknown field `tim_zone`, expected one of `as`, `time_zone`, `theme`"),
            "unknown field `tim_zone`, expected one of `as`, `time_zone`, `theme`; did you mean `time_zone`?"
        );
        let far = "unknown field `colour`, expected one of `as`, `sync`";
        assert_eq!(did_you_mean(far), far);
        assert_eq!(did_you_mean("invalid type"), "invalid type");
        assert_eq!(closest("noet", ["note", "can"]), Some("note"));
    }
}
