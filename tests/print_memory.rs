//! Printing a log ten times longer takes about the same memory, in every
//! format: `print` renders each entry as its row is read, and holds only
//! what a review lists (updates, CAN reports, handovers, the entries that
//! are not notes).
//!
//! Measured in this process, from the kernel's high-water mark of its
//! resident memory (`VmHWM`, reset through `/proc/self/clear_refs`), so
//! it is a test binary of its own: nothing else runs beside it. No time is
//! measured.

#![cfg(all(target_os = "linux", target_env = "gnu"))]

#[path = "../benches/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};

use fireground::cli::print_into;
use fireground::store::Store;

/// A field of `/proc/self/status`, in KiB.
fn status_kib(field: &str) -> i64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"))
}

/// A database holding the benchmarks' incident at `events` events, made
/// and then let go of, so that what printing needs shows as new memory.
fn seeded(dir: &Path, events: usize) -> PathBuf {
    let db = dir.join(format!("{events}.db"));
    let (_, log) = support::incident_events(events);
    Store::open(&db).unwrap().import(&log).unwrap();
    db
}

/// How much more memory than before it printing took at its peak, in KiB.
fn printing_takes(db: &Path, format: &str) -> i64 {
    let (ctx, args) = support::printing(db, &["--format", format]);
    // SAFETY: malloc_trim only gives freed memory back to the system.
    unsafe { libc::malloc_trim(0) };
    let before = status_kib("VmRSS");
    // "5" resets the peak to what is resident now.
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    print_into(&ctx, &args, &mut std::io::sink()).unwrap();
    status_kib("VmHWM") - before
}

#[test]
fn printing_a_log_ten_times_longer_takes_about_the_same_memory() {
    let dir = tempfile::tempdir().unwrap();
    let short = seeded(dir.path(), 2_000);
    let long = seeded(dir.path(), 20_000);
    for format in ["text", "markdown", "html", "json"] {
        let (a, b) = (
            printing_takes(&short, format),
            printing_takes(&long, format),
        );
        // Held whole, the longer log took some 15 MiB more for text and 35
        // more for JSON; streamed, what grows is the few entries a review
        // lists, a few hundred KiB.
        assert!(
            b < a + 4 * 1024,
            "{format}: {a} KiB more for 2,000 events, {b} KiB more for 20,000"
        );
    }
}
