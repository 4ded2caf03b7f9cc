//! `fireground print`: the timeline as text, the postmortem draft as
//! markdown or html, or the whole incident as JSON, to stdout or a file.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fs::{self, File, FileType, Metadata};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Local, Utc};
use clap::{Args, ValueEnum};

use crate::app::{AppError, Context};
use crate::domain::event::Event;
use crate::domain::ids::IncidentId;
use crate::domain::incident::Entry;
use crate::domain::verification::statement;
use crate::domain::when::parse_time;
use crate::file_kind;
use crate::report::filter::Filter;
use crate::report::json::Log;
use crate::report::{PrintOptions, Printout, Timeline, html, json, markdown, text};
use crate::store::{StoreError, Streamed};
use crate::zone::Zone;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PrintFormat {
    /// The timeline for a terminal or printer (80 columns)
    Text,
    /// A postmortem draft to paste into a wiki
    Markdown,
    /// The postmortem draft as one printable page
    Html,
    /// The whole incident, derived state and events, for tools
    Json,
}

#[derive(Debug, Args)]
pub struct PrintArgs {
    /// What to print
    #[arg(long, short, value_enum, default_value = "text")]
    pub format: PrintFormat,
    /// Write to FILE instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Show times in UTC rather than local time
    #[arg(long)]
    pub utc: bool,
    /// Only entries at or after TIME: RFC 3339, HH:MM (today) or relative like -2h
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub since: Option<String>,
    /// Only entries at or before TIME
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub until: Option<String>,
    /// Only entries of these kinds (repeat or separate with commas), e.g. decision,finding
    #[arg(long = "kind", value_name = "KIND", value_delimiter = ',', num_args = 1..)]
    pub kinds: Vec<String>,
    /// Only pinned entries: the short story of the incident
    #[arg(long)]
    pub pinned: bool,
    /// Show each entry's ref, for amend, redact and pin
    #[arg(long)]
    pub refs: bool,
}

pub fn run(ctx: &Context, args: &PrintArgs) -> Result<(), AppError> {
    print(ctx, args, |render| match &args.out {
        Some(path) => write_file(path, render).map(|()| {
            eprintln!("Wrote {}", path.display());
        }),
        None => write_stdout(render),
    })
}

/// `fireground print` with these arguments into `out` (`--out` aside):
/// for benchmarks and tools.
pub fn print_into(ctx: &Context, args: &PrintArgs, out: &mut dyn Write) -> Result<(), AppError> {
    print(ctx, args, |render| {
        render(out).map_err(|e| AppError::Io(format!("could not write the printout: {e}")))
    })
}

/// Checks the arguments and finds the incident, then hands `write` what
/// renders the printout into a writer, reading the timeline and the log as
/// it goes.
fn print(
    ctx: &Context,
    args: &PrintArgs,
    write: impl FnOnce(&mut dyn FnMut(&mut dyn Write) -> io::Result<()>) -> Result<(), AppError>,
) -> Result<(), AppError> {
    let zone = if args.utc { Zone::Utc } else { Zone::Local };
    let filter = Filter::new(
        when(args.since.as_deref(), zone)?,
        when(args.until.as_deref(), zone)?,
        &args.kinds,
        args.pinned,
    )
    .map_err(AppError::Input)?;
    let options = PrintOptions {
        zone,
        refs: args.refs,
        filter,
    };
    let printed = ctx.store.streamed(incident_id(ctx)?, |read| {
        let mut printout = Printout::new(
            &read.incident,
            ctx.playbook_or_default(&read.incident),
            &options,
        );
        // The review states whether the log it tells of verified.
        if matches!(args.format, PrintFormat::Markdown | PrintFormat::Html) {
            let found = ctx.store.verify(Some(read.incident.id))?;
            let kept: u64 = found.kept_apart.iter().map(|k| k.events).sum();
            printout.log = Some(statement(&found.writers, kept));
        }
        let hidden = match args.format {
            PrintFormat::Json => read.redacted_ids()?,
            _ => HashSet::new(),
        };
        let reading = Reading {
            read,
            failed: RefCell::new(None),
        };
        let mut render = |out: &mut dyn Write| match args.format {
            PrintFormat::Text => text::write(&printout, &mut &reading, out),
            PrintFormat::Markdown => markdown::write(&printout, &mut &reading, out),
            PrintFormat::Html => html::write(&printout, &mut &reading, out),
            PrintFormat::Json => json::write(&printout, &mut &reading, &mut &reading, &hidden, out),
        };
        let written = write(&mut render);
        // A row that could not be read is the reason, not the writing it
        // stopped.
        match reading.failed.into_inner() {
            Some(e) => Err(e.into()),
            None => written,
        }
    })?;
    printed.unwrap_or_else(|| Err(undeclared(ctx)))
}

