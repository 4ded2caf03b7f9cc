//! Likely secrets in text a person is about to record: the one list of
//! what is caught, and the mask that hides it. Every rule names a format a
//! provider documents (the shapes gitleaks' rule set looks for), so ordinary
//! prose about passwords and tokens passes; what a rule finds is the secret
//! part alone (a `password=` pair's value, a key block's body), which is
//! what a mask replaces.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// What a secret is replaced with.
pub const MASK: &str = "****";

/// What to do with text that holds a likely secret.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Secrets {
    /// Refuse the change, naming what was found and where.
    #[default]
    Refuse,
    /// Record it with each secret replaced by [`MASK`].
    Mask,
    /// Record it as written: the person says it is not a secret, or must
    /// be kept.
    Keep,
}

/// One likely secret in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// What it looks like, to say in a sentence: "a GitHub token".
    pub rule: &'static str,
    /// Where the secret part is, in bytes of the text.
    pub range: Range<usize>,
}

impl Found {
    /// Where it is as a person counts: the first and last character, from 1.
    pub fn characters(&self, text: &str) -> (usize, usize) {
        let count = |end: usize| text.get(..end).map_or(0, |t| t.chars().count());
        (count(self.range.start) + 1, count(self.range.end))
    }
}

/// One rule: what it catches, the pattern, which of its groups is the
/// secret part (0 for the whole match), and what that part must be to be
/// worth asking about.
struct Rule {
    name: &'static str,
    pattern: &'static str,
    group: usize,
    holds: fn(&str) -> bool,
}

/// The list. A rule's pattern is anchored on something a provider put
/// there on purpose (a prefix, a header, a `key=` name), never on entropy
/// alone, which flags hashes and ids that are fine to record.
const RULES: &[Rule] = &[
    Rule {
        name: "a private key",
        // The body between the header and the footer, its lines kept
        // apart from them; a paste cut short of its footer is still a key.
        pattern: r"-----BEGIN[A-Z0-9 ]{0,30}PRIVATE KEY(?: BLOCK)?-----\s*((?s:.*?))\s*(?:-----END[A-Z0-9 ]{0,30}PRIVATE KEY(?: BLOCK)?-----|\z)",
        group: 1,
        holds: key_body,
    },
    Rule {
        name: "an AWS access key",
        pattern: r"\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b",
        group: 0,
        holds: a_value,
    },
    Rule {
        name: "a GCP API key",
        pattern: r"\bAIza[0-9A-Za-z_-]{35}",
        group: 0,
        holds: a_value,
    },
    Rule {
        name: "a GCP OAuth token",
        pattern: r"\bya29\.[0-9A-Za-z_-]{20,}",
        group: 0,
        holds: a_value,
    },
    Rule {
        name: "a GitHub token",
        pattern: r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b",
        group: 0,
        holds: a_value,
    },
    Rule {
        name: "a GitLab token",
        pattern: r"\bgl(?:pat|dt|ptt|rt)-[0-9A-Za-z_-]{20,}",
        group: 0,
        holds: a_value,
    },
    Rule {
        name: "a Slack token",
        pattern: r"\bxox[abposr]-[0-9A-Za-z-]{10,}",
        group: 0,
        holds: a_value,
    },
    Rule {
        name: "a Slack webhook",
        pattern: r"hooks\.slack\.com/(?:services|workflows|triggers)/([A-Za-z0-9/_+-]{20,})",
        group: 1,
        holds: a_value,
    },
    Rule {
        name: "a Stripe key",
        pattern: r"\b(?:sk|rk)_(?:live|test|prod)_[0-9A-Za-z]{10,99}\b",
        group: 0,
        holds: a_value,
    },
    Rule {
        name: "a JSON Web Token",
        pattern: r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}",
        group: 0,
        holds: a_value,
    },
    Rule {
        name: "a password in a URL",
        // scheme://user:password@host
        pattern: r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]+:([^\s/@]+)@[^\s/@]",
        group: 1,
        holds: a_value,
    },
    Rule {
        name: "a credential",
        // name=value, name = value, or "name": "value" as JSON has it.
        // The name ends in one of these words (db_password, API_TOKEN);
        // the value is what follows up to a space, quote or separator.
        // "password= left empty" is prose: a space after the = alone
        // leaves the pair without a value.
        pattern: r#"(?i)\b[a-z0-9_.-]*?(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|auth|credentials?)(?:=|[ \t]+=[ \t]*|"[ \t]*:[ \t]*")["']?([^\s"',;&]+)"#,
        group: 1,
        holds: a_value,
    },
];

