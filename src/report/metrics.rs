//! `fireground report` for people: the figures of [`crate::domain::metrics`]
//! as an aligned text table or GitHub tables, each incident a row, then
//! the totals. (JSON is the report itself, through [`super::json::pretty`].)

use chrono::Duration;

use crate::domain::metrics::{Report, Row, Spread, Totals};
use crate::domain::text::{single_line, truncate, width};
use crate::domain::when::human_duration;
use crate::zone::Zone;

use super::markdown::inline;

/// The widest a title may be in the text table.
const TITLE_WIDTH: usize = 28;
/// The widest a category may be in the text table: the default
/// playbook's names fit.
const CATEGORY_WIDTH: usize = 22;

const HEAD: [&str; 11] = [
    "REF",
    "SEV",
    "CATEGORY",
    "TITLE",
    "DECLARED",
    "TO DECLARE",
    "TO 1ST UPDATE",
    "TO MITIGATE",
    "TO RESOLVE",
    "ON TIME",
    "REOPENED",
];

/// `1h 05m`, or `—` for none.
pub fn duration(d: Option<Duration>) -> String {
    d.map_or_else(|| "—".to_string(), human_duration)
}

/// "since 2026-09-02 14:00 UTC" or "" for all time.
fn window(report: &Report, zone: Zone) -> String {
    match report.since {
        Some(c) => format!(" since {} {}", zone.date_hm(c), zone.label(c)),
        None => String::new(),
    }
}

/// What to say when no incident was declared in the window.
pub fn nothing(report: &Report, zone: Zone) -> String {
    match report.since {
        Some(_) => format!("No incidents{}.", window(report, zone)),
        None => "No incidents yet.".to_string(),
    }
}

/// A row's cells; `cut` fits the texts to the text table's columns.
fn cells(r: &Row, zone: Zone, cut: bool) -> [String; 11] {
    let fit = |s: String, max: usize| if cut { truncate(&s, max) } else { s };
    let category = r.category.as_deref().map_or("—".to_string(), single_line);
    [
        r.r#ref.clone(),
        single_line(&r.severity),
        fit(category, CATEGORY_WIDTH),
        fit(single_line(&r.title), TITLE_WIDTH),
        zone.date_hm(r.declared_at),
        duration(r.time_to_declare),
        duration(r.time_to_first_update),
        duration(r.time_to_mitigate),
        duration(r.time_to_resolve),
        r.adherence.label(),
        r.reopened.to_string(),
    ]
}

