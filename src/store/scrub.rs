//! Scrubbing: the stored copy of a redacted event, and of every amendment
//! of it, replaced by its tombstone (`redaction::scrub`) in the transaction
//! that learns of the redaction, so the words leave this database. Whichever
//! arrives first, the redaction or its target, the target is stored
//! scrubbed, and a full copy arriving later never replaces the tombstone.
//!
//! Two tables: `redactions`, the target of every redaction known here (in
//! the log or held back), and `scrubs`, every event whose words this
//! database removed, numbered in the order it did: each sync target keeps
//! how far along it has rewritten its copies (`TargetState::scrubbed_to`).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension, params};

use super::{Store, StoreError, event_row, projection};
use crate::domain::event::{Event, EventKind};
use crate::domain::ids::{EventId, IncidentId};
use crate::domain::redaction::scrub;

/// The tables a stored event may be in.
const TABLES: [&str; 2] = ["events", "held_events"];

/// A redaction's target: an entry of the redaction's own incident (the
/// fold applies a correction within its incident only, so a redaction
/// naming another incident's event hides nothing and scrubs nothing).
type Target = (EventId, IncidentId);

/// What one write (an append, an import, a migration) scrubs.
pub(super) struct Scrubber {
    /// The target of every redaction known, with those of the write.
    targets: HashSet<Target>,
    /// Redactions this write brings whose targets were not known, and
    /// whether the redaction goes into the log (rather than being held
    /// back), so the projection hides the words as the scrub removes them.
    new_targets: Vec<(Target, bool)>,
    /// Amendments in this write of a known target.
    amendments: HashSet<EventId>,
    /// Events of this write that must be stored scrubbed but arrived whole:
    /// some sync target may hold them whole too.
    arrived_whole: Vec<Target>,
}

impl Scrubber {
    /// Reads the redactions known and notes those `batch` brings.
    pub fn load(conn: &Connection, batch: &[&Event]) -> Result<Scrubber, StoreError> {
        let mut targets = HashSet::new();
        {
            let mut stmt = conn.prepare_cached("SELECT target, incident FROM redactions")?;
            let rows =
                stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            for row in rows {
                let (target, incident) = row?;
                if let (Ok(target), Ok(incident)) = (target.parse(), incident.parse()) {
                    targets.insert((target, incident));
                }
            }
        }
        let mut new_targets = Vec::new();
        for e in batch {
            if let Some(EventKind::Redacted { target, .. }) = e.known()
                && targets.insert((*target, e.incident))
            {
                new_targets.push(((*target, e.incident), true));
            }
        }
        let amendments = batch
            .iter()
            .filter(|e| match e.known() {
                Some(EventKind::Amended { target, .. }) => targets.contains(&(*target, e.incident)),
                _ => false,
            })
            .map(|e| e.id)
            .collect();
        Ok(Scrubber {
            targets,
            new_targets,
            amendments,
            arrived_whole: Vec::new(),
        })
    }

    /// Notes that `e`, of the write, is held back rather than logged.
    pub fn held(&mut self, e: &Event) {
        if let Some(EventKind::Redacted { target, .. }) = e.known() {
            for (t, logged) in &mut self.new_targets {
                if *t == (*target, e.incident) {
                    *logged = false;
                }
            }
        }
    }

    /// `e` as it is to be stored: its tombstone when it is a redaction's
    /// target or an amendment of one.
    pub fn prepare<'e>(&mut self, e: &'e Event) -> Cow<'e, Event> {
        let target = (e.id, e.incident);
        let hidden =
            (self.targets.contains(&target) && hides(e)) || self.amendments.contains(&e.id);
        if !hidden {
            return Cow::Borrowed(e);
        }
        if e.seal.scrubbed.is_some() {
            return Cow::Borrowed(e);
        }
        self.arrived_whole.push(target);
        Cow::Owned(scrub(e))
    }

    /// Scrubs what was stored before this write: the targets of its new
    /// redactions and their amendments, and any copy of an event of the
    /// write that is stored whole. Notes every event scrubbed in `scrubs`.
    pub fn finish(mut self, conn: &Connection) -> Result<Scrubbed, StoreError> {
        let mut stored = Vec::new();
        for ((target, incident), logged) in std::mem::take(&mut self.new_targets) {
            conn.prepare_cached(
                "INSERT OR IGNORE INTO redactions (target, incident) VALUES (?1, ?2)",
            )?
            .execute([target.to_string(), incident.to_string()])?;
            stored.push(((target, incident), logged, true));
            for amendment in amendments_of(conn, target, incident)? {
                stored.push(((amendment, incident), logged, false));
            }
        }
        // A copy that came whole is in some target whole: it is noted, so
        // the targets rewrite it, even when ours was already a tombstone.
        let mut noted: Vec<EventId> = self.arrived_whole.iter().map(|t| t.0).collect();
        let whole = self.arrived_whole.iter().map(|t| (*t, true, false));
        let mut done = Scrubbed::default();
        for (target, logged, direct) in stored.into_iter().chain(whole) {
            if scrub_stored(conn, target, logged, direct)? {
                done.rewrote = true;
                noted.push(target.0);
                if !logged && !done.refold.contains(&target.1) {
                    done.refold.push(target.1);
                }
            }
        }
        noted.sort();
        noted.dedup();
        for id in noted {
            conn.prepare_cached("INSERT INTO scrubs (id) VALUES (?1)")?
                .execute([id.to_string()])?;
        }
        Ok(done)
    }
}

