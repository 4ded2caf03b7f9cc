//! `fireground config path|check|show`.

use super::ConfigCommand;
use crate::app::{AppError, system_user};
use crate::config::{Config, ConfigError, resolve_url};
use crate::domain::channel::{ChannelSpec, mask_url};
use crate::domain::text::single_line;
use crate::keymap::ConsoleCommand;
use crate::report::json::pretty;
use crate::zone::Zone;

/// Runs a `config` command; `user` is what `--as` or FIREGROUND_USER
/// gave, which `show` says wins over the file.
pub fn run(cmd: &ConfigCommand, user: Option<&str>) -> Result<(), AppError> {
    match cmd {
        ConfigCommand::Path => {
            println!("{}", single_line(&Config::path().display().to_string()));
            Ok(())
        }
        ConfigCommand::Check { json } => {
            let config = Config::load()?;
            if json.json {
                println!("{}", pretty(&check_json(&config)));
            } else {
                print!("{}", check_text(&config));
            }
            Ok(())
        }
        ConfigCommand::Show { json } => {
            let config = Config::load()?;
            let shown = shown(&config, user);
            if json.json {
                println!("{}", pretty(&show_json(&config, &shown)));
            } else {
                print!("{}", show_text(&config, &shown));
            }
            Ok(())
        }
    }
}

/// One setting as it is in force: its name, its value and where that
/// comes from.
struct Shown {
    name: &'static str,
    value: String,
    from: String,
}

/// Every setting in force with `config`, `--as` having given `user`.
fn shown(config: &Config, user: Option<&str>) -> Vec<Shown> {
    let s = &config.settings;
    let file = "config file";
    let from = |set: bool, otherwise: &str| if set { file } else { otherwise }.to_string();
    let user_named = user.map(str::trim).filter(|u| !u.is_empty());
    let (who, who_from) = match (user_named, &s.user) {
        (Some(u), _) => (u.to_string(), "--as or FIREGROUND_USER".to_string()),
        (None, Some(u)) => (u.clone(), file.to_string()),
        (None, None) => (
            system_user().unwrap_or_else(|| "(nobody: pass --as)".into()),
            "$USER".to_string(),
        ),
    };
    let zone = match s.zone.unwrap_or(Zone::Local) {
        Zone::Local => "local",
        Zone::Utc => "utc",
    };
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme_from = match (s.contrast != Default::default(), no_color) {
        (set, true) => format!("{}; NO_COLOR is set, so no colour", from(set, "built in")),
        (set, false) => from(set, "built in"),
    };
    let moved = s.keys.moved();
    let keys = if moved.is_empty() {
        "as built in (? lists them)".to_string()
    } else {
        let each: Vec<String> = moved
            .iter()
            .map(|(c, k)| format!("{} {k}", c.name()))
            .collect();
        each.join(", ")
    };
    vec![
        Shown {
            name: "as",
            value: who,
            from: who_from,
        },
        Shown {
            name: "time_zone",
            value: zone.to_string(),
            from: from(s.zone.is_some(), "built in"),
        },
        Shown {
            name: "playbook",
            value: s.playbook.clone().unwrap_or_else(|| "default".into()),
            from: from(s.playbook.is_some(), "built in"),
        },
        Shown {
            name: "sync",
            value: s
                .sync
                .clone()
                .unwrap_or_else(|| "the last target synced with".into()),
            from: from(s.sync.is_some(), "each database"),
        },
        Shown {
            name: "theme",
            value: s.contrast.name().to_string(),
            from: theme_from,
        },
        Shown {
            name: "keys",
            value: keys,
            from: from(!moved.is_empty(), "built in"),
        },
    ]
}