/// The incident --incident names, else the open one; once everything is
/// resolved, the most recently active, since a review comes after the fact.
fn incident_id(ctx: &Context) -> Result<IncidentId, AppError> {
    match ctx.incident_id_to_show() {
        Err(AppError::Store(StoreError::NoOpenIncident)) => {
            let latest = ctx.store.incidents()?.into_iter().next();
            latest.map(|s| s.id).ok_or_else(nothing_to_print)
        }
        other => other,
    }
}

/// Why an incident found has no state to print.
fn undeclared(ctx: &Context) -> AppError {
    match ctx.undeclared() {
        AppError::Store(StoreError::NoOpenIncident) => nothing_to_print(),
        other => other,
    }
}

fn nothing_to_print() -> AppError {
    AppError::Input(
        "there is no incident to print; declare one with `fireground declare TITLE`".into(),
    )
}

/// The incident's timeline and log as they are read for a printout. A row
/// that cannot be read stops the printout and is kept here to say why.
struct Reading<'a, 's> {
    read: &'a Streamed<'s>,
    failed: RefCell<Option<StoreError>>,
}

/// Why a read stopped.
enum Stop {
    Read(StoreError),
    Write(io::Error),
}

impl From<StoreError> for Stop {
    fn from(e: StoreError) -> Stop {
        Stop::Read(e)
    }
}

impl Reading<'_, '_> {
    /// An io error for the renderer, keeping a failed read for the caller.
    fn stopped(&self, read: Result<(), Stop>) -> io::Result<()> {
        match read {
            Ok(()) => Ok(()),
            Err(Stop::Write(e)) => Err(e),
            Err(Stop::Read(e)) => {
                let said = e.to_string();
                *self.failed.borrow_mut() = Some(e);
                Err(io::Error::other(said))
            }
        }
    }
}

impl Timeline for &Reading<'_, '_> {
    fn each(&mut self, f: &mut dyn FnMut(&Entry) -> io::Result<()>) -> io::Result<()> {
        self.stopped(self.read.each_entry(|e| f(e).map_err(Stop::Write)))
    }
}

impl Log for &Reading<'_, '_> {
    fn each(
        &mut self,
        f: &mut dyn FnMut(&Event, Option<&Entry>) -> io::Result<()>,
    ) -> io::Result<()> {
        self.stopped(
            self.read
                .each_event(|e, entry| f(e, entry).map_err(Stop::Write)),
        )
    }
}

/// A time the user typed; `HH:MM` is read in the zone being printed.
fn when(input: Option<&str>, zone: Zone) -> Result<Option<DateTime<Utc>>, AppError> {
    input
        .map(|s| match zone {
            Zone::Utc => parse_time(s, &Utc::now()),
            Zone::Local => parse_time(s, &Local::now()),
        })
        .transpose()
        .map_err(AppError::Input)
}

/// A reader piping into `head` closes early; that is not an error, and
/// the rest is not read.
fn write_stdout(render: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>) -> Result<(), AppError> {
    let mut out = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    match render(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(AppError::Io(format!(
            "could not write to standard output: {e}"
        ))),
        _ => Ok(()),
    }
}

/// Writes the printout where the user asked, as a shell's `>` would but
/// safer: a regular file is replaced whole, a device or pipe is written
/// into, and a symlink is followed to the file it names.
pub(super) fn write_file(
    path: &Path,
    render: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> Result<(), AppError> {
    let (path, existing) = destination(path)?;
    let written = match &existing {
        Some(meta) if !meta.is_file() => write_into(&path, render),
        _ => replace(&path, existing.as_ref(), |f| {
            let mut out = io::BufWriter::with_capacity(64 * 1024, f);
            render(&mut out)?;
            out.flush()
        }),
    };
    written.map_err(|e| write_error(&path, &e))
}

/// The path to write and what is there now. A symlink is resolved, so the
/// link stays and the file it names is the one written; what a printout
/// cannot go into is refused.
fn destination(path: &Path) -> Result<(PathBuf, Option<Metadata>), AppError> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((path.to_path_buf(), None)),
        Err(e) => return Err(write_error(path, &e)),
    };
    let kind = meta.file_type();
    if kind.is_symlink() {
        return match fs::canonicalize(path) {
            Ok(real) => destination(&real),
            Err(_) => Err(AppError::Input(format!(
                "{} is a symbolic link to {}, which does not exist; name the real file instead",
                path.display(),
                fs::read_link(path).unwrap_or_default().display()
            ))),
        };
    }
    if kind.is_dir() {
        return Err(AppError::Input(format!(
            "{} is a directory; name a file inside it, e.g. {}",
            path.display(),
            path.join("postmortem.md").display()
        )));
    }
    if kind.is_file() || writable_in_place(kind) {
        return Ok((path.to_path_buf(), Some(meta)));
    }
    Err(AppError::Input(format!(
        "{} is {}, which a printout cannot go into; name a regular file instead",
        path.display(),
        file_kind::describe(kind)
    )))
}