/// What a write scrubbed.
#[derive(Default)]
pub(super) struct Scrubbed {
    /// Whether a stored row was rewritten, so its old words may linger in
    /// the write-ahead log until a checkpoint.
    pub rewrote: bool,
    /// Incidents with words scrubbed that the projection does not hide
    /// yet (their redaction is held back): to be folded again from the
    /// log once the write's events are folded in.
    refold: Vec<IncidentId>,
}

impl Scrubbed {
    /// Folds again, from the log, each incident that needs it and was not
    /// folded again already by the projection.
    pub fn refold(&self, conn: &Connection) -> Result<(), StoreError> {
        for id in &self.refold {
            if projection::is_stale(conn, *id)? {
                projection::rebuild(conn, *id)?;
            }
        }
        Ok(())
    }
}

/// Whether a redaction naming `e` hides its words: it does for an entry,
/// not for a correction (an amendment, a pin...), which the fold does not
/// redact: scrubbing one would show words the log does not hide.
fn hides(e: &Event) -> bool {
    e.known().is_none_or(|k| k.corrects().is_none())
}

/// The amendments stored (in the log or held back) of `target`.
fn amendments_of(
    conn: &Connection,
    target: EventId,
    incident: IncidentId,
) -> Result<Vec<EventId>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM event_log
             WHERE kind IN ('redacted', 'amended') AND incident = ?1 AND kind = 'amended'
                 AND json_extract(body, '$.target') = ?2
         UNION
         SELECT id FROM held_events
             WHERE kind = 'amended' AND json_extract(json, '$.target') = ?2",
    )?;
    let rows = stmt.query_map(params![incident.to_string(), target.to_string()], |r| {
        r.get::<_, String>(0)
    })?;
    let mut out = Vec::new();
    for id in rows {
        if let Ok(id) = id?.parse() {
            out.push(id);
        }
    }
    Ok(out)
}

/// Replaces the stored copy of `id`, wherever it is, with its tombstone;
/// returns whether a row changed. A row that cannot be read is left as it
/// is: what in it is text cannot be told. `folded` says whether the
/// projection hides these words already (the redaction is in the log);
/// `direct`, whether a redaction names `id` itself (rather than the entry
/// it amends).
fn scrub_stored(
    conn: &Connection,
    (id, incident): Target,
    folded: bool,
    direct: bool,
) -> Result<bool, StoreError> {
    let mut changed = false;
    for table in TABLES {
        let json = stored_line(conn, table, id)?;
        let Some(Ok(stored)) = json.as_deref().map(Event::from_json) else {
            continue;
        };
        if stored.incident != incident || (direct && !hides(&stored)) {
            continue;
        }
        let scrubbed = scrub(&stored);
        let tombstone = scrubbed.to_json();
        if json.as_deref() == Some(tombstone.as_str()) {
            continue;
        }
        // A rewrite marks the incident to be folded from the log. When the
        // redaction is folded, the projection already hides these words,
        // so the mark is put back as it stood; when it is held back, the
        // incident is folded again (see `Scrubbed::refold`).
        let stale = projection::is_stale(conn, stored.incident)?;
        if table == "events" {
            event_row::replace_body(conn, &scrubbed)?;
        } else {
            conn.prepare_cached(&format!("UPDATE {table} SET json = ?2 WHERE id = ?1"))?
                .execute(params![id.to_string(), tombstone])?;
        }
        if !stale && folded {
            conn.prepare_cached("DELETE FROM stale WHERE incident = ?1")?
                .execute([stored.incident.to_string()])?;
        }
        changed = true;
    }
    Ok(changed)
}