static COMPILED: LazyLock<Vec<(&'static Rule, Regex)>> = LazyLock::new(|| {
    RULES
        .iter()
        .map(|r| {
            let re = Regex::new(r.pattern).expect("the secret patterns are tested");
            (r, re)
        })
        .collect()
});

/// A value that stands for a secret rather than being one: a mask already
/// made, a variable (`$DB_PASS`, `${TOKEN}`) or a placeholder (`<token>`).
fn placeholder(value: &str) -> bool {
    value.chars().all(|c| c == '*')
        || value.starts_with('$')
        || value.starts_with('<')
        || value.starts_with('{')
}

/// A value that is one: not empty, not a placeholder.
fn a_value(secret: &str) -> bool {
    !secret.is_empty() && !placeholder(secret)
}

/// A key block's body holds a key: a run of base64, not the words of
/// someone talking about a header.
fn key_body(body: &str) -> bool {
    let base64 = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=');
    body.split(|c: char| !base64(c)).any(|run| run.len() >= 16)
}

/// Every likely secret in `text`, in order, none overlapping another
/// (where two rules find the same place, the first in the list names it).
pub fn scan(text: &str) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    for (rule, re) in COMPILED.iter() {
        for caps in re.captures_iter(text) {
            let Some(m) = caps.get(rule.group) else {
                continue;
            };
            if !(rule.holds)(m.as_str()) {
                continue;
            }
            let range = m.range();
            if found
                .iter()
                .all(|f| range.end <= f.range.start || f.range.end <= range.start)
            {
                found.push(Found {
                    rule: rule.name,
                    range,
                });
            }
        }
    }
    found.sort_by_key(|f| f.range.start);
    found
}

