//! Where fireground keeps its files, following the XDG base directories.

use std::path::PathBuf;

fn xdg(var: &str, fallback: &str) -> PathBuf {
    match std::env::var_os(var).filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => {
            let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
            home.join(fallback)
        }
    }
}

/// `$XDG_DATA_HOME/fireground` (default `~/.local/share/fireground`).
pub fn data_dir() -> PathBuf {
    xdg("XDG_DATA_HOME", ".local/share").join("fireground")
}

/// `$XDG_CONFIG_HOME/fireground` (default `~/.config/fireground`).
pub fn config_dir() -> PathBuf {
    xdg("XDG_CONFIG_HOME", ".config").join("fireground")
}

/// The database used when `--db` and `FIREGROUND_DB` are not given.
pub fn default_db() -> PathBuf {
    data_dir().join("fireground.db")
}

/// Where user playbooks live; a file there overrides a built-in one of the
/// same name.
pub fn playbook_dir() -> PathBuf {
    config_dir().join("playbooks")
}

/// The user's config file (channels, the status page) when
/// `FIREGROUND_CONFIG` is not given.
pub fn config_file() -> PathBuf {
    config_dir().join("config.toml")
}
