//! Role spans: who held each role, from when to when.

use chrono::{DateTime, Utc};

use super::Incident;
use super::records::{Holder, RoleSpan};

impl Incident {
    pub(super) fn hand_over(&mut self, role: &str, person: &str, at: DateTime<Utc>) {
        self.people.insert(person.to_string());
        if self.roles.get(role).is_some_and(|h| h.person == person) {
            return;
        }
        self.release(role, at);
        self.roles.insert(
            role.to_string(),
            Holder {
                person: person.to_string(),
                since: at,
            },
        );
        self.role_spans.push(RoleSpan {
            role: role.to_string(),
            person: person.to_string(),
            from: at,
            to: None,
        });
    }

    pub(super) fn release(&mut self, role: &str, at: DateTime<Utc>) -> Option<String> {
        let holder = self.roles.remove(role)?;
        if let Some(span) = self
            .role_spans
            .iter_mut()
            .rev()
            .find(|s| s.role == role && s.to.is_none())
        {
            span.to = Some(at);
        }
        Some(holder.person)
    }
}
