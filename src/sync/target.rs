//! What a sync talks to: a shared file or a git repository, told apart from
//! what the user typed.

use std::fmt;
use std::path::{Path, PathBuf};

use super::SyncError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A JSON Lines file on a share every responder can reach.
    File(PathBuf),
    /// A git remote: a URL, or the absolute path of a repository.
    Git(String),
}

impl Target {
    /// A URL (`https://…`, `ssh://…`, `git@host:repo`) or a directory is a
    /// git repository; anything else is a shared file, created if missing.
    /// Relative paths are made absolute so the remembered target works from
    /// any directory.
    pub fn parse(input: &str) -> Result<Target, SyncError> {
        let s = input.trim();
        if s.is_empty() || s.chars().any(char::is_control) {
            return Err(SyncError::BadTarget(crate::domain::text::single_line(s)));
        }
        if looks_like_url(s) {
            return Ok(Target::Git(s.to_string()));
        }
        let path =
            std::path::absolute(Path::new(s)).map_err(|_| SyncError::BadTarget(s.to_string()))?;
        if path.is_dir() || (s.ends_with(".git") && !path.exists()) {
            return Ok(Target::Git(path.to_string_lossy().into_owned()));
        }
        Ok(Target::File(path))
    }

    /// How the target is stored: one word for the kind, then the target.
    /// Cursors are kept under this key.
    pub fn key(&self) -> String {
        match self {
            Target::File(p) => format!("file {}", p.display()),
            Target::Git(r) => format!("git {r}"),
        }
    }

    /// The inverse of [`Target::key`].
    pub fn from_key(key: &str) -> Option<Target> {
        match key.split_once(' ')? {
            ("file", p) => Some(Target::File(PathBuf::from(p))),
            ("git", r) => Some(Target::Git(r.to_string())),
            _ => None,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::File(p) => write!(f, "{}", p.display()),
            Target::Git(r) => write!(f, "{}", redacted(r)),
        }
    }
}

/// The remote as it may be shown: a password or token written into a URL
/// (`https://user:token@host/…`) is replaced by `***`.
pub fn redacted(remote: &str) -> String {
    let Some((scheme, rest)) = remote.split_once("://") else {
        return remote.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => {
            let user = rest[..at].split(':').next().unwrap_or("");
            let secret = if rest[..at].contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{secret}{}", &rest[at..])
        }
        None => remote.to_string(),
    }
}

/// `scheme://…`, or git's short form `user@host:path` / `host:path.git`.
fn looks_like_url(s: &str) -> bool {
    if s.contains("://") {
        return true;
    }
    match s.split_once(':') {
        Some((host, path)) => {
            !host.is_empty()
                && !host.contains('/')
                && !path.is_empty()
                && (host.contains('@') || path.ends_with(".git"))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_directories_are_git_and_other_paths_are_files() {
        for url in [
            "https://example.org/ops/incidents.git",
            "ssh://git@example.org/ops/incidents",
            "git@example.org:ops/incidents.git",
            "file:///srv/incidents.git",
        ] {
            assert_eq!(
                Target::parse(url).unwrap(),
                Target::Git(url.into()),
                "{url}"
            );
        }
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_string_lossy().into_owned();
        assert_eq!(Target::parse(&d).unwrap(), Target::Git(d.clone()));
        let f = dir.path().join("log.jsonl");
        assert_eq!(
            Target::parse(f.to_str().unwrap()).unwrap(),
            Target::File(f.clone())
        );
        let missing_repo = dir.path().join("new.git");
        assert!(matches!(
            Target::parse(missing_repo.to_str().unwrap()).unwrap(),
            Target::Git(_)
        ));
        assert!(Target::parse("  ").is_err());
    }

    #[test]
    fn a_password_in_a_url_is_never_shown() {
        let t = Target::Git("https://ana:s3cret@example.org/ops/log.git".into());
        assert_eq!(t.to_string(), "https://ana:***@example.org/ops/log.git");
        assert_eq!(
            redacted("ssh://git@example.org/ops/log"),
            "ssh://git@example.org/ops/log"
        );
        assert_eq!(
            redacted("git@example.org:ops/log.git"),
            "git@example.org:ops/log.git"
        );
    }

    #[test]
    fn a_relative_path_is_made_absolute_and_keys_round_trip() {
        let t = Target::parse("shared/log.jsonl").unwrap();
        let Target::File(p) = &t else { panic!("{t:?}") };
        assert!(p.is_absolute());
        assert_eq!(Target::from_key(&t.key()), Some(t.clone()));
        let g = Target::Git("git@h:r.git".into());
        assert_eq!(Target::from_key(&g.key()), Some(g));
    }
}
