//! `fireground playbook list|show|check`.

use super::PlaybookCommand;
use crate::app::AppError;
use crate::domain::playbook::Playbook;
use crate::domain::text::{plural, single_line, width};
use crate::paths;
use crate::playbooks::{Catalog, Source, load_file};
use crate::report::json::pretty;
use crate::report::pad;

pub fn run(cmd: &PlaybookCommand) -> Result<(), AppError> {
    match cmd {
        PlaybookCommand::List { json } => {
            let catalog = Catalog::load(&paths::playbook_dir());
            if json.json {
                let all: Vec<serde_json::Value> = catalog
                    .entries()
                    .iter()
                    .map(|(source, entry)| {
                        let source = match source {
                            Source::BuiltIn => serde_json::Value::Null,
                            Source::File(p) => p.display().to_string().into(),
                        };
                        match entry {
                            Ok(p) => serde_json::json!({ "file": source, "playbook": p }),
                            Err(e) => serde_json::json!({ "file": source, "error": e.to_string() }),
                        }
                    })
                    .collect();
                println!("{}", pretty(&all));
                return Ok(());
            }
            for (source, entry) in catalog.entries() {
                let from = match source {
                    Source::BuiltIn => "built-in".to_string(),
                    Source::File(p) => p.display().to_string(),
                };
                // Parsing refused control characters in the text; a file
                // name can still hold them.
                let line = match entry {
                    Ok(p) => format!("{:<16} {} ({from})", p.name, p.description),
                    Err(e) => format!("{:<16} BROKEN: {e}", "?"),
                };
                println!("{}", single_line(&line));
            }
            println!(
                "\nYour playbooks go in {}",
                single_line(&paths::playbook_dir().display().to_string())
            );
            Ok(())
        }
        PlaybookCommand::Show { name, json } => {
            let catalog = Catalog::load(&paths::playbook_dir());
            let p = catalog.get(name)?;
            if json.json {
                println!("{}", pretty(&show_json(p)));
            } else {
                print!("{}", single_line_each(&show_text(p)));
            }
            Ok(())
        }
        PlaybookCommand::Check { file, json } => {
            let p = load_file(file)?;
            if json.json {
                // Valid: the file, and what `playbook show --json` gives.
                let doc = serde_json::json!({
                    "file": file.display().to_string(),
                    "valid": true,
                    "playbook": show_json(&p),
                });
                println!("{}", pretty(&doc));
                return Ok(());
            }
            let count = |n: usize, one, many| plural(n as u64, one, many);
            let said = format!(
                "{}: playbook '{}' is valid: {}, {}, {}",
                file.display(),
                p.name,
                count(p.severities.len(), "severity", "severities"),
                count(p.roles.len(), "role", "roles"),
                count(p.stages.len(), "stage", "stages")
            );
            println!("{}", single_line(&said));
            Ok(())
        }
    }
}

/// A playbook's ids and names for scripts: what commands take.
fn show_json(p: &Playbook) -> serde_json::Value {
    let severities: Vec<serde_json::Value> = p
        .severities
        .iter()
        .map(|s| {
            serde_json::json!({
                "id": s.id,
                "name": s.name,
                "update_minutes": s.update_minutes,
            })
        })
        .collect();
    let roles: Vec<serde_json::Value> = p
        .roles
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id,
                "name": r.name,
                "required": r.required,
                "free_form": r.free_form,
                "assign_as": r.typed_id(),
            })
        })
        .collect();
    let stages: Vec<serde_json::Value> = p
        .stages
        .iter()
        .map(|s| {
            serde_json::json!({
                "id": s.id,
                "name": s.name,
                "checklist_items": s.checklist.len(),
            })
        })
        .collect();
    serde_json::json!({
        "name": p.name,
        "description": p.description,
        "severities": severities,
        "roles": roles,
        "stages": stages,
        // Inline URLs masked: see ChannelSpec's Serialize.
        "channels": p.channels,
        "wellbeing": p.wellbeing,
        "destructive": { "countdown_seconds": p.countdown_seconds },
    })
}

/// A playbook's severities, roles and stages as three tables.
fn show_text(p: &Playbook) -> String {
    let severities: Vec<Vec<String>> = p
        .severities
        .iter()
        .map(|s| {
            let cadence = s
                .update_minutes
                .map_or("no fixed cadence".to_string(), |m| format!("every {m} min"));
            vec![s.id.clone(), s.name.clone(), cadence]
        })
        .collect();
    let roles: Vec<Vec<String>> = p
        .roles
        .iter()
        .map(|r| {
            let required = if r.required { "required" } else { "" };
            vec![r.typed_id(), r.name.clone(), required.to_string()]
        })
        .collect();
    let stages: Vec<Vec<String>> = p
        .stages
        .iter()
        .map(|s| {
            let items = plural(s.checklist.len() as u64, "item", "items");
            vec![s.id.clone(), s.name.clone(), items]
        })
        .collect();
    let categories: Vec<Vec<String>> = p
        .categories
        .iter()
        .map(|c| vec![c.id.clone(), c.name.clone(), c.description.clone()])
        .collect();
    let mut out = match p.description.as_str() {
        "" => format!("Playbook {}\n", p.name),
        about => format!("Playbook {}: {about}\n", p.name),
    };
    for (title, header, rows) in [
        ("Severities", ["ID", "NAME", "UPDATES"], severities),
        ("Roles", ["ID", "NAME", ""], roles),
        ("Stages", ["ID", "NAME", "CHECKLIST"], stages),
        ("Categories", ["ID", "NAME", "DESCRIPTION"], categories),
    ] {
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title}\n"));
        out.push_str(&table(&header, &rows));
    }
    let w = &p.wellbeing;
    out.push_str(&format!(
        "\nBreaks\n  due after {} min on shift without one; {} at night ({}-{})\n",
        w.break_after_minutes,
        w.night_break_after_minutes,
        w.night_from.format("%H:%M"),
        w.night_to.format("%H:%M")
    ));
    out.push_str(&format!(
        "\nDestructive steps\n  open to objection for {} s before they are taken\n",
        p.countdown_seconds
    ));
    out
}

/// Rows in columns as wide as their widest cell, indented, with a header.
fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| width(&r[c]))
                .chain([width(header[c])])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    std::iter::once(&header)
        .chain(rows)
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, w)| pad(cell, *w))
                .collect();
            format!("  {}\n", cells.join("  ").trim_end())
        })
        .collect()
}

/// Each line cleaned of what a terminal would act on: a user's playbook
/// file is checked when loaded, but what prints is cleaned again.
fn single_line_each(text: &str) -> String {
    text.lines().map(|l| single_line(l) + "\n").collect()
}