fn counts(map: &std::collections::BTreeMap<String, usize>) -> String {
    map.iter()
        .map(|(k, n)| format!("{} {n}", single_line(k)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    crate::domain::text::plural(n as u64, one, many)
}

/// "5/7 (71%)", or "none due".
fn adherence(t: &Totals) -> String {
    match t.adherence_fraction {
        Some(f) => format!(
            "{}/{} ({:.0}%)",
            t.adherence.on_time,
            t.adherence.due,
            f * 100.0
        ),
        None => "none due".to_string(),
    }
}

fn spreads(t: &Totals) -> [(&'static str, &Spread); 4] {
    [
        ("Time to declare", &t.time_to_declare),
        ("Time to first update", &t.time_to_first_update),
        ("Time to mitigate", &t.time_to_mitigate),
        ("Time to resolve", &t.time_to_resolve),
    ]
}

/// The facts of the totals block, label and value.
fn facts(t: &Totals) -> Vec<(&'static str, String)> {
    vec![
        (
            "Incidents",
            format!("{} ({} resolved, {} open)", t.incidents, t.resolved, t.open),
        ),
        (
            "Reopened",
            format!(
                "{} ({})",
                plural(t.reopened_incidents, "incident", "incidents"),
                plural(t.reopenings, "reopening", "reopenings")
            ),
        ),
        ("By severity", counts(&t.by_severity)),
        ("By category", counts(&t.by_category)),
        ("Updates on time", adherence(t)),
    ]
}

/// Cells padded to their column's width, two spaces apart.
fn aligned(rows: &[Vec<String>]) -> String {
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| width(&r[c])).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            line.push_str(&" ".repeat(widths[c] - width(cell)));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The report as aligned text for a terminal.
pub fn text(report: &Report, zone: Zone) -> String {
    if report.incidents.is_empty() {
        return format!("{}\n", nothing(report, zone));
    }
    let mut out = format!(
        "Incidents declared{}; times in {}\n\n",
        window(report, zone),
        zone.label(report.now)
    );
    let mut table = vec![HEAD.map(str::to_string).to_vec()];
    table.extend(
        report
            .incidents
            .iter()
            .map(|r| cells(r, zone, true).to_vec()),
    );
    out.push_str(&aligned(&table));
    out.push('\n');
    let t = &report.totals;
    let facts = facts(t);
    let label = facts.iter().map(|(l, _)| l.len() + 1).max().unwrap_or(0);
    for (l, v) in &facts {
        out.push_str(&format!("{:<label$}  {v}\n", format!("{l}:")));
    }
    out.push('\n');
    let mut spread = vec![vec![
        String::new(),
        "MEDIAN".to_string(),
        "P90".to_string(),
        "OF".to_string(),
    ]];
    spread.extend(spreads(t).iter().map(|(l, s)| {
        vec![
            l.to_string(),
            duration(s.median),
            duration(s.p90),
            s.count.to_string(),
        ]
    }));
    out.push_str(&aligned(&spread));
    out.push_str(&format!(
        "\nMedian and p90 are nearest-rank, shown from {} values up.\n",
        crate::domain::metrics::MIN_FOR_PERCENTILES
    ));
    out
}

fn md_row(out: &mut String, cells: &[String]) {
    out.push('|');
    for c in cells {
        out.push(' ');
        out.push_str(&inline(c));
        out.push_str(" |");
    }
    out.push('\n');
}

fn md_table(out: &mut String, head: &[&str], rows: impl Iterator<Item = Vec<String>>) {
    md_row(out, &head.iter().map(|h| h.to_string()).collect::<Vec<_>>());
    out.push('|');
    for _ in head {
        out.push_str(" --- |");
    }
    out.push('\n');
    for r in rows {
        md_row(out, &r);
    }
}

/// The report as GitHub-flavoured markdown tables.
pub fn markdown(report: &Report, zone: Zone) -> String {
    if report.incidents.is_empty() {
        return format!("{}\n", inline(&nothing(report, zone)));
    }
    let mut out = format!(
        "# Incident report\n\nIncidents declared{}; times in {}.\n\n## Incidents\n\n",
        inline(&window(report, zone)),
        zone.label(report.now)
    );
    let head = [
        "Ref",
        "Severity",
        "Category",
        "Title",
        "Declared",
        "To declare",
        "To first update",
        "To mitigate",
        "To resolve",
        "On time",
        "Reopened",
    ];
    md_table(
        &mut out,
        &head,
        report
            .incidents
            .iter()
            .map(|r| cells(r, zone, false).to_vec()),
    );
    out.push_str("\n## Totals\n\n");
    md_table(
        &mut out,
        &["", ""],
        facts(&report.totals)
            .into_iter()
            .map(|(l, v)| vec![l.to_string(), v]),
    );
    out.push('\n');
    md_table(
        &mut out,
        &["", "Median", "P90", "Of"],
        spreads(&report.totals).iter().map(|(l, s)| {
            vec![
                l.to_string(),
                duration(s.median),
                duration(s.p90),
                s.count.to_string(),
            ]
        }),
    );
    out.push_str(&format!(
        "\nMedian and p90 are nearest-rank, shown from {} values up.\n",
        crate::domain::metrics::MIN_FOR_PERCENTILES
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::{declared, incident, playbook, t};
    use crate::domain::metrics::{Since, Subject, measure};

    #[test]
    fn a_title_cannot_break_a_table_or_reach_the_terminal() {
        let pb = playbook();
        let mut inc = incident(&[(0, declared("P1"))]);
        inc.title = "a | b\u{1b}[31m\nc".into();
        let subject = Subject {
            incident: &inc,
            playbook: &pb,
            declaration_recorded: None,
        };
        let report = measure([subject], Since::All, t(60));
        let md = markdown(&report, Zone::Utc);
        assert!(md.contains("| a \\| b c |"), "{md}");
        let text = text(&report, Zone::Utc);
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(text.contains("a | b c"), "{text}");
    }

    #[test]
    fn an_empty_window_says_since_when() {
        let report = measure([], Since::Last(Duration::days(1)), t(24 * 60));
        assert_eq!(
            text(&report, Zone::Utc),
            format!("No incidents since {} UTC.\n", Zone::Utc.date_hm(t(0)))
        );
        let all = measure([], Since::All, t(0));
        assert_eq!(text(&all, Zone::Utc), "No incidents yet.\n");
    }
}
