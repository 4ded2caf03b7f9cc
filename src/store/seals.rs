//! Sealing this replica's events and judging everyone else's: the keys
//! known, the chain of each replica, and the quarantine of what was refused
//! (the rules are `domain::admission`'s).

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreError, event_row};
use crate::domain::admission::{self, Facts, KnownKey, Quarantine, Verdict};
use crate::domain::event::Event;
use crate::domain::ids::ReplicaId;
use crate::domain::seal::{Digest, Keys, PublicKey, event_digest};
use crate::domain::text::single_line;

const SECRET: &str = "signing_key";

/// Gives a database its own key pair, once.
pub(super) fn make_own_key(conn: &Connection) -> Result<(), StoreError> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| StoreError::NoKey(e.to_string()))?;
    conn.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)",
        params![SECRET, Digest(secret).to_string()],
    )?;
    Ok(())
}

/// This replica's key pair.
pub(super) fn own_keys(conn: &Connection) -> Result<Keys, StoreError> {
    let hex: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([SECRET], |r| r.get(0))
        .optional()?;
    let secret = hex
        .as_deref()
        .and_then(Digest::parse)
        .ok_or_else(|| StoreError::NoKey("the database holds no readable key".into()))?;
    Ok(Keys::from_secret(&secret.0))
}

/// Signs `e`, this replica's next event, linking it to the one before. The
/// first event this replica signs carries its public key, for others to
/// learn.
pub(super) fn seal_own(conn: &Connection, e: &mut Event) -> Result<(), StoreError> {
    let keys = own_keys(conn)?;
    let prev = digests_at(conn, e.replica, e.seq.wrapping_sub(1))?
        .into_iter()
        .next();
    if known_key(conn, e.replica)?.is_none() {
        save_key(conn, e.replica, &keys.public(), e.seq, false)?;
        e.seal.key = Some(keys.public());
    }
    keys.seal(e, prev);
    Ok(())
}

