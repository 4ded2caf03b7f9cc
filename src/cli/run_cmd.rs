//! `fireground run -- CMD ARGS…`: runs a command as the person would,
//! its output passing through to the terminal as it comes, and records
//! what ran, where, for how long, how it ended and the end of its output,
//! so the timeline holds the commands of the response with their times.

use std::io::{self, Read, Write};
use std::process::{Command as Process, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{SecondsFormat, Utc};

use super::announce::{Verdict, announce_and_wait};
use crate::app::{AppError, Command, Context, Secrets};
use crate::domain::secrets::MASK;
use crate::domain::text::sanitize;

/// How many of the last lines of output are kept.
pub const TAIL_LINES: usize = 20;
/// The most characters kept of one line: a 10 MB line costs no more.
pub const LINE_CHARS: usize = 300;

/// What `run` was asked to do.
pub struct Run {
    pub argv: Vec<String>,
    pub destructive: bool,
    /// Seconds a destructive step is open to objection; `None` for the
    /// playbook's.
    pub countdown: Option<u32>,
    /// Take a destructive step unopposed without asking y/N.
    pub yes: bool,
    /// Words recorded as ****, wherever they appear.
    pub mask: Vec<String>,
    pub allow_secret: bool,
}

/// Runs the command and records it; the command's own exit code is ours.
pub fn run(ctx: &mut Context, run: Run) -> Result<(), AppError> {
    // Whatever would refuse the record is found before the command runs:
    // once it has run, it is recorded.
    ctx.author()?;
    ctx.incident_without_notes()?;
    let masked = |text: String| {
        run.mask
            .iter()
            .filter(|w| !w.is_empty())
            .fold(text, |t, w| t.replace(w.as_str(), MASK))
    };
    // It runs as asked: a likely secret in its words is masked rather
    // than refused, unless the person said to keep it.
    let secrets = match run.allow_secret {
        true => Secrets::Keep,
        false => Secrets::Mask,
    };
    let command_line = masked(shell_words(&run.argv));
    let cwd = std::env::current_dir()
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    let announced = match run.destructive {
        false => None,
        true => match announce_and_wait(ctx, &command_line, run.countdown, run.yes, secrets)? {
            (step, Verdict::Go) => Some(step),
            (step, Verdict::Held { why, code }) => {
                let held = Command::RecordRun {
                    command: command_line,
                    cwd,
                    duration_ms: 0,
                    exit: None,
                    signal: None,
                    not_started: Some(why.clone()),
                    output: String::new(),
                    destructive: true,
                    announced: Some(step),
                };
                ctx.execute(None, held, None, secrets)?;
                eprintln!("fireground: not run: {why}");
                return Err(AppError::Passed(code));
            }
        },
    };
    let started = Utc::now();
    let clock = Instant::now();
    let ended = {
        let _ignored = InterruptsGoToTheCommand::new();
        execute(&run.argv)
    };
    let duration_ms = clock.elapsed().as_millis() as u64;
    let command = Command::RecordRun {
        command: command_line,
        cwd,
        duration_ms,
        exit: ended.exit,
        signal: ended.signal,
        not_started: ended.not_started.clone(),
        output: masked(ended.tail),
        destructive: run.destructive,
        announced,
    };
    let at = started.to_rfc3339_opts(SecondsFormat::Millis, true);
    let outcome = ctx.execute(None, command, Some(&at), secrets)?;
    eprintln!(
        "fireground: {} {}: {}",
        outcome.incident.short(),
        outcome.title,
        outcome.said
    );
    match ended.code {
        0 => Ok(()),
        code => Err(AppError::Passed(code)),
    }
}

/// How the command ended.
struct Ended {
    exit: Option<i32>,
    signal: Option<i32>,
    not_started: Option<String>,
    tail: String,
    /// The exit code to pass on, as a shell gives it.
    code: i32,
}

fn execute(argv: &[String]) -> Ended {
    let not_started = |why: String, code| Ended {
        exit: None,
        signal: None,
        not_started: Some(why),
        tail: String::new(),
        code,
    };
    let Some((program, args)) = argv.split_first() else {
        return not_started("no command given".into(), 2);
    };
    let child = Process::new(program)
        .args(args)
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return not_started(format!("command not found: {program}"), 127);
        }
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            return not_started(format!("permission denied: {program}"), 126);
        }
        Err(e) => return not_started(format!("could not start {program}: {e}"), 126),
    };
    let tail = Arc::new(Mutex::new(Tail::default()));
    let copiers: Vec<_> = [
        child
            .stdout
            .take()
            .map(|o| Box::new(o) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|e| Box::new(e) as Box<dyn Read + Send>),
    ]
    .into_iter()
    .enumerate()
    .filter_map(|(i, from)| Some((i, from?)))
    .map(|(i, from)| {
        let tail = Arc::clone(&tail);
        std::thread::spawn(move || pass_through(from, i == 0, &tail))
    })
    .collect();
    for c in copiers {
        let _ = c.join();
    }
    let status = child.wait();
    let tail = tail.lock().map(|mut t| t.text()).unwrap_or_default();
    match status {
        Ok(status) => {
            let signal = signal_of(&status);
            let exit = status.code();
            Ended {
                exit,
                signal,
                not_started: None,
                tail,
                code: exit.unwrap_or_else(|| 128 + signal.unwrap_or(0)),
            }
        }
        Err(e) => Ended {
            tail,
            ..not_started(format!("lost track of {program}: {e}"), 1)
        },
    }
}

