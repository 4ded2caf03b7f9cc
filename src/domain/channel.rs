//! Outgoing webhook channels for stakeholder updates: what a `[channels.NAME]`
//! table of a playbook or the config file says, validated. Where a URL held
//! in an environment variable or a file really points is the caller's
//! business (`config::resolve_url`): nothing here reads the environment.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::playbook::{PlaybookError, Text, error_at};
use super::text::is_plain;

/// The body a channel's webhook takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    /// `{"text": …}`: Slack and the chats that copy its incoming webhooks.
    Slack,
    /// A Microsoft Teams message card.
    Teams,
    /// The update as fireground's own JSON.
    Json,
}

/// The words `kind =` accepts, with what each means. Mattermost, Google
/// Chat and Rocket.Chat take Slack's `{"text": …}` body.
const KINDS: &[(&str, ChannelKind)] = &[
    ("slack", ChannelKind::Slack),
    ("teams", ChannelKind::Teams),
    ("json", ChannelKind::Json),
    ("mattermost", ChannelKind::Slack),
    ("google-chat", ChannelKind::Slack),
    ("rocketchat", ChannelKind::Slack),
];

impl ChannelKind {
    pub fn name(self) -> &'static str {
        match self {
            ChannelKind::Slack => "slack",
            ChannelKind::Teams => "teams",
            ChannelKind::Json => "json",
        }
    }

    /// The kind a file names, in any case.
    pub fn parse(s: &str) -> Option<ChannelKind> {
        KINDS
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(s.trim()))
            .map(|(_, kind)| *kind)
    }
}

/// Where a channel's URL is. A webhook URL is a secret (whoever holds it
/// can post), so a file committed to git names a variable or a file.
#[derive(Clone, PartialEq, Eq)]
pub enum UrlSource {
    Inline(String),
    Env(String),
    /// The path as written: a leading `~/` is expanded when it is read.
    File(String),
}

/// Debug output lands in logs and panics: never the whole URL.
impl fmt::Debug for UrlSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlSource::Inline(url) => write!(f, "Inline({:?})", mask_url(url)),
            UrlSource::Env(var) => write!(f, "Env({var:?})"),
            UrlSource::File(path) => write!(f, "File({path:?})"),
        }
    }
}

impl UrlSource {
    /// Where the URL comes from, in a few words: `$VAR`, the file, inline.
    pub fn describe(&self) -> String {
        match self {
            UrlSource::Inline(_) => "url inline".to_string(),
            UrlSource::Env(var) => format!("url from ${var}"),
            UrlSource::File(path) => format!("url from {path}"),
        }
    }
}

/// A validated channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelSpec {
    pub name: String,
    pub kind: ChannelKind,
    pub url: UrlSource,
    pub timeout: Duration,
}

/// The default wait for a webhook to answer, and the range allowed.
pub const DEFAULT_TIMEOUT_SECONDS: i64 = 10;
const TIMEOUT_SECONDS: std::ops::RangeInclusive<i64> = 1..=120;
const NAME_MAX: usize = 40;

/// A channel as JSON shows it: an inline URL only masked, since
/// `playbook list --json` and `config check --json` print it.
impl Serialize for ChannelSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (url, url_env, url_file) = match &self.url {
            UrlSource::Inline(url) => (Some(mask_url(url)), None, None),
            UrlSource::Env(var) => (None, Some(var.as_str()), None),
            UrlSource::File(path) => (None, None, Some(path.as_str())),
        };
        serde_json::json!({
            "name": self.name,
            "kind": self.kind.name(),
            "url": url,
            "url_env": url_env,
            "url_file": url_file,
            "timeout_seconds": self.timeout.as_secs(),
        })
        .serialize(s)
    }
}

/// `[channels.NAME]` tables as the file has them, names with where they are.
pub(crate) type RawChannels = BTreeMap<Spanned<String>, RawChannel>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawChannel {
    kind: Text,
    url: Option<Text>,
    url_env: Option<Text>,
    url_file: Option<Text>,
    timeout_seconds: Option<Spanned<i64>>,
}

