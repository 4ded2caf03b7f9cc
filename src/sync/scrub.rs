//! Taking scrubbed words out of a sync target: a JSON Lines file rewritten
//! with the tombstone in place of every line of an event scrubbed here,
//! and the atomic replace that does it, so a reader (or a crash) only ever
//! sees the file as it was or as it is now, never half of it.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::domain::ids::EventId;
use crate::domain::seal::Digest;
use crate::file_kind;

/// Of a line, what says whether it needs its tombstone.
#[derive(serde::Deserialize)]
struct Probe {
    id: EventId,
    #[serde(default)]
    scrubbed: Option<Digest>,
}

/// The tombstone a line is to be replaced with, if it is a whole copy of
/// an event in `tombstones`. Lines that are not events, or are a
/// tombstone already (perhaps written by another build), are kept.
fn replacement<'a>(line: &[u8], tombstones: &'a HashMap<EventId, String>) -> Option<&'a str> {
    let text = line.strip_suffix(b"\n")?;
    let probe: Probe = serde_json::from_slice(text).ok()?;
    if probe.scrubbed.is_some() {
        return None;
    }
    tombstones.get(&probe.id).map(String::as_str)
}

/// Whether any line of `file` needs its tombstone: one read, no writes, so
/// a target holding nothing scrubbed is left as it is.
pub fn needs_rewrite(file: &mut File, tombstones: &HashMap<EventId, String>) -> io::Result<bool> {
    if tombstones.is_empty() {
        return Ok(false);
    }
    file.seek(SeekFrom::Start(0))?;
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(false);
        }
        if replacement(&line, tombstones).is_some() {
            return Ok(true);
        }
    }
}

/// Copies `from` into `to` with every line that needs it replaced by its
/// tombstone; everything else (bad lines, a torn last line) byte for byte.
fn copy_scrubbed(
    from: &mut File,
    to: &mut File,
    tombstones: &HashMap<EventId, String>,
) -> io::Result<()> {
    from.seek(SeekFrom::Start(0))?;
    let mut reader = BufReader::new(from);
    let mut out = io::BufWriter::new(to);
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        match replacement(&line, tombstones) {
            Some(tombstone) => {
                out.write_all(tombstone.as_bytes())?;
                out.write_all(b"\n")?;
            }
            None => out.write_all(&line)?,
        }
    }
    out.flush()
}

/// Rewrites the file at `path` (open as `file`) with tombstones in place of
/// the lines that need them, atomically; returns the new file, open for
/// reading and appending, locked if `lock` says so (taken before it
/// appears at `path`, so no one else can lock it first), or `None` when no
/// line needed it.
pub fn rewrite(
    path: &Path,
    file: &mut File,
    tombstones: &HashMap<EventId, String>,
    lock: bool,
) -> io::Result<Option<File>> {
    if !needs_rewrite(file, tombstones)? {
        return Ok(None);
    }
    let replaced = replace_atomically(path, |new| {
        copy_scrubbed(file, new, tombstones)?;
        if lock {
            new.lock()?;
        }
        Ok(())
    })?;
    Ok(Some(replaced))
}

/// Replaces the file at `path` with one that `fill` writes: a temporary
/// file in the same folder, with the old one's permissions, made durable,
/// then renamed over the old one. A crash at any point leaves either the
/// old file or the new one whole at `path` (at worst the temporary file
/// beside it, which the next replace removes).
pub fn replace_atomically(
    path: &Path,
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<File> {
    let temp = temp_path(path)?;
    // Left by a crash, or put there by someone else (a link, to make us
    // write elsewhere): never written through.
    match fs::remove_file(&temp) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut options = File::options();
    options.read(true).append(true).create_new(true);
    let mut new = file_kind::no_follow(&mut options).open(&temp)?;
    let written = (|| {
        new.set_permissions(fs::metadata(path)?.permissions())?;
        fill(&mut new)?;
        new.sync_all()?;
        fs::rename(&temp, path)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(e);
    }
    // The rename itself is durable once the folder is.
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir)?.sync_all()?;
    }
    Ok(new)
}