/// The digests of a replica's stored events with sequence number `seq`.
fn digests_at(conn: &Connection, replica: ReplicaId, seq: u64) -> Result<Vec<Digest>, StoreError> {
    if seq == 0 {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    event_row::each_where(
        conn,
        "replica = ?1 AND seq = ?2",
        params![replica.to_string(), seq as i64],
        |row| {
            // A row that does not read cannot vouch for what follows it.
            if let Ok(e) = row.event() {
                out.push(event_digest(&e));
            }
            Ok(())
        },
    )?;
    Ok(out)
}

fn known_key(conn: &Connection, replica: ReplicaId) -> Result<Option<KnownKey>, StoreError> {
    let row: Option<(String, i64, bool)> = conn
        .prepare_cached("SELECT key, first_signed, pinned FROM replica_keys WHERE replica = ?1")?
        .query_row([replica.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    Ok(row.and_then(|(key, first, pinned)| {
        Some(KnownKey {
            key: PublicKey::parse(&key)?,
            first_signed: first.max(0) as u64,
            pinned,
        })
    }))
}

fn save_key(
    conn: &Connection,
    replica: ReplicaId,
    key: &PublicKey,
    first_signed: u64,
    pinned: bool,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO replica_keys (replica, key, first_signed, pinned) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (replica) DO UPDATE SET key = excluded.key, pinned = excluded.pinned",
    )?
    .execute(params![
        replica.to_string(),
        key.to_string(),
        first_signed as i64,
        pinned
    ])?;
    Ok(())
}

/// Pins `key` as `replica`'s: from now on only events it signed are let in
/// as that replica's, whatever was learned before.
pub fn pin(conn: &Connection, replica: ReplicaId, key: &PublicKey) -> Result<(), StoreError> {
    let first = known_key(conn, replica)?.map_or(1, |k| k.first_signed);
    save_key(conn, replica, key, first, true)
}

/// Judges a batch of incoming events in order, remembering what each
/// admitted one tells about the next.
#[derive(Default)]
pub(super) struct Gate {
    keys: HashMap<ReplicaId, Option<KnownKey>>,
    /// Each replica's latest admitted event in this batch: its sequence
    /// number and digest, so a run of one replica's events reads no rows.
    last: HashMap<ReplicaId, (u64, Digest)>,
    /// The events admitted in this batch, not yet in the log: a second
    /// copy of one in the same batch is judged against the first.
    admitted: HashMap<crate::domain::ids::EventId, Digest>,
}

impl Gate {
    /// A writer's known key, read once per batch.
    fn key(
        &mut self,
        conn: &Connection,
        replica: ReplicaId,
    ) -> Result<Option<KnownKey>, StoreError> {
        if let Some(k) = self.keys.get(&replica) {
            return Ok(*k);
        }
        let k = known_key(conn, replica)?;
        self.keys.insert(replica, k);
        Ok(k)
    }

    /// For each of a batch of events, its digest and whether a checked
    /// signature further along its writer's chain vouches for it (see
    /// `admission::vouched`).
    pub fn survey(
        &mut self,
        conn: &Connection,
        events: &[&Event],
    ) -> Result<(Vec<Digest>, Vec<bool>), StoreError> {
        let digests: Vec<Digest> = events.iter().map(|e| event_digest(e)).collect();
        for e in events {
            self.key(conn, e.replica)?;
        }
        let vouched = admission::vouched(events, &digests, |r| {
            self.keys.get(&r).copied().flatten().map(|k| k.key)
        });
        Ok((digests, vouched))
    }

    pub fn judge(
        &mut self,
        conn: &Connection,
        e: &Event,
        owner: Option<ReplicaId>,
        vouched: bool,
    ) -> Result<Verdict, StoreError> {
        let id = e.id.to_string();
        // Nearly every event imported is new: ask the index first, and
        // read the row (through the view) only when the id is there.
        let present: bool = conn
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM events WHERE id = ?1)")?
            .query_row([&id], |r| r.get(0))?;
        let stored = match present {
            true => event_row::find(conn, &id)?,
            false => None,
        };
        let held = stored
            .and_then(|row| row.event().ok())
            .map(|h| event_digest(&h))
            .or_else(|| self.admitted.get(&e.id).copied());
        let key = self.key(conn, e.replica)?;
        let before = match self.last.get(&e.replica) {
            Some((seq, digest)) if *seq + 1 == e.seq => vec![*digest],
            _ if held.is_some() => Vec::new(),
            _ => digests_at(conn, e.replica, e.seq.wrapping_sub(1))?,
        };
        Ok(admission::admit(
            e,
            &Facts {
                key,
                held,
                before: &before,
                owner,
                vouched,
            },
        ))
    }

    /// Records that `e`, of digest `digest`, was let in, and the key it
    /// taught.
    pub fn admitted(
        &mut self,
        conn: &Connection,
        e: &Event,
        digest: Digest,
        verdict: Verdict,
    ) -> Result<(), StoreError> {
        if let Verdict::Learn(key) = verdict {
            save_key(conn, e.replica, &key, e.seq, false)?;
            self.keys.insert(
                e.replica,
                Some(KnownKey {
                    key,
                    first_signed: e.seq,
                    pinned: false,
                }),
            );
        }
        self.last.insert(e.replica, (e.seq, digest));
        self.admitted.insert(e.id, digest);
        Ok(())
    }
}

/// Keeps a refused event apart; returns whether it was not already there.
pub(super) fn quarantine(
    conn: &Connection,
    e: &Event,
    why: Quarantine,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let added = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO quarantine (id, replica, author, incident, reason, json, seen_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            e.id.to_string(),
            e.replica.to_string(),
            e.author,
            e.incident.to_string(),
            why.code(),
            e.to_json(),
            now_ms
        ])?;
    Ok(added > 0)
}

/// Events refused at import, by writer, name and reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptApart {
    pub replica: ReplicaId,
    pub author: String,
    pub why: Quarantine,
    pub events: u64,
}

/// What `verify` found.
#[derive(Clone, Debug)]
pub struct Verified {
    pub own: ReplicaId,
    pub writers: Vec<crate::domain::verification::Writer>,
    pub kept_apart: Vec<KeptApart>,
}