/// Validates channel tables, in the order the file has them, so the first
/// error reported is the first in the file.
pub(crate) fn parse_channels(
    raw: RawChannels,
    text: &str,
) -> Result<Vec<ChannelSpec>, PlaybookError> {
    let mut raw: Vec<_> = raw.into_iter().collect();
    raw.sort_by_key(|(name, _)| name.span().start);
    let mut out: Vec<ChannelSpec> = Vec::with_capacity(raw.len());
    for (name, channel) in raw {
        // TOML refuses the same key twice, but not `Inc` beside `inc`,
        // which a person would take for one channel.
        if out
            .iter()
            .any(|c| c.name.eq_ignore_ascii_case(name.get_ref()))
        {
            return Err(error_at(
                text,
                name.span(),
                format!("duplicate channel name '{}'", name.get_ref()),
            ));
        }
        out.push(parse_channel(&name, channel, text)?);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

fn parse_channel(
    name: &Spanned<String>,
    raw: RawChannel,
    text: &str,
) -> Result<ChannelSpec, PlaybookError> {
    check_name(name.get_ref()).map_err(|why| error_at(text, name.span(), why))?;
    let channel = name.get_ref();
    let at = |value: &Text, why: String| {
        error_at(text, value.span(), format!("channel {channel}: {why}"))
    };
    let kind = ChannelKind::parse(raw.kind.get_ref()).ok_or_else(|| {
        let valid: Vec<&str> = KINDS.iter().map(|(k, _)| *k).collect();
        at(
            &raw.kind,
            format!(
                "unknown kind '{}'; valid kinds are: {}",
                raw.kind.get_ref(),
                valid.join(", ")
            ),
        )
    })?;
    let url = match (raw.url, raw.url_env, raw.url_file) {
        (Some(url), None, None) => {
            check_url(url.get_ref()).map_err(|why| at(&url, why))?;
            UrlSource::Inline(url.into_inner())
        }
        (None, Some(var), None) => {
            check_env_name(var.get_ref()).map_err(|why| at(&var, why))?;
            UrlSource::Env(var.into_inner())
        }
        (None, None, Some(path)) => {
            if path.get_ref().trim().is_empty() || !path.get_ref().chars().all(is_plain) {
                return Err(at(
                    &path,
                    "url_file must be a path in plain, printable text".to_string(),
                ));
            }
            UrlSource::File(path.into_inner())
        }
        (None, None, None) => {
            return Err(error_at(
                text,
                name.span(),
                format!("channel {channel} needs one of url, url_env or url_file"),
            ));
        }
        (url, var, path) => {
            // Point at the second source given, the one to take out.
            let second = [url, var, path].into_iter().flatten().nth(1).expect("two");
            return Err(at(
                &second,
                "give only one of url, url_env or url_file".to_string(),
            ));
        }
    };
    let seconds = match raw.timeout_seconds {
        None => DEFAULT_TIMEOUT_SECONDS,
        Some(t) if TIMEOUT_SECONDS.contains(t.get_ref()) => *t.get_ref(),
        Some(t) => {
            return Err(error_at(
                text,
                t.span(),
                format!(
                    "channel {channel}: timeout_seconds must be from {} to {}",
                    TIMEOUT_SECONDS.start(),
                    TIMEOUT_SECONDS.end()
                ),
            ));
        }
    };
    Ok(ChannelSpec {
        name: channel.clone(),
        kind,
        url,
        timeout: Duration::from_secs(seconds.unsigned_abs()),
    })
}

/// A channel's name shows in every line about it, and in a shell command.
fn check_name(name: &str) -> Result<(), String> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if name.is_empty() {
        return Err("a channel needs a name: [channels.NAME]".to_string());
    }
    if name.chars().count() > NAME_MAX || !name.chars().all(ok_char) {
        // The name may hold anything: quote only what is safe of it.
        let shown: String = name
            .chars()
            .filter(|&c| ok_char(c))
            .take(NAME_MAX)
            .collect();
        return Err(format!(
            "channel name '{shown}' must be at most {NAME_MAX} letters, digits, '-', '_' or '.'"
        ));
    }
    Ok(())
}

fn check_env_name(var: &str) -> Result<(), String> {
    let ok = var
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err("url_env must name an environment variable: letters, digits and '_'".to_string())
    }
}