/// A character device (a terminal, /dev/null) or a pipe takes a stream, as
/// with a shell's `>`. A block device is a disk: never the place for a
/// printout.
fn writable_in_place(kind: FileType) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        kind.is_char_device() || kind.is_fifo()
    }
    #[cfg(not(unix))]
    {
        let _ = kind;
        false
    }
}

/// Writes into a device or pipe. Opening a pipe waits for its reader.
fn write_into(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut options = File::options();
    options.write(true);
    let file = file_kind::no_follow(&mut options).open(path)?;
    // Swapped for a regular file since it was looked at: writing over its
    // start without truncating would leave a mix of old and new.
    if file.metadata()?.is_file() {
        return Err(io::Error::other(
            "it changed while being written; run print again",
        ));
    }
    let mut out = io::BufWriter::with_capacity(64 * 1024, file);
    render(&mut out)?;
    out.flush()
}

/// Writes beside the target, makes it durable and renames it over, so a
/// reader never sees half a draft and a failed write (a full disk) leaves
/// the old file as it was. The new file keeps the old one's mode and, where
/// allowed, its owner: replacing a private draft must not publish it.
fn replace(
    path: &Path,
    existing: Option<&Metadata>,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let mut options = File::options();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if existing.is_some() {
        use std::os::unix::fs::OpenOptionsExt;
        // Private until it has the old file's mode.
        options.mode(0o600);
    }
    let mut file = options.open(&tmp)?;
    let done = write(&mut file)
        .and_then(|()| keep_mode_and_owner(&file, existing))
        .and_then(|()| file.sync_all())
        .and_then(|()| fs::rename(&tmp, path));
    if done.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    done
}

fn keep_mode_and_owner(file: &File, existing: Option<&Metadata>) -> io::Result<()> {
    let Some(old) = existing else {
        return Ok(());
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Only root may give a file away; anyone keeps their own. The
        // owner goes first, as changing it clears set-id bits.
        let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()));
    }
    file.set_permissions(old.permissions())
}

/// One sentence on why the printout could not be written.
fn write_error(path: &Path, e: &io::Error) -> AppError {
    let (reason, advice) = match e.kind() {
        io::ErrorKind::StorageFull => (
            "no space left on the device".to_string(),
            "free some space and print again",
        ),
        io::ErrorKind::NotFound => (
            "its directory does not exist".to_string(),
            "create it or name another file",
        ),
        io::ErrorKind::PermissionDenied => {
            ("permission denied".to_string(), "check you may write there")
        }
        _ => (e.to_string(), "check the directory exists and is writable"),
    };
    AppError::Io(format!(
        "could not write {}: {reason}; {advice}",
        path.display()
    ))
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn a_write_that_fails_half_way_leaves_the_old_file_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let draft = dir.path().join("draft.md");
        fs::write(&draft, "old draft\n").unwrap();
        fs::set_permissions(&draft, fs::Permissions::from_mode(0o600)).unwrap();
        let meta = fs::metadata(&draft).unwrap();
        let full = replace(&draft, Some(&meta), |f| {
            f.write_all(b"half a new dr")?;
            Err(io::Error::from(io::ErrorKind::StorageFull))
        })
        .unwrap_err();
        assert_eq!(full.kind(), io::ErrorKind::StorageFull);
        assert_eq!(fs::read_to_string(&draft).unwrap(), "old draft\n");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
        let said = write_error(&draft, &full).to_string();
        assert!(said.contains("no space left"), "{said}");
    }

    #[test]
    fn a_new_file_follows_the_umask_and_a_replaced_one_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let draft = dir.path().join("draft.md");
        write_file(&draft, &mut |f| f.write_all(b"one\n")).unwrap();
        let umask_mode = fs::metadata(&draft).unwrap().permissions().mode() & 0o777;
        assert_eq!(umask_mode & 0o600, 0o600);
        for mode in [0o600, 0o640, 0o664] {
            fs::set_permissions(&draft, fs::Permissions::from_mode(mode)).unwrap();
            write_file(&draft, &mut |f| f.write_all(b"two\n")).unwrap();
            let now = fs::metadata(&draft).unwrap().permissions().mode() & 0o7777;
            assert_eq!(now, mode);
        }
        assert_eq!(fs::read_to_string(&draft).unwrap(), "two\n");
    }
}
