//! `fireground config path|check`.

use super::ConfigCommand;
use crate::app::AppError;
use crate::config::{Config, ConfigError, resolve_url};
use crate::domain::channel::{ChannelSpec, mask_url};
use crate::domain::text::single_line;
use crate::report::json::pretty;

pub fn run(cmd: &ConfigCommand) -> Result<(), AppError> {
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
    }
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
    out
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
    })
}