fn show_text(config: &Config, shown: &[Shown]) -> String {
    let file = config.path.display().to_string();
    let head = if config.found {
        format!("{file}:")
    } else {
        format!("{file}: no config file, so the built-in settings:")
    };
    let mut out = single_line(&head) + "\n";
    let width = shown
        .iter()
        .map(|s| s.value.chars().count())
        .max()
        .unwrap_or(0);
    for s in shown {
        let line = format!(
            "  {:<9}  {:<width$}  ({})",
            s.name,
            single_line(&s.value),
            s.from
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn show_json(config: &Config, shown: &[Shown]) -> serde_json::Value {
    let settings: serde_json::Map<String, serde_json::Value> = shown
        .iter()
        .filter(|s| s.name != "keys")
        .map(|s| {
            (
                s.name.to_string(),
                serde_json::json!({ "value": s.value, "from": s.from }),
            )
        })
        .collect();
    let keys: serde_json::Map<String, serde_json::Value> = ConsoleCommand::all()
        .map(|c| {
            (
                c.name().to_string(),
                config.settings.keys.key(c).to_string().into(),
            )
        })
        .collect();
    serde_json::json!({
        "path": config.path.display().to_string(),
        "found": config.found,
        "settings": settings,
        "keys": keys,
    })
}

/// A channel's URL as it may be shown, or why it cannot be found. A URL
/// that does not resolve leaves the file valid: the variable may be set
/// only where updates are sent from.
fn resolved(spec: &ChannelSpec) -> Result<String, String> {
    resolve_url(spec)
        .map(|url| mask_url(&url))
        .map_err(|e| match e {
            // The line already names the channel.
            ConfigError::Url { why, .. } => why,
            other => other.to_string(),
        })
}

fn check_text(config: &Config) -> String {
    let file = config.path.display().to_string();
    if !config.found {
        return single_line(&format!("{file}: no config file (none is needed)")) + "\n";
    }
    let count = match config.channels.len() {
        1 => "1 channel".to_string(),
        n => format!("{n} channels"),
    };
    let mut out = single_line(&format!("{file}: valid, {count}")) + "\n";
    let name_width = config.channels.iter().map(|c| c.name.len()).max();
    for c in &config.channels {
        let (url, problem) = match resolved(c) {
            Ok(url) => (url, String::new()),
            Err(why) => ("?".to_string(), format!("  NOT RESOLVED: {why}")),
        };
        let line = format!(
            "  {:<w$}  {:<5}  {url}  ({}){problem}",
            c.name,
            c.kind.name(),
            c.url.describe(),
            w = name_width.unwrap_or(0)
        );
        out.push_str(&(single_line(&line) + "\n"));
    }
    if let Some(page) = &config.status_page {
        out.push_str(&(single_line(&format!("  status page: {}", page.display())) + "\n"));
    }
    if let Some(Err(why)) = playbook_found(config) {
        out.push_str(&(single_line(&format!("  playbook: NOT FOUND: {why}")) + "\n"));
    }
    out
}

/// Whether the playbook the file names loads, if it names one: a file
/// that names a missing one is valid (it may be installed later), but
/// `declare` would refuse, so `check` says so.
fn playbook_found(config: &Config) -> Option<Result<(), String>> {
    let name = config.settings.playbook.as_deref()?;
    let catalog = crate::playbooks::Catalog::load(&crate::paths::playbook_dir());
    Some(catalog.get(name).map(|_| ()).map_err(|e| e.to_string()))
}

fn check_json(config: &Config) -> serde_json::Value {
    let channels: Vec<serde_json::Value> = config
        .channels
        .iter()
        .map(|c| {
            let (url, error) = match resolved(c) {
                Ok(url) => (Some(url), None),
                Err(why) => (None, Some(why)),
            };
            serde_json::json!({
                "channel": c,
                "resolves": error.is_none(),
                "resolved_url": url,
                "error": error,
            })
        })
        .collect();
    serde_json::json!({
        "path": config.path.display().to_string(),
        "found": config.found,
        "status_page": config.status_page.as_ref().map(|p| p.display().to_string()),
        "channels": channels,
        "playbook_error": playbook_found(config).and_then(Result::err),
    })
}
