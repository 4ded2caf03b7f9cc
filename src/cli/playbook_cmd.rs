//! `fireground playbook list|check`.

use super::PlaybookCommand;
use crate::app::AppError;
use crate::domain::text::single_line;
use crate::paths;
use crate::playbooks::{Catalog, Source, load_file};
use crate::report::json::pretty;

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
        PlaybookCommand::Check { file } => {
            let p = load_file(file)?;
            let said = format!(
                "{}: playbook '{}' is valid: {} severities, {} roles, {} stages",
                file.display(),
                p.name,
                p.severities.len(),
                p.roles.len(),
                p.stages.len()
            );
            println!("{}", single_line(&said));
            Ok(())
        }
    }
}