/// Checks a webhook URL, saying why not without quoting it beyond its host.
pub fn check_url(url: &str) -> Result<(), String> {
    let shown = mask_url(url);
    if url.chars().any(|c| c.is_whitespace() || !is_plain(c)) {
        return Err(format!(
            "the URL {shown} holds a space or a control character"
        ));
    }
    match split_url(url) {
        Some((scheme, _))
            if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") =>
        {
            Ok(())
        }
        Some(_) => Err(format!(
            "the URL {shown} must begin with http:// or https://"
        )),
        None => Err(format!(
            "{shown} is not a URL with a host, like https://hooks.example.com/…"
        )),
    }
}

/// A URL shown without what makes it a secret: its scheme, host and port,
/// and `/…` for the path and query that hold the token. What cannot be
/// read as a URL is shown as `(a URL)`, never as it is.
pub fn mask_url(url: &str) -> String {
    match split_url(url) {
        Some((scheme, host)) => format!("{scheme}://{host}/…"),
        None => "(a URL)".to_string(),
    }
}

/// The scheme and the host (with its port) of a URL, without any
/// `user:password@`; `None` if it has no scheme or no host.
fn split_url(url: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host_ok = !host.is_empty()
        && !host.starts_with(':')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '[' | ']'));
    (scheme_ok && host_ok).then_some((scheme, host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct File {
        #[serde(default)]
        channels: RawChannels,
    }

    fn parse(text: &str) -> Result<Vec<ChannelSpec>, PlaybookError> {
        let raw: File = toml::from_str(text).expect("well-formed TOML");
        parse_channels(raw.channels, text)
    }

    /// The error's line and column, and its message.
    fn refused(text: &str) -> (usize, usize, String) {
        let e = parse(text).unwrap_err();
        (e.line, e.column, e.message)
    }

    #[test]
    fn a_channel_of_each_source_parses_with_its_defaults() {
        let text = r#"
[channels.inc]
kind = "slack"
url = "https://hooks.slack.com/services/T/B/X"
[channels.execs]
kind = "Teams"
url_env = "EXECS_HOOK"
timeout_seconds = 30
[channels.mm]
kind = "mattermost"
url_file = "~/.config/fireground/mm.url"
"#;
        let c = parse(text).unwrap();
        let names: Vec<&str> = c.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["execs", "inc", "mm"], "sorted by name");
        assert_eq!(c[0].kind, ChannelKind::Teams);
        assert_eq!(c[0].url, UrlSource::Env("EXECS_HOOK".into()));
        assert_eq!(c[0].timeout, Duration::from_secs(30));
        assert_eq!(c[1].timeout, Duration::from_secs(10));
        assert_eq!(c[2].kind, ChannelKind::Slack);
        assert_eq!(
            c[2].url,
            UrlSource::File("~/.config/fireground/mm.url".into())
        );
    }

    #[test]
    fn each_mistake_in_a_channel_is_refused_at_its_line_and_column() {
        let (l, c, m) = refused("[channels.inc]\nkind = \"irc\"\nurl_env = \"X\"\n");
        assert_eq!((l, c), (2, 8));
        assert!(
            m.contains("unknown kind 'irc'; valid kinds are: slack, teams, json, mattermost"),
            "{m}"
        );

        let (l, c, m) = refused("[channels.inc]\nkind = \"slack\"\n");
        assert_eq!((l, c), (1, 11));
        assert_eq!(m, "channel inc needs one of url, url_env or url_file");

        let (l, c, m) =
            refused("[channels.inc]\nkind = \"slack\"\nurl = \"https://h/x\"\nurl_env = \"X\"\n");
        assert_eq!((l, c), (4, 11));
        assert!(m.contains("only one of"), "{m}");

        let (l, c, m) = refused("[channels.inc]\nkind = \"slack\"\nurl = \"ftp://h/secret\"\n");
        assert_eq!((l, c), (3, 7));
        assert!(
            m.contains("http:// or https://") && !m.contains("secret"),
            "{m}"
        );

        let (l, c, _) = refused("[channels.inc]\nkind = \"slack\"\nurl_env = \"NOT-A-VAR\"\n");
        assert_eq!((l, c), (3, 11));

        let (l, c, _) = refused("[channels.inc]\nkind = \"slack\"\nurl_file = \"\"\n");
        assert_eq!((l, c), (3, 12));

        let (l, c, m) =
            refused("[channels.inc]\nkind = \"slack\"\nurl_env = \"X\"\ntimeout_seconds = 121\n");
        assert_eq!((l, c), (4, 19));
        assert_eq!(m, "channel inc: timeout_seconds must be from 1 to 120");
        let (l, c, _) =
            refused("[channels.inc]\nkind = \"slack\"\nurl_env = \"X\"\ntimeout_seconds = 0\n");
        assert_eq!((l, c), (4, 19));

        let (l, c, m) = refused("[channels.\"in c\"]\nkind = \"slack\"\nurl_env = \"X\"\n");
        assert_eq!((l, c), (1, 11));
        assert!(m.contains("'inc' must be at most 40 letters"), "{m}");
        let long = "x".repeat(41);
        let (l, c, _) = refused(&format!(
            "[channels.{long}]\nkind = \"slack\"\nurl_env = \"X\"\n"
        ));
        assert_eq!((l, c), (1, 11));
        let (l, c, m) = refused(
            "[channels.inc]\nkind = \"slack\"\nurl_env = \"X\"\n[channels.Inc]\nkind = \"slack\"\nurl_env = \"Y\"\n",
        );
        assert_eq!((l, c), (4, 11));
        assert_eq!(m, "duplicate channel name 'Inc'");
        let (l, c, m) = refused("[channels.\"\"]\nkind = \"slack\"\nurl_env = \"X\"\n");
        assert_eq!((l, c), (1, 11));
        assert!(m.contains("needs a name"), "{m}");
    }

    #[test]
    fn a_bad_inline_url_is_refused_without_its_secret_part() {
        for url in [
            "https://hooks.slack.com/services/T/SECRET X",
            "https://hooks.slack.com/services/T/SECRET\\u0007",
            "hooks.slack.com/services/T/SECRET",
            "https:///services/T/SECRET",
        ] {
            let text = format!("[channels.inc]\nkind = \"slack\"\nurl = \"{url}\"\n");
            let (l, c, m) = refused(&text);
            assert_eq!((l, c), (3, 7), "{url}");
            assert!(!m.contains("SECRET") && !m.contains("services"), "{m}");
        }
    }

    #[test]
    fn a_url_is_masked_after_its_host_and_port() {
        for (url, masked) in [
            (
                "https://hooks.slack.com/services/T/B/X",
                "https://hooks.slack.com/…",
            ),
            ("http://127.0.0.1:8080/hook?x=1", "http://127.0.0.1:8080/…"),
            ("https://user:pw@host/x", "https://host/…"),
            ("https://host?token=1", "https://host/…"),
            ("https://host#frag", "https://host/…"),
            ("http://[::1]:9000/x", "http://[::1]:9000/…"),
            ("https://host", "https://host/…"),
            ("not a url", "(a URL)"),
            ("https://", "(a URL)"),
            ("://host/x", "(a URL)"),
            ("https://ho st/x", "(a URL)"),
            ("https://user:pw@/x", "(a URL)"),
            ("", "(a URL)"),
        ] {
            assert_eq!(mask_url(url), masked, "{url}");
        }
    }

    #[test]
    fn a_channel_serializes_and_debugs_with_its_url_masked() {
        let c = parse("[channels.inc]\nkind = \"slack\"\nurl = \"https://h.example/T/SECRET\"\n")
            .unwrap();
        let json = serde_json::to_string(&c[0]).unwrap();
        assert!(
            json.contains("https://h.example/…") && !json.contains("SECRET"),
            "{json}"
        );
        let debug = format!("{:?}", c[0]);
        assert!(!debug.contains("SECRET"), "{debug}");
    }
}
