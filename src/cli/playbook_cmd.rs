//! `fireground playbook list|check`.

use super::{CliError, PlaybookCommand};
use crate::paths;
use crate::playbooks::{Catalog, Source, load_file};

pub fn run(cmd: &PlaybookCommand) -> Result<(), CliError> {
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
                println!(
                    "{}",
                    serde_json::to_string_pretty(&all).expect("playbooks serialise")
                );
                return Ok(());
            }
            for (source, entry) in catalog.entries() {
                let from = match source {
                    Source::BuiltIn => "built-in".to_string(),
                    Source::File(p) => p.display().to_string(),
                };
                match entry {
                    Ok(p) => println!("{:<16} {} ({from})", p.name, p.description),
                    Err(e) => println!("{:<16} BROKEN: {e}", "?"),
                }
            }
            println!("\nYour playbooks go in {}", paths::playbook_dir().display());
            Ok(())
        }
        PlaybookCommand::Check { file } => {
            let p = load_file(file)?;
            println!(
                "{}: playbook '{}' is valid: {} severities, {} roles, {} stages",
                file.display(),
                p.name,
                p.severities.len(),
                p.roles.len(),
                p.stages.len()
            );
            Ok(())
        }
    }
}