#[cfg(unix)]
fn signal_of(status: &std::process::ExitStatus) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    status.signal()
}

#[cfg(not(unix))]
fn signal_of(_: &std::process::ExitStatus) -> Option<i32> {
    None
}

/// Copies a stream of the command to ours as it comes, keeping its tail.
fn pass_through(mut from: Box<dyn Read + Send>, stdout: bool, tail: &Mutex<Tail>) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        // The person watching comes first; a closed terminal does not stop
        // the command or the record.
        let _ = if stdout {
            io::stdout()
                .lock()
                .write_all(&buf[..n])
                .and_then(|()| io::stdout().flush())
        } else {
            io::stderr().lock().write_all(&buf[..n])
        };
        if let Ok(mut t) = tail.lock() {
            t.push(&buf[..n]);
        }
    }
}

/// The last lines of output, each cut to [`LINE_CHARS`]: memory stays
/// bounded whatever the command prints, a gigabyte or one endless line.
#[derive(Default)]
struct Tail {
    lines: std::collections::VecDeque<Vec<u8>>,
    current: Vec<u8>,
    cut: bool,
}

impl Tail {
    fn push(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if b == b'\n' {
                self.end_line();
            } else if self.current.len() < LINE_CHARS * 4 {
                self.current.push(b);
            } else {
                self.cut = true;
            }
        }
    }

    fn end_line(&mut self) {
        let mut line = std::mem::take(&mut self.current);
        if std::mem::take(&mut self.cut) {
            line.extend_from_slice("…".as_bytes());
        }
        self.lines.push_back(line);
        if self.lines.len() > TAIL_LINES {
            self.lines.pop_front();
        }
    }

    /// The tail as text: lossy where not UTF-8 (binary output), cleaned of
    /// terminal controls, each line cut to [`LINE_CHARS`] characters.
    fn text(&mut self) -> String {
        if !self.current.is_empty() {
            self.end_line();
        }
        let lines: Vec<String> = self
            .lines
            .iter()
            .map(|l| {
                let line = sanitize(&String::from_utf8_lossy(l));
                match line.char_indices().nth(LINE_CHARS) {
                    Some((i, _)) => format!("{}…", &line[..i]),
                    None => line,
                }
            })
            .collect();
        lines.join("\n")
    }
}

/// The command line as a person would type it again: words with spaces
/// or quotes in single quotes.
fn shell_words(argv: &[String]) -> String {
    let word = |w: &String| {
        let plain = !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
        match plain {
            true => w.clone(),
            false => format!("'{}'", w.replace('\'', r"'\''")),
        }
    };
    argv.iter().map(word).collect::<Vec<_>>().join(" ")
}

/// While the command runs, Ctrl-C and Ctrl-\ are for it: the terminal
/// sends them to both, and fireground lives on to record how it ended. A
/// handler that does nothing, rather than ignoring the signal, since an
/// ignored signal stays ignored in the command started.
struct InterruptsGoToTheCommand;

#[cfg(unix)]
extern "C" fn let_it_pass(_: libc::c_int) {}

impl InterruptsGoToTheCommand {
    fn new() -> InterruptsGoToTheCommand {
        #[cfg(unix)]
        // SAFETY: the handler touches nothing; it is put back on drop.
        unsafe {
            let handler = let_it_pass as extern "C" fn(libc::c_int) as libc::sighandler_t;
            libc::signal(libc::SIGINT, handler);
            libc::signal(libc::SIGQUIT, handler);
        }
        InterruptsGoToTheCommand
    }
}

impl Drop for InterruptsGoToTheCommand {
    fn drop(&mut self) {
        #[cfg(unix)]
        // SAFETY: restoring the default disposition has no preconditions.
        unsafe {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            libc::signal(libc::SIGQUIT, libc::SIG_DFL);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_keeps_the_last_lines_each_cut_and_no_more_memory() {
        let mut tail = Tail::default();
        for i in 0..10_000 {
            tail.push(format!("line {i}\n").as_bytes());
        }
        tail.push(&vec![b'x'; 10 << 20]);
        tail.push(b"\n\x1b[31mred\x1b[0m\nlast without newline");
        assert!(tail.current.len() <= LINE_CHARS * 4);
        let text = tail.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), TAIL_LINES);
        assert_eq!(lines[TAIL_LINES - 1], "last without newline");
        assert_eq!(lines[TAIL_LINES - 2], "red", "escape sequences cleaned");
        assert_eq!(lines[TAIL_LINES - 3].chars().count(), LINE_CHARS + 1);
        assert_eq!(lines[0], "line 9983");
    }

    #[test]
    fn a_command_line_is_written_as_it_would_be_typed_again() {
        let argv: Vec<String> = ["sh", "-c", "echo it's done", "--x=1"]
            .map(String::from)
            .to_vec();
        assert_eq!(shell_words(&argv), r"sh -c 'echo it'\''s done' --x=1");
    }
}
