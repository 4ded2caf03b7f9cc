//! Sync over one shared JSON Lines file that every responder can reach (a
//! network share, a synced folder). Anyone may append; appends happen under
//! an exclusive lock, reads need none.

use std::fs::File;
use std::path::Path;

use super::SyncError;
use super::reader::cursor_holds;
use super::session::{Session, append_outgoing, file_error};

/// The cursor name of the one file this target has.
const NAME: &str = "";

pub fn sync(session: &mut Session<'_>, path: &Path) -> Result<(), SyncError> {
    let label = path.display().to_string();
    let fail = |e| file_error(&label, e);
    let mut file = File::options()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .map_err(fail)?;
    session.check_cursors(|_, cursor| cursor_holds(&mut file, cursor).map_err(fail))?;

    // Reading needs no lock, so a large import does not hold up writers,
    // and a sync with nothing to write never waits for one.
    session.pull(NAME, &mut file, &label)?;
    if let Some(row) = session.up_to_date()? {
        session.pushed(row, 0);
        return Ok(());
    }
    // What others append meanwhile is read under the lock, before writing.
    file.lock().map_err(fail)?;
    session.pull(NAME, &mut file, &label)?;
    let out = append_outgoing(session, NAME, &mut file, &label)?;
    file.unlock().map_err(fail)?;
    session.pushed(out.last_rowid, out.count);
    Ok(())
}
