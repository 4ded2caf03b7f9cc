//! A sandbox for driving the real binary: its own database, user and XDG
//! directories, in UTC.

#![allow(dead_code)]

use std::path::PathBuf;

use assert_cmd::Command;
use tempfile::TempDir;

pub struct Sandbox {
    pub dir: TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("a temp dir"),
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("data/fireground.db")
    }

    /// The environment every run gets: everything points into the sandbox.
    fn env(&self, user: &str) -> Vec<(&'static str, std::ffi::OsString)> {
        let p = self.dir.path();
        vec![
            ("PATH", std::env::var_os("PATH").unwrap_or_default()),
            ("HOME", p.into()),
            ("XDG_DATA_HOME", p.join("xdg-data").into()),
            ("XDG_CONFIG_HOME", p.join("xdg-config").into()),
            ("TZ", "UTC".into()),
            ("FIREGROUND_DB", self.db().into()),
            ("FIREGROUND_USER", user.into()),
        ]
    }

    /// `fireground` as `user`, with everything pointed into the sandbox.
    pub fn as_user(&self, user: &str) -> Command {
        let mut cmd = Command::cargo_bin("fireground").expect("the binary is built");
        cmd.env_clear().envs(self.env(user));
        cmd
    }

    /// The same as a plain process, for tests that run several at once.
    pub fn process(&self, user: &str) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("fireground"));
        cmd.env_clear().envs(self.env(user));
        cmd
    }

    pub fn cmd(&self) -> Command {
        self.as_user("ana")
    }

    /// Runs and returns stdout, failing the test on a non-zero exit.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().expect("runs");
        assert!(
            out.status.success(),
            "fireground {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }

    /// Runs expecting failure; returns stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().expect("runs");
        assert_eq!(
            out.status.code(),
            Some(2),
            "fireground {args:?} should fail with exit code 2"
        );
        String::from_utf8(out.stderr).expect("utf-8 output")
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).expect("valid JSON")
    }
}