/// `text` with every likely secret replaced by [`MASK`]. A masked text
/// holds none, so masking again changes nothing.
pub fn mask(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for f in scan(text) {
        out.push_str(&text[at..f.range.start]);
        out.push_str(MASK);
        at = f.range.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test secrets are put together from pieces, so that this file holds
    // nothing a scanner of the repository would flag.
    fn fake(prefix: &str, body: &str, n: usize) -> String {
        format!("{prefix}{}", body.repeat(n))
    }

    fn rule_of(text: &str) -> Vec<&'static str> {
        scan(text).iter().map(|f| f.rule).collect()
    }

    /// What the scanner found in `text`, as text.
    fn secrets_in(text: &str) -> Vec<&str> {
        scan(text).iter().map(|f| &text[f.range.clone()]).collect()
    }

    fn key_block(kind: &str) -> String {
        let dashes = "-".repeat(5);
        format!(
            "{dashes}BEGIN {kind}PRIVATE KEY{dashes}\nMIIEpAIBAAKCAQEA{}\nxyz==\n{dashes}END {kind}PRIVATE KEY{dashes}",
            "Q".repeat(40)
        )
    }

    #[test]
    fn a_private_key_block_is_caught_and_its_body_masked() {
        for kind in ["", "RSA ", "OPENSSH ", "EC "] {
            let text = format!("pasted by mistake:\n{}\nsorry", key_block(kind));
            assert_eq!(rule_of(&text), ["a private key"], "{kind}");
            let masked = mask(&text);
            assert!(masked.contains(&format!("{kind}PRIVATE KEY-----\n****\n-----END")));
            assert!(!masked.contains("MIIE"), "{masked}");
        }
        // Cut short of its footer, it is still a key.
        let cut = key_block("RSA ");
        let cut = &cut[..cut.find("xyz").unwrap()];
        assert_eq!(rule_of(cut), ["a private key"]);
        // The header alone, as someone talks about one, is not.
        let header = format!("{}BEGIN RSA PRIVATE KEY{}", "-".repeat(5), "-".repeat(5));
        let talk = format!("grep for '{header}' in every repository we deploy from");
        assert!(scan(&talk).is_empty(), "{talk}");
    }

    #[test]
    fn provider_tokens_are_caught_by_their_prefix() {
        let jwt = format!(
            "{}.{}.{}",
            fake("eyJ", "hbGciOi", 2),
            fake("eyJ", "zdWIiOi", 2),
            "SflKxwRJSMeKKF2QT4fwpM"
        );
        let cases = [
            (fake("AKIA", "QZ2X", 4), "an AWS access key"),
            (fake("AIza", "Sy0a1b2c3d4e5f6g", 2) + "xyz", "a GCP API key"),
            (fake("ya29.", "a0AfB_byC", 3), "a GCP OAuth token"),
            (fake("ghp_", "aB3dE5", 6), "a GitHub token"),
            (fake("github_pat_", "11AB2CD3E", 4), "a GitHub token"),
            (fake("glpat-", "x1Y2z3", 4), "a GitLab token"),
            (fake("xoxb-", "1234-5678-", 2), "a Slack token"),
            (fake("sk_live_", "4eC39Hq", 3), "a Stripe key"),
            (jwt, "a JSON Web Token"),
        ];
        for (token, rule) in cases {
            let text = format!("use {token} for now");
            assert_eq!(rule_of(&text), [rule], "{text}");
            assert_eq!(secrets_in(&text), [token.as_str()], "{text}");
            assert_eq!(mask(&text), "use **** for now");
        }
    }

    #[test]
    fn a_slack_webhook_is_caught_and_its_path_masked() {
        let path = fake("T01B02C03/B04D05E06/", "aBcD", 6);
        let text = format!("alerts go to https://hooks.slack.com/services/{path} now");
        assert_eq!(rule_of(&text), ["a Slack webhook"]);
        assert_eq!(
            mask(&text),
            "alerts go to https://hooks.slack.com/services/**** now"
        );
    }

    #[test]
    fn near_misses_of_provider_tokens_pass() {
        for text in [
            "AKIA is the prefix of an AWS key",
            "ghp_ tokens are personal access tokens",
            "sk_live_ keys go in the vault",
            "eyJ starts every JWT header",
            "the publishable key pk_live_ is fine to share",
            "xoxb- tokens belong to bots",
        ] {
            assert!(scan(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn a_password_pair_is_caught_and_only_its_value_masked() {
        let value = fake("hun", "ter2", 2);
        for (text, masked) in [
            (format!("password={value}"), "password=****"),
            (
                format!("DB_PASSWORD = {value} still"),
                "DB_PASSWORD = **** still",
            ),
            (format!("api_key='{value}'"), "api_key='****'"),
            (format!("curl ?token={value}&x=1"), "curl ?token=****&x=1"),
            (
                format!(r#"{{"client_secret": "{value}"}}"#),
                r#"{"client_secret": "****"}"#,
            ),
        ] {
            assert_eq!(rule_of(&text), ["a credential"], "{text}");
            assert_eq!(mask(&text), masked);
        }
    }

    #[test]
    fn prose_about_passwords_and_tokens_passes() {
        for text in [
            "the password rotation failed",
            "token bucket is empty on the edge",
            "password=",
            "password= ",
            "password= left empty in the config",
            "password=$DB_PASS from the env",
            "token=<your token>",
            "max_tokens=5 on the model",
            "Password: rotated yesterday",
            "see https://example.com/path@v2 and mailto:ops@example.com",
            "ssh ops@bastion:22",
        ] {
            assert!(scan(text).is_empty(), "{text}: {:?}", scan(text));
        }
    }

    #[test]
    fn a_password_in_a_url_is_caught_and_the_user_kept() {
        let text = format!(
            "db at postgres://app:{}@db1:5432/main",
            fake("s3", "cr3t", 2)
        );
        assert_eq!(rule_of(&text), ["a password in a URL"]);
        assert_eq!(mask(&text), "db at postgres://app:****@db1:5432/main");
        // A user without a password, or no user at all, is not a secret.
        assert!(scan("https://ana@git.example.com/repo").is_empty());
        assert!(scan("https://example.com:8443/status").is_empty());
    }

    #[test]
    fn masking_is_stable_and_idempotent() {
        let text = format!(
            "{} then password={} and {}",
            fake("ghp_", "aB3dE5", 6),
            fake("x", "y", 8),
            key_block("")
        );
        let once = mask(&text);
        assert_eq!(mask(&once), once);
        assert_eq!(mask(&text), once);
        assert!(scan(&once).is_empty(), "{once}");
    }

    #[test]
    fn one_place_is_named_once_and_found_in_order() {
        // A token as a credential's value is one secret, not two.
        let text = format!("x token={} y", fake("ghp_", "aB3dE5", 6));
        assert_eq!(scan(&text).len(), 1);
        let text = format!(
            "{} {}",
            fake("sk_live_", "4eC39Hq", 3),
            fake("AKIA", "QZ2X", 4)
        );
        assert_eq!(rule_of(&text), ["a Stripe key", "an AWS access key"]);
    }

    #[test]
    fn where_it_is_counts_characters_not_bytes() {
        let text = format!("é ü {}", fake("ghp_", "aB3dE5", 6));
        let found = &scan(&text)[0];
        assert_eq!(found.characters(&text), (5, 44));
    }
}
