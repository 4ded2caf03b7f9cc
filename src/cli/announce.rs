//! `fireground run --destructive`: the step is announced in the log, then
//! waits out its countdown watching for an objection (from a teammate's
//! process on this database, or synced in from theirs), then asks y/N.
//! Whatever keeps it from running is recorded as the step's outcome.

use std::io::{IsTerminal, Read, Write};
use std::time::{Duration, Instant};

use crate::app::{AppError, Command, Context, Secrets};
use crate::domain::event::EventKind;
use crate::domain::ids::{EventId, IncidentId};
use crate::domain::incident::{Step, objected_phrase};

/// How often the log is looked at for an objection.
const POLL: Duration = Duration::from_millis(200);

/// Whether the step may be taken.
pub enum Verdict {
    Go,
    /// Not taken: why, in a few words, and the exit code to give.
    Held {
        why: String,
        code: i32,
    },
}

/// Announces `command` (already masked), waits out the countdown and asks;
/// the step's id and whether to take it.
pub fn announce_and_wait(
    ctx: &mut Context,
    command: &str,
    countdown: Option<u32>,
    yes: bool,
    secrets: Secrets,
) -> Result<(EventId, Verdict), AppError> {
    // Caught from before the step is announced: a Ctrl-C as soon as its
    // ref shows withdraws it rather than ending fireground unrecorded.
    let interrupted = Interrupted::catch();
    let announce = Command::Announce {
        command: command.to_string(),
        countdown_s: countdown,
    };
    let outcome = ctx.execute(None, announce, None, secrets)?;
    let step = outcome.event.id;
    let countdown_s = match outcome.event.known() {
        Some(EventKind::StepAnnounced { countdown_s, .. }) => *countdown_s,
        _ => countdown.unwrap_or(0),
    };
    let short = step.short();
    eprintln!(
        "fireground: announced step #{short}: $ {command}\n\
         fireground: anyone may object within {countdown_s} s: fireground object {short} [REASON]"
    );
    let watch = Watch {
        incident: outcome.incident,
        step,
        seen: None,
    };
    let verdict = wait(ctx, watch, countdown_s, yes, &interrupted)?;
    Ok((step, verdict))
}

/// The step watched for objections, and the log's version last read.
struct Watch {
    incident: IncidentId,
    step: EventId,
    seen: Option<i64>,
}

impl Watch {
    /// The latest objection to the step, once one is in the log.
    fn objection(&mut self, ctx: &Context) -> Result<Option<String>, AppError> {
        let version = ctx.store.data_version()?;
        if self.seen == Some(version) {
            return Ok(None);
        }
        self.seen = Some(version);
        let step: Option<Step> = ctx
            .store
            .incident_without_notes(self.incident, None)?
            .and_then(|inc| inc.steps.into_iter().find(|s| s.id == self.step));
        Ok(step.and_then(|s| s.objection().map(|o| objected_phrase(&o.author, &o.reason))))
    }
}

fn wait(
    ctx: &Context,
    mut watch: Watch,
    countdown_s: u32,
    yes: bool,
    interrupted: &Interrupted,
) -> Result<Verdict, AppError> {
    let ends = Instant::now() + Duration::from_secs(u64::from(countdown_s));
    let live = std::io::stderr().is_terminal();
    let held = |why: String, code| Ok(Verdict::Held { why, code });
    let stopped = loop {
        if interrupted.caught() {
            break Some(("withdrawn during the countdown".to_string(), 130));
        }
        if let Some(objection) = watch.objection(ctx)? {
            break Some((objection, 1));
        }
        let left = ends.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break None;
        }
        if live {
            // Our own words on our own terminal: \x1b[K clears what a
            // longer count left at the end of the line.
            eprint!(
                "\rfireground: running in {} s unless someone objects (Ctrl-C withdraws it)\x1b[K",
                left.as_secs() + 1
            );
        }
        std::thread::sleep(POLL.min(left));
    };
    if live {
        eprintln!();
    }
    if let Some((why, code)) = stopped {
        return held(why, code);
    }
    if !yes {
        eprint!("fireground: no objection. Run it now? [y/N] ");
        let _ = std::io::stderr().flush();
        match answer(interrupted) {
            Answer::Yes => {}
            Answer::No => return held("declined at the prompt".into(), 1),
            Answer::Closed => return held("no answer at the y/N prompt".into(), 1),
            Answer::Interrupted => return held("withdrawn at the y/N prompt".into(), 130),
        }
    }
    // An objection made while the question was asked still stops it.
    watch.seen = None;
    match watch.objection(ctx)? {
        Some(objection) => held(objection, 1),
        None => Ok(Verdict::Go),
    }
}

enum Answer {
    Yes,
    No,
    Closed,
    Interrupted,
}

/// One line from the terminal, read a byte at a time so that Ctrl-C
/// (which interrupts the read) is noticed rather than retried.
fn answer(interrupted: &Interrupted) -> Answer {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    let mut stdin = std::io::stdin().lock();
    loop {
        if interrupted.caught() {
            return Answer::Interrupted;
        }
        match stdin.read(&mut byte) {
            Ok(0) if line.is_empty() => return Answer::Closed,
            Ok(0) => break,
            Ok(_) if byte[0] == b'\n' => break,
            Ok(_) if line.len() < 64 => line.push(byte[0]),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return Answer::Closed,
        }
    }
    let typed = String::from_utf8_lossy(&line).trim().to_ascii_lowercase();
    match typed.as_str() {
        "y" | "yes" => Answer::Yes,
        _ => Answer::No,
    }
}

/// Ctrl-C while a step waits withdraws it, and that is recorded: the
/// signal sets a flag instead of ending the process. Installed without
/// SA_RESTART so a read of the y/N answer returns to look at it.
struct Interrupted;

#[cfg(unix)]
static CAUGHT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

#[cfg(unix)]
extern "C" fn note_it(_: libc::c_int) {
    CAUGHT.store(true, std::sync::atomic::Ordering::SeqCst);
}

impl Interrupted {
    fn catch() -> Interrupted {
        #[cfg(unix)]
        // SAFETY: the handler only stores to an atomic; the action is put
        // back on drop.
        unsafe {
            CAUGHT.store(false, std::sync::atomic::Ordering::SeqCst);
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = note_it as extern "C" fn(libc::c_int) as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            action.sa_flags = 0;
            libc::sigaction(libc::SIGINT, &action, std::ptr::null_mut());
        }
        Interrupted
    }

    fn caught(&self) -> bool {
        #[cfg(unix)]
        return CAUGHT.load(std::sync::atomic::Ordering::SeqCst);
        #[cfg(not(unix))]
        false
    }
}

impl Drop for Interrupted {
    fn drop(&mut self) {
        #[cfg(unix)]
        // SAFETY: restoring the default disposition has no preconditions.
        unsafe {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
        }
    }
}
