//! The timeline as plain text, for a terminal or a printer.

use std::fmt::Write;

use crate::domain::incident::Incident;
use crate::domain::when::human_duration;
use crate::zone::Zone;

/// Options for the text timeline.
#[derive(Clone, Copy, Debug)]
pub struct TextOptions {
    pub zone: Zone,
    /// Show each entry's short ref (for amend, redact, pin).
    pub refs: bool,
}

/// The timeline, one line an entry, with a date line wherever the day
/// changes.
pub fn timeline(inc: &Incident, opts: TextOptions) -> String {
    let mut out = String::new();
    let zone = opts.zone;
    let end = inc.resolved_at.unwrap_or(inc.last_activity);
    let _ = writeln!(out, "{} {} — {}", inc.id.short(), inc.severity, inc.title);
    let _ = writeln!(
        out,
        "Declared {} {} by {}; {} ({}); times in {}",
        zone.date_hm(inc.declared_at),
        zone.label(inc.declared_at),
        inc.declared_by,
        if inc.is_resolved() {
            "resolved"
        } else {
            "open"
        },
        human_duration(end - inc.declared_at),
        zone.label(inc.declared_at),
    );
    let mut day = None;
    for e in &inc.timeline {
        let d = zone.date(e.at);
        if day != Some(d) {
            let _ = writeln!(out, "\n── {} ──", d.format("%A %Y-%m-%d"));
            day = Some(d);
        }
        let r = if opts.refs {
            format!("#{} ", e.id.short())
        } else {
            String::new()
        };
        let mark = if e.amended { " (amended)" } else { "" };
        let _ = writeln!(
            out,
            "{r}{} {:<12} {:<11} {}{mark}",
            zone.hm(e.at),
            e.author,
            e.kind.label(),
            e.text.replace('\n', "\n                           ")
        );
    }
    out
}