impl super::Store {
    /// Checks every stored event's signature and chain link, counting
    /// those of `only` when given, and lists what was quarantined.
    pub fn verify(
        &self,
        only: Option<crate::domain::ids::IncidentId>,
    ) -> Result<Verified, StoreError> {
        use crate::domain::verification::Verifier;
        let conn = &self.conn;
        let mut keys: HashMap<ReplicaId, Option<KnownKey>> = HashMap::new();
        let mut verifier = Verifier::new(only);
        // The writers of the incident asked about, all of their chains.
        event_row::each_where(
            conn,
            "?1 IS NULL OR replica IN (SELECT replica FROM event_log WHERE incident = ?1)
             ORDER BY replica, seq, id",
            [only.map(|i| i.to_string())],
            |row| {
                // Rows that do not read are counted by every other read.
                let Ok(e) = row.event() else {
                    return Ok(());
                };
                let key = match keys.get(&e.replica) {
                    Some(k) => *k,
                    None => *keys.entry(e.replica).or_insert(known_key(conn, e.replica)?),
                };
                verifier.feed(&e, key);
                Ok(())
            },
        )?;
        let (mut writers, suspects) = verifier.finish();
        // Only a run whose closing signature failed is read again, to name
        // the events that fail on their own.
        for s in suspects {
            let Some(key) = keys.get(&s.replica).copied().flatten() else {
                continue;
            };
            event_row::each_where(
                conn,
                "replica = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq, id",
                params![s.replica.to_string(), s.from as i64, s.to as i64],
                |row| {
                    if let Ok(e) = row.event() {
                        Verifier::recheck(&mut writers, only, &e, &key);
                    }
                    Ok(())
                },
            )?;
        }
        let mut stmt = conn.prepare(
            "SELECT replica, author, reason, COUNT(*) FROM quarantine
             WHERE ?1 IS NULL OR incident = ?1
             GROUP BY replica, author, reason ORDER BY replica, author, reason",
        )?;
        let kept_apart = stmt
            .query_map([only.map(|i| i.to_string())], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })?
            .filter_map(|row| {
                let (replica, author, why, n) = row.ok()?;
                Some(KeptApart {
                    replica: replica.parse().ok()?,
                    author,
                    why: Quarantine::from_code(&why)?,
                    events: n.max(0) as u64,
                })
            })
            .collect();
        Ok(Verified {
            own: self.replica,
            writers,
            kept_apart,
        })
    }

    /// How many events were kept apart at import, all told.
    pub fn kept_apart(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM quarantine", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// Pins the keys of a `keys` file (see [`parse_pins`]); returns how
    /// many changed.
    pub fn pin_keys(&self, pins: &[(ReplicaId, PublicKey)]) -> Result<usize, StoreError> {
        let mut changed = 0;
        for (replica, key) in pins {
            let known = known_key(&self.conn, *replica)?;
            if known.is_some_and(|k| k.pinned && k.key == *key) {
                continue;
            }
            pin(&self.conn, *replica, key)?;
            changed += 1;
        }
        Ok(changed)
    }

    /// This replica's line for a `keys` file.
    pub fn own_key_line(&self, name: &str) -> Result<String, StoreError> {
        let key = own_keys(&self.conn)?.public();
        Ok(format!("{} {key} {}", self.replica, single_line(name)))
    }
}

/// The pins of a `keys` file: a line each, `<replica> <public key> [name]`;
/// blank lines and `#` comments are skipped, and so are lines that do not
/// read (returned, by line number, for a warning).
pub fn parse_pins(text: &str) -> (Vec<(ReplicaId, PublicKey)>, Vec<usize>) {
    let (mut pins, mut bad) = (Vec::new(), Vec::new());
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let pin = (|| {
            Some((
                words.next()?.parse().ok()?,
                PublicKey::parse(words.next()?)?,
            ))
        })();
        match pin {
            Some(p) => pins.push(p),
            None => bad.push(i + 1),
        }
    }
    (pins, bad)
}
