//! Opening a database that cannot be written: on a full disk, a read-only
//! file or file system, the state must still be readable in an incident.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::StoreError;

/// A read-only connection to the database at `path`, and a warning when
/// what it shows may be behind.
pub fn open(path: &Path) -> Result<(Connection, Option<&'static str>), StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    // A read-only WAL database still needs its shared-memory file; where that
    // cannot be created either, it is read as an immutable file instead.
    if let Ok(conn) = Connection::open_with_flags(path, flags)
        && readable(&conn)
    {
        return Ok((conn, None));
    }
    let conn =
        Connection::open_with_flags(immutable_uri(path), flags | OpenFlags::SQLITE_OPEN_URI)?;
    // Immutable reads the main file only: writes still in the WAL are not
    // seen. A WAL is empty after a clean close, so this is rare.
    let wal = path.with_file_name(format!(
        "{}-wal",
        path.file_name().unwrap_or_default().to_string_lossy()
    ));
    let behind = std::fs::metadata(wal).is_ok_and(|m| m.len() > 0);
    Ok((
        conn,
        behind.then_some("the latest writes, still in its -wal file, may be missing"),
    ))
}

/// Shows the log of a database older than schema 9, which cannot be
/// migrated here, as `event_log` shows the latest: temporary views, which
/// need no write to the file. A row that cannot be read is left out when
/// read, as in the latest. The body is the line without the envelope's
/// fields (the seal's kept in it), as SQLite spells it: good to read, though not byte for byte the
/// line (nothing is synced from a database that cannot be written).
pub fn show_as_latest(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TEMP VIEW event_log AS
             SELECT rowid, id, incident, replica, seq, hlc_ms, hlc_c, at_ms, kind,
                 COALESCE(CASE WHEN json_valid(json) THEN json ->> '$.author' END, '')
                     AS author,
                 COALESCE(CASE WHEN json_valid(json) THEN CAST(json ->> '$.v' AS INTEGER) END, -1)
                     AS v,
                 CASE WHEN json_valid(json)
                     THEN json_remove(json, '$.v', '$.id', '$.incident', '$.replica', '$.seq',
                         '$.hlc', '$.at', '$.author')
                     ELSE json END AS body,
                 NULL AS prev, NULL AS sig, NULL AS scrubbed, NULL AS key
             FROM main.events",
    )?;
    Ok(())
}

/// Why nothing can be written where the database lives, if the file system
/// says: SQLite reports both as a bare I/O error when it cannot even create
/// its shared-memory file.
pub fn unwritable(path: &Path) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty())?;
        let c_dir = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
        let mut fs = std::mem::MaybeUninit::<libc::statvfs>::uninit();
        // SAFETY: a valid C string and a buffer of the right type.
        if unsafe { libc::statvfs(c_dir.as_ptr(), fs.as_mut_ptr()) } != 0 {
            return None;
        }
        // SAFETY: statvfs returned 0, so it filled the buffer.
        let fs = unsafe { fs.assume_init() };
        if fs.f_flag & libc::ST_RDONLY != 0 {
            return Some("its file system is read-only");
        }
        if fs.f_bavail == 0 {
            return Some("its disk is full");
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    None
}

fn readable(conn: &Connection) -> bool {
    conn.query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .is_ok()
}

/// `file:` URI for `path` with `immutable=1`, escaping what a URI reserves.
fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for c in path.to_string_lossy().chars() {
        match c {
            '?' | '#' | '%' => uri.push_str(&format!("%{:02X}", c as u32)),
            _ => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_characters_in_a_path_are_escaped() {
        assert_eq!(
            immutable_uri(Path::new("/a b/x?y#z%.db")),
            "file:/a b/x%3Fy%23z%25.db?immutable=1"
        );
    }
}