/// `.<name>.scrub` beside the file.
fn temp_path(path: &Path) -> io::Result<PathBuf> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    let mut temp = std::ffi::OsString::from(".");
    temp.push(name);
    temp.push(".scrub");
    Ok(path.with_file_name(temp))
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;
    use crate::domain::event::{Event, EventKind, NoteKind};
    use crate::domain::redaction::scrub;

    fn event(text: &str) -> Event {
        let mut s = crate::store::Store::open_in_memory().unwrap();
        let kind = EventKind::Note {
            note: NoteKind::Note,
            text: text.into(),
        };
        let inc = crate::domain::ids::IncidentId::generate();
        s.append(inc, None, "ana", kind).unwrap()
    }

    fn read(path: &Path) -> String {
        let mut s = String::new();
        File::open(path).unwrap().read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn only_the_lines_of_scrubbed_events_change_and_a_clean_file_is_not_touched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.jsonl");
        let (secret, other) = (event("password=hunter2"), event("keep me"));
        let before = format!(
            "{}\n{{not an event\n{}\n{}",
            secret.to_json(),
            other.to_json(),
            &other.to_json()[..10]
        );
        fs::write(&path, &before).unwrap();
        #[cfg(unix)]
        fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o640)).unwrap();
        let mut file = File::open(&path).unwrap();
        let absent = event("not in the file");
        let elsewhere = HashMap::from([(absent.id, scrub(&absent).to_json())]);
        assert!(
            rewrite(&path, &mut file, &elsewhere, false)
                .unwrap()
                .is_none()
        );
        assert_eq!(read(&path), before);
        let tombstone = scrub(&secret).to_json();
        let tombstones = HashMap::from([(secret.id, tombstone.clone())]);
        let mut new = rewrite(&path, &mut file, &tombstones, true)
            .unwrap()
            .expect("rewritten");
        let after = read(&path);
        assert_eq!(after, before.replacen(&secret.to_json(), &tombstone, 1));
        assert!(!after.contains("hunter2"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640, "the permissions are kept");
        }
        assert!(!needs_rewrite(&mut new, &tombstones).unwrap(), "done once");
        assert!(
            !dir.path().join(".shared.jsonl.scrub").exists(),
            "nothing left beside it"
        );
    }

    #[test]
    fn a_rewrite_that_dies_half_way_leaves_the_old_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.jsonl");
        let old = format!("{}\n{}\n", event("a").to_json(), event("b").to_json());
        fs::write(&path, &old).unwrap();
        let died = replace_atomically(&path, |new| {
            new.write_all(&old.as_bytes()[..old.len() / 2])?;
            Err(io::Error::other("killed"))
        });
        assert!(died.is_err());
        assert_eq!(read(&path), old);
        // As a kill -9 leaves it: the half-written file beside the old one.
        let temp = temp_path(&path).unwrap();
        fs::write(&temp, &old.as_bytes()[..old.len() / 2]).unwrap();
        assert_eq!(read(&path), old, "the old file is whole");
        replace_atomically(&path, |new| new.write_all(b"new\n")).unwrap();
        assert_eq!(read(&path), "new\n");
        assert!(!temp.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_planted_where_the_temporary_file_goes_is_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.jsonl");
        let elsewhere = dir.path().join("elsewhere");
        fs::write(&path, "old\n").unwrap();
        fs::write(&elsewhere, "mine\n").unwrap();
        std::os::unix::fs::symlink(&elsewhere, temp_path(&path).unwrap()).unwrap();
        replace_atomically(&path, |new| new.write_all(b"new\n")).unwrap();
        assert_eq!(read(&path), "new\n");
        assert_eq!(read(&elsewhere), "mine\n");
    }
}