/// The line of event `id` as `table` stores it: the log keeps an event's
/// envelope in columns and its body apart (see `event_row`), held events
/// keep the line whole.
fn stored_line(conn: &Connection, table: &str, id: EventId) -> Result<Option<String>, StoreError> {
    if table == "events" {
        return Ok(event_row::find(conn, &id.to_string())?.map(|s| s.line()));
    }
    Ok(conn
        .prepare_cached(&format!("SELECT json FROM {table} WHERE id = ?1"))?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?)
}

/// Learns every redaction already stored and scrubs its targets: for a
/// database that kept redacted words before scrubbing existed. Returns
/// whether a stored row was rewritten.
pub(super) fn scrub_existing(conn: &Connection) -> Result<bool, StoreError> {
    let mut redactions = Vec::new();
    event_row::each_where(conn, "kind = 'redacted'", [], |row| {
        // One that cannot be read is left out, as the fold leaves it out.
        redactions.extend(row.event().ok());
        Ok(())
    })?;
    let mut held = Vec::new();
    let mut stmt = conn.prepare("SELECT json FROM held_events WHERE kind = 'redacted'")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    for json in rows {
        if let Ok(e) = Event::from_json(&json?) {
            held.push(e.id);
            redactions.push(e);
        }
    }
    let batch: Vec<&Event> = redactions.iter().collect();
    let mut scrubber = Scrubber::load(conn, &batch)?;
    for e in redactions.iter().filter(|e| held.contains(&e.id)) {
        scrubber.held(e);
    }
    let scrubbed = scrubber.finish(conn)?;
    scrubbed.refold(conn)?;
    Ok(scrubbed.rewrote)
}

