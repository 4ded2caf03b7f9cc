//! The user's config file: their own settings (`settings`), webhook
//! channels for stakeholder updates and where the status page goes. The
//! file is read and its `~` and relative paths are made whole here; what
//! its channels say is checked by `domain::channel`, which this shares with
//! playbooks.

mod settings;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

pub use settings::{Contrast, Settings};

use crate::domain::channel::{ChannelSpec, RawChannels, UrlSource, check_url, parse_channels};
use crate::domain::playbook::{Playbook, PlaybookError, Text, error_at, toml_error};
use crate::paths;

/// The config file as read, or as empty where there is none.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Sorted by name.
    pub channels: Vec<ChannelSpec>,
    pub status_page: Option<PathBuf>,
    pub settings: Settings,
    /// Where it was looked for.
    pub path: PathBuf,
    pub found: bool,
}

/// A config file that could not be used, or a channel URL that could not
/// be found. No message holds more of a URL than `mask_url` shows.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{file}: {error}")]
    Invalid { file: String, error: PlaybookError },
    #[error("channel {channel}: {why}")]
    Url { channel: String, why: String },
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(rename = "as")]
    user: Option<Text>,
    time_zone: Option<Text>,
    playbook: Option<Text>,
    sync: Option<Text>,
    theme: Option<Text>,
    #[serde(default)]
    keys: BTreeMap<Spanned<String>, Text>,
    status_page: Option<Text>,
    #[serde(default)]
    channels: RawChannels,
}

impl Config {
    /// No channels and no status page: what a command that reads no config
    /// file works with.
    pub fn empty() -> Config {
        Config {
            channels: Vec::new(),
            status_page: None,
            settings: Settings::default(),
            path: PathBuf::new(),
            found: false,
        }
    }

    /// `$FIREGROUND_CONFIG` if set, else `$XDG_CONFIG_HOME/fireground/config.toml`.
    pub fn path() -> PathBuf {
        std::env::var_os("FIREGROUND_CONFIG")
            .filter(|v| !v.is_empty())
            .map_or_else(paths::config_file, PathBuf::from)
    }

    /// The config file at [`Config::path`].
    pub fn load() -> Result<Config, ConfigError> {
        Config::load_from(&Config::path())
    }

    /// The config file at `path`; none there is an empty config, since
    /// fireground needs none.
    pub fn load_from(path: &Path) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => Config::parse(&text, &file),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config {
                path: path.to_path_buf(),
                ..Config::empty()
            }),
            Err(source) => Err(ConfigError::Read { file, source }),
        }
    }

    /// Parses config text read from `file`, against which a relative
    /// `status_page` is taken.
    pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
        let invalid = |error| ConfigError::Invalid {
            file: file.to_string(),
            error,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| invalid(toml_error(text, &e)))?;
        let dir = Path::new(file).parent().unwrap_or(Path::new(""));
        let settings = settings::settings(
            settings::RawSettings {
                user: raw.user,
                time_zone: raw.time_zone,
                playbook: raw.playbook,
                sync: raw.sync,
                theme: raw.theme,
                keys: raw.keys,
            },
            text,
            dir,
        )
        .map_err(invalid)?;
        let status_page = match raw.status_page {
            None => None,
            Some(p) if p.get_ref().trim().is_empty() => {
                return Err(invalid(error_at(
                    text,
                    p.span(),
                    "status_page must be a path; leave it out for none",
                )));
            }
            Some(p) => Some(dir.join(expand_home(p.get_ref()))),
        };
        Ok(Config {
            channels: parse_channels(raw.channels, text).map_err(invalid)?,
            status_page,
            settings,
            path: PathBuf::from(file),
            found: true,
        })
    }

    /// The channels an incident run by `playbook` tells: this file's and
    /// the playbook's, this file's winning on a name both have (a person
    /// may point a team's channel elsewhere), sorted by name.
    pub fn channels_for(&self, playbook: &Playbook) -> Vec<ChannelSpec> {
        let mut all = self.channels.clone();
        all.extend(
            playbook
                .channels
                .iter()
                .filter(|p| {
                    !self
                        .channels
                        .iter()
                        .any(|c| c.name.eq_ignore_ascii_case(&p.name))
                })
                .cloned(),
        );
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all
    }
}

