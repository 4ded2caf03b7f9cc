//! The roster: every role of the playbook with who holds it, the shape the
//! status command and the console's roles pane both show.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::incident::Incident;
use super::playbook::Playbook;

/// One role and its holder, if any.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoleRow {
    pub role: String,
    pub name: String,
    pub required: bool,
    pub holder: Option<String>,
    pub since: Option<DateTime<Utc>>,
}

impl RoleRow {
    /// A required role nobody holds: it should stand out.
    pub fn unfilled(&self) -> bool {
        self.required && self.holder.is_none()
    }
}

/// Every role of the playbook plus any free-form roles held, in playbook
/// order.
pub fn role_rows(inc: &Incident, pb: &Playbook) -> Vec<RoleRow> {
    let mut rows: Vec<RoleRow> = pb
        .roles
        .iter()
        .filter(|r| !r.free_form)
        .map(|r| {
            let h = inc.roles.get(&r.id);
            RoleRow {
                role: r.id.clone(),
                name: r.name.clone(),
                required: r.required,
                holder: h.map(|h| h.person.clone()),
                since: h.map(|h| h.since),
            }
        })
        .collect();
    for (role, h) in &inc.roles {
        if !rows.iter().any(|r| &r.role == role) {
            rows.push(RoleRow {
                role: role.clone(),
                name: pb.role_name(role),
                required: false,
                holder: Some(h.person.clone()),
                since: Some(h.since),
            });
        }
    }
    rows
}