impl Store {
    /// How many scrubs this database has made: a sync target whose mark
    /// is below it may hold words that are gone from here.
    pub fn scrub_mark(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT COALESCE(MAX(n), 0) FROM scrubs")?
            .query_row([], |r| r.get(0))?)
    }

    /// The tombstone line of every event this database has scrubbed, by
    /// id, for a sync target to put in place of the lines it holds.
    pub fn scrubbed_lines(&self) -> Result<HashMap<EventId, String>, StoreError> {
        let mut out = HashMap::new();
        event_row::each_where(&self.conn, "id IN (SELECT id FROM scrubs)", [], |row| {
            if let Ok(id) = row.id.parse() {
                out.insert(id, row.line());
            }
            Ok(())
        })?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, json FROM held_events WHERE id IN (SELECT id FROM scrubs)",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (id, json) = row?;
            if let Ok(id) = id.parse() {
                out.insert(id, json);
            }
        }
        Ok(out)
    }

    /// After words were scrubbed: copies the write-ahead log into the
    /// database and empties it, since its older frames still hold the
    /// pages as they were (`secure_delete` zeroes what is freed in the
    /// database itself). Best effort, briefly: a reader holding an old
    /// snapshot makes it wait for the next scrub or SQLite's own
    /// checkpoint.
    pub(super) fn forget_old_pages(&self) {
        let _ = self.conn.busy_timeout(std::time::Duration::from_secs(2));
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        let _ = self.conn.busy_timeout(super::open::BUSY_TIMEOUT);
    }

    /// After the first scrub of a database kept before `secure_delete` was
    /// on: its free space may still hold words freed back then, so it is
    /// rebuilt once (`VACUUM`), then the write-ahead log emptied. Best
    /// effort: with another connection reading, `VACUUM` cannot run, and
    /// that free space stays until SQLite reuses it.
    pub(super) fn forget_freed_pages(&self) {
        let _ = self.conn.execute_batch("VACUUM");
        self.forget_old_pages();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::{declare, note};

    const SECRET: &str = "hunter2";

    fn redact(target: EventId) -> EventKind {
        EventKind::Redacted {
            target,
            reason: "a pasted secret".into(),
        }
    }

    /// Every row of every table, as text.
    fn dump(store: &Store) -> String {
        let conn = store.connection();
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut out = String::new();
        for t in tables {
            let mut stmt = conn.prepare(&format!("SELECT * FROM {t}")).unwrap();
            let n = stmt.column_count();
            let mut rows = stmt.query([]).unwrap();
            while let Some(r) = rows.next().unwrap() {
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i).unwrap();
                    out.push_str(&format!("{v:?} "));
                }
                out.push('\n');
            }
        }
        out
    }

    /// A database in a folder of its own, with an incident declared and a
    /// secret noted in it.
    fn on_disk() -> (tempfile::TempDir, std::path::PathBuf, Store, Event) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fireground.db");
        let mut s = Store::open(&path).unwrap();
        let inc = declare(&mut s);
        let secret = s
            .append(inc, None, "ana", note(&format!("psql password={SECRET}")))
            .unwrap();
        (dir, path, s, secret)
    }

    /// The files in `dir` whose bytes hold the secret, as `grep` finds them.
    fn holding_secret(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|f| f.unwrap().path())
            .filter(|f| {
                let bytes = std::fs::read(f).unwrap();
                bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes())
            })
            .collect()
    }

    /// Two empty databases but for a secret noted in the first.
    fn two_laptops() -> (Store, Store, Event) {
        let mut a = Store::open_in_memory().unwrap();
        let inc = declare(&mut a);
        let secret = a.append(inc, None, "ana", note(SECRET)).unwrap();
        (a, Store::open_in_memory().unwrap(), secret)
    }

    #[test]
    fn a_redacted_note_and_its_amendment_leave_every_table_and_the_file() {
        let (dir, _, mut s, secret) = on_disk();
        let inc = secret.incident;
        let amend = EventKind::Amended {
            target: secret.id,
            text: format!("psql -W # was {SECRET}"),
        };
        s.append(inc, None, "ana", amend).unwrap();
        for i in 0..50 {
            s.append(inc, None, "ana", note(&format!("filler {i}")))
                .unwrap();
        }
        assert!(dump(&s).contains(SECRET));
        s.append(inc, None, "ana", redact(secret.id)).unwrap();
        assert!(!dump(&s).contains(SECRET), "{}", dump(&s));
        let stored = s.events(inc).unwrap();
        assert!(stored.contains(&scrub(&secret)), "the tombstone");
        assert!(
            projection::stale(s.connection()).unwrap().is_empty(),
            "the projection still holds"
        );
        assert_eq!(s.scrub_mark().unwrap(), 2, "the note and its amendment");
        drop(s);
        assert_eq!(holding_secret(dir.path()), Vec::<std::path::PathBuf>::new());
    }

    #[test]
    fn a_redaction_imported_before_its_target_scrubs_the_target_when_it_comes() {
        let (mut a, mut b, secret) = two_laptops();
        let inc = secret.incident;
        let redaction = a.append(inc, None, "ana", redact(secret.id)).unwrap();
        let declared = a.events(inc).unwrap()[0].clone();
        b.import([&declared, &redaction]).unwrap();
        b.import([&secret]).unwrap();
        assert!(!dump(&b).contains(SECRET));
        assert_eq!(b.incident(inc).unwrap(), a.incident(inc).unwrap());
        assert_eq!(
            b.scrub_mark().unwrap(),
            1,
            "came whole, so a target may hold it"
        );
    }

    #[test]
    fn a_whole_copy_of_an_event_held_scrubbed_never_brings_its_words_back() {
        let (mut a, mut b, secret) = two_laptops();
        let inc = secret.incident;
        b.import(&a.events(inc).unwrap()).unwrap();
        a.append(inc, None, "ana", redact(secret.id)).unwrap();
        b.import(&a.events(inc).unwrap()).unwrap();
        assert!(!dump(&b).contains(SECRET));
        let mark = b.scrub_mark().unwrap();
        b.import([&secret]).unwrap();
        assert!(!dump(&b).contains(SECRET));
        assert!(
            b.scrub_mark().unwrap() > mark,
            "the whole copy is noted for the targets"
        );
    }

    #[test]
    fn a_database_with_redactions_from_before_scrubbing_is_scrubbed_as_it_upgrades() {
        let (_dir, _, mut s, secret) = on_disk();
        s.append(secret.incident, None, "ana", redact(secret.id))
            .unwrap();
        // As an older build left it: the words stored, no scrub tables.
        let events: Vec<Event> = s
            .events(secret.incident)
            .unwrap()
            .into_iter()
            .map(|e| if e.id == secret.id { secret.clone() } else { e })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v6.db");
        drop(crate::store::tests::database_of_schema(6, &path, &events));
        assert_eq!(holding_secret(dir.path()), vec![path.clone()]);
        let s = Store::open(&path).unwrap();
        assert!(!dump(&s).contains(SECRET));
        assert_eq!(s.scrubbed_lines().unwrap().len(), 1);
        assert_eq!(holding_secret(dir.path()), Vec::<std::path::PathBuf>::new());
    }
}
