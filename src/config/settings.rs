//! The person's own settings in the config file: who they record as, the
//! time zone they read, their default playbook and sync target, the look
//! of the console and its keys. Each one a flag or a variable can still
//! override where the command line has one.

use std::collections::BTreeMap;
use std::path::Path;

use toml::Spanned;

use crate::domain::playbook::{PlaybookError, Text, error_at};
use crate::domain::suggest::closest;
use crate::keymap::{ConsoleCommand, KeyMap};
use crate::zone::Zone;

/// How the console is coloured. NO_COLOR still takes every colour away.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Contrast {
    #[default]
    Default,
    /// Bright colours and no dimmed text, for a projector, a glaring room
    /// or tired eyes.
    High,
}

impl Contrast {
    pub fn name(self) -> &'static str {
        match self {
            Contrast::Default => "default",
            Contrast::High => "high-contrast",
        }
    }
}

/// The settings, each `None` (or the built-in) where the file says nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    /// Who records, after `--as` and `FIREGROUND_USER`, before `$USER`.
    pub user: Option<String>,
    /// The zone times are shown in: local time unless set.
    pub zone: Option<Zone>,
    /// The playbook `declare` and the console's declare form start from.
    pub playbook: Option<String>,
    /// The sync target when `sync` is given none: a path made whole
    /// against the file, or a URL as written.
    pub sync: Option<String>,
    pub contrast: Contrast,
    pub keys: KeyMap,
}

/// What the file holds for [`Settings`], each with where it is.
pub(super) struct RawSettings {
    pub user: Option<Text>,
    pub time_zone: Option<Text>,
    pub playbook: Option<Text>,
    pub sync: Option<Text>,
    pub theme: Option<Text>,
    pub keys: BTreeMap<Spanned<String>, Text>,
}

/// Reads the settings of the file `text`, whose directory `dir` relative
/// paths are taken against.
pub(super) fn settings(
    raw: RawSettings,
    text: &str,
    dir: &Path,
) -> Result<Settings, PlaybookError> {
    let at = |t: &Text, why: String| error_at(text, t.span(), why);
    let named = |t: Option<Text>, key: &str, leave_out: &str| match t {
        None => Ok(None),
        Some(t) if t.get_ref().trim().is_empty() || t.get_ref().chars().any(char::is_control) => {
            Err(at(
                &t,
                format!("{key} must be a name on one line; leave it out for {leave_out}"),
            ))
        }
        Some(t) => Ok(Some(t.into_inner().trim().to_string())),
    };
    let user = named(raw.user, "as", "$USER")?;
    let playbook = named(raw.playbook, "playbook", "the default playbook")?;
    let zone = match &raw.time_zone {
        None => None,
        Some(t) => Some(match t.get_ref().trim().to_ascii_lowercase().as_str() {
            "local" => Zone::Local,
            "utc" => Zone::Utc,
            _ => {
                return Err(at(
                    t,
                    "time_zone must be \"local\" or \"utc\"; a named zone comes from TZ".into(),
                ));
            }
        }),
    };
    let contrast = match &raw.theme {
        None => Contrast::Default,
        Some(t) => match t.get_ref().trim() {
            "default" => Contrast::Default,
            "high-contrast" => Contrast::High,
            _ => {
                return Err(at(
                    t,
                    "theme must be \"default\" or \"high-contrast\"".into(),
                ));
            }
        },
    };
    let sync = match raw.sync {
        None => None,
        Some(t) => {
            let written = t.get_ref().trim();
            if written.is_empty() || written.chars().any(char::is_control) {
                return Err(at(
                    &t,
                    "sync must be a shared file's path or a git repository; leave it out to sync with the last one used".into(),
                ));
            }
            Some(sync_target(written, dir))
        }
    };
    Ok(Settings {
        user,
        zone,
        playbook,
        sync,
        contrast,
        keys: keys(raw.keys, text)?,
    })
}

/// A path as it would be read from the file's directory; a URL (anything
/// with a `:`, as `https://…` and `git@host:repo` have) as written.
fn sync_target(written: &str, dir: &Path) -> String {
    if written.contains(':') {
        return written.to_string();
    }
    dir.join(super::expand_home(written))
        .to_string_lossy()
        .into_owned()
}

fn keys(raw: BTreeMap<Spanned<String>, Text>, text: &str) -> Result<KeyMap, PlaybookError> {
    let mut map = KeyMap::default();
    let mut bound = Vec::new();
    // In the file's order, so the first mistake in it is the one named.
    let mut entries: Vec<_> = raw.into_iter().collect();
    entries.sort_by_key(|(name, _)| name.span().start);
    let mut at = BTreeMap::new();
    for (name, key) in entries {
        let command = ConsoleCommand::from_name(name.get_ref()).ok_or_else(|| {
            let typed = name.get_ref();
            let meant = closest(typed, ConsoleCommand::all().map(ConsoleCommand::name))
                .map_or_else(String::new, |m| format!("; did you mean `{m}`?"));
            error_at(
                text,
                name.span(),
                format!(
                    "unknown console command `{typed}` in [keys], expected one of {}{meant}",
                    ConsoleCommand::names()
                ),
            )
        })?;
        map.bind(command, key.get_ref())
            .map_err(|e| error_at(text, key.span(), e.to_string()))?;
        at.insert(command.name(), key.span());
        bound.push(command);
    }
    map.check(&bound).map_err(|(command, why)| {
        let span = at.get(command.name()).cloned().unwrap_or(0..0);
        error_at(text, span, why.to_string())
    })?;
    Ok(map)
}