/// `~/x` as `$HOME/x`; anything else as it is. (`dir.join` leaves an
/// absolute path absolute.)
fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) if !home.is_empty() => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// The URL a channel posts to, read from where it says, and checked as an
/// inline one is.
pub fn resolve_url(spec: &ChannelSpec) -> Result<String, ConfigError> {
    resolve_with(spec, |var| std::env::var(var).ok())
}

/// [`resolve_url`] with the environment given, so tests need not change
/// the process's own.
fn resolve_with(
    spec: &ChannelSpec,
    env: impl Fn(&str) -> Option<String>,
) -> Result<String, ConfigError> {
    let refuse = |why: String| ConfigError::Url {
        channel: spec.name.clone(),
        why,
    };
    let url = match &spec.url {
        UrlSource::Inline(url) => url.clone(),
        UrlSource::Env(var) => env(var)
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| refuse(format!("environment variable {var} is not set")))?
            .trim()
            .to_string(),
        UrlSource::File(written) => {
            let path = expand_home(written);
            let shown = path.display();
            let text = std::fs::read_to_string(&path).map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => {
                    refuse(format!("the URL file {shown} does not exist"))
                }
                // The error of reading a file says nothing of what it holds.
                _ => refuse(format!("cannot read the URL file {shown}: {e}")),
            })?;
            let url = text.trim();
            if url.is_empty() {
                return Err(refuse(format!("the URL file {shown} is empty")));
            }
            url.to_string()
        }
    };
    check_url(&url).map_err(refuse)?;
    Ok(url)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::domain::channel::ChannelKind;

    fn refused(text: &str) -> PlaybookError {
        match Config::parse(text, "/etc/fg/config.toml") {
            Err(ConfigError::Invalid { error, .. }) => error,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    fn channel(name: &str, url: UrlSource) -> ChannelSpec {
        ChannelSpec {
            name: name.into(),
            kind: ChannelKind::Slack,
            url,
            timeout: Duration::from_secs(10),
        }
    }

    #[test]
    fn a_config_reads_its_channels_and_a_status_page_beside_it() {
        let text = "status_page = \"pages/status.html\"\n[channels.inc]\nkind = \"slack\"\nurl_env = \"X\"\n";
        let c = Config::parse(text, "/etc/fg/config.toml").unwrap();
        assert_eq!(
            c.status_page,
            Some(PathBuf::from("/etc/fg/pages/status.html"))
        );
        assert_eq!(c.channels[0].name, "inc");
        assert!(c.found);
        let c = Config::parse(
            "status_page = \"/srv/status.html\"\n",
            "/etc/fg/config.toml",
        )
        .unwrap();
        assert_eq!(c.status_page, Some(PathBuf::from("/srv/status.html")));
    }

    #[test]
    fn an_unknown_key_is_refused_at_its_line_and_column_listing_the_known_ones() {
        let e = refused("\nstatus_pgae = \"x\"\n");
        assert_eq!((e.line, e.column), (2, 1), "{e}");
        assert!(
            e.message.contains("status_page") && e.message.contains("channels"),
            "{e}"
        );
        let e = refused("[channels.inc]\nkind = \"slack\"\nurl_env = \"X\"\ntimeout = 3\n");
        assert_eq!((e.line, e.column), (4, 1), "{e}");
        assert!(e.message.contains("timeout_seconds"), "{e}");
        let e = refused("status_page = \"\"\n");
        assert_eq!((e.line, e.column), (1, 15), "{e}");
        let e = refused("[channels.inc]\nkind = \"carrier-pigeon\"\nurl_env = \"X\"\n");
        assert_eq!((e.line, e.column), (2, 8), "{e}");
    }

    #[test]
    fn an_error_reads_file_line_column_message() {
        let e =
            Config::parse("[channels.inc]\nkind = \"slack\"\n", "/etc/fg/config.toml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "/etc/fg/config.toml: line 1, column 11: channel inc needs one of url, url_env or url_file"
        );
    }

    #[test]
    fn a_missing_file_is_an_empty_config() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let c = Config::load_from(&path).unwrap();
        assert!(!c.found && c.channels.is_empty() && c.status_page.is_none());
        assert_eq!(c.path, path);
    }

    #[test]
    fn the_config_file_s_channel_wins_over_the_playbook_s_of_the_same_name() {
        let mut playbook = crate::playbooks::Catalog::fallback();
        playbook.channels = vec![
            channel("team", UrlSource::Env("TEAM".into())),
            channel("inc", UrlSource::Env("PLAYBOOK_INC".into())),
        ];
        let config = Config {
            channels: vec![
                channel("inc", UrlSource::Env("MINE".into())),
                channel("alpha", UrlSource::Env("A".into())),
            ],
            status_page: None,
            settings: Settings::default(),
            path: PathBuf::new(),
            found: true,
        };
        let all = config.channels_for(&playbook);
        let got: Vec<(&str, &UrlSource)> = all.iter().map(|c| (c.name.as_str(), &c.url)).collect();
        assert_eq!(
            got,
            [
                ("alpha", &UrlSource::Env("A".into())),
                ("inc", &UrlSource::Env("MINE".into())),
                ("team", &UrlSource::Env("TEAM".into())),
            ]
        );
    }

    #[test]
    fn a_url_resolves_from_inline_an_environment_variable_or_a_file() {
        let inline = channel("inc", UrlSource::Inline("https://h.example/x".into()));
        assert_eq!(resolve_url(&inline).unwrap(), "https://h.example/x");

        let var = "FIREGROUND_INC_WEBHOOK";
        let env = channel("inc", UrlSource::Env(var.into()));
        let set = |value: &'static str| move |v: &str| (v == var).then(|| value.to_string());
        assert_eq!(
            resolve_with(&env, |_| None).unwrap_err().to_string(),
            "channel inc: environment variable FIREGROUND_INC_WEBHOOK is not set"
        );
        assert!(resolve_with(&env, set("  ")).is_err(), "empty is not set");
        assert_eq!(
            resolve_with(&env, set(" https://h.example/from-env\n")).unwrap(),
            "https://h.example/from-env"
        );
        let e = resolve_with(&env, set("https://h.example/SECRET?token=SECRET x"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("https://h.example/…") && !e.contains("SECRET"),
            "{e}"
        );

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hook.url");
        let file = channel("inc", UrlSource::File(path.display().to_string()));
        let e = resolve_url(&file).unwrap_err().to_string();
        assert_eq!(
            e,
            format!(
                "channel inc: the URL file {} does not exist",
                path.display()
            )
        );
        std::fs::write(&path, "\n  http://127.0.0.1:8080/hook/SECRET  \n").unwrap();
        assert_eq!(
            resolve_url(&file).unwrap(),
            "http://127.0.0.1:8080/hook/SECRET"
        );
        std::fs::write(&path, "ftp://127.0.0.1/SECRET?x=SECRET\n").unwrap();
        let e = resolve_url(&file).unwrap_err().to_string();
        assert!(
            e.contains("ftp://127.0.0.1/…") && !e.contains("SECRET"),
            "{e}"
        );
        std::fs::write(&path, " \n").unwrap();
        assert!(
            resolve_url(&file)
                .unwrap_err()
                .to_string()
                .contains("is empty")
        );
    }

    #[test]
    fn a_leading_tilde_is_the_home_directory() {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        if let Some(home) = home.filter(|h| !h.as_os_str().is_empty()) {
            assert_eq!(expand_home("~/a/b"), home.join("a/b"));
        }
        assert_eq!(expand_home("/a/~/b"), PathBuf::from("/a/~/b"));
        assert_eq!(expand_home("~user/b"), PathBuf::from("~user/b"));
    }
}
