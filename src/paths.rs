//! Where fireground keeps its files: the XDG base directories on Linux and
//! macOS, the Known Folders on Windows, as `etcetera` finds them.

use std::path::PathBuf;

use etcetera::BaseStrategy;

/// The user's (config, data) base directories; with no home directory to
/// be found (a bare container), the current directory stands in for it.
fn base() -> (PathBuf, PathBuf) {
    match etcetera::choose_base_strategy() {
        Ok(strategy) => (strategy.config_dir(), strategy.data_dir()),
        Err(_) => (PathBuf::from(".config"), PathBuf::from(".local/share")),
    }
}

/// `$XDG_DATA_HOME/fireground` (default `~/.local/share/fireground`;
/// `%APPDATA%\fireground` on Windows).
pub fn data_dir() -> PathBuf {
    base().1.join("fireground")
}

/// `$XDG_CONFIG_HOME/fireground` (default `~/.config/fireground`;
/// `%APPDATA%\fireground` on Windows).
pub fn config_dir() -> PathBuf {
    base().0.join("fireground")
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

/// The user's config file (settings, channels, the status page) when
/// `FIREGROUND_CONFIG` is not given.
pub fn config_file() -> PathBuf {
    config_dir().join("config.toml")
}
