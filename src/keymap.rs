//! The console's commands that a key starts, and which key starts each:
//! the built-in keys, with any the config file's `[keys]` table moves.
//! Arrows, Enter, Esc, Tab and Ctrl-C are not in it: they move, open, close
//! and quit the same way in every terminal program, so they stay put.

use std::fmt;

/// A console command bound to one key on the main screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConsoleCommand {
    Assign,
    Release,
    Note,
    Can,
    Update,
    Severity,
    Stage,
    Impact,
    Tick,
    Link,
    ActionItem,
    Pin,
    Copy,
    Redact,
    Object,
    Filter,
    OlderCan,
    Resolve,
    Incidents,
    Sync,
    Declare,
    Help,
    Quit,
}

impl ConsoleCommand {
    /// Every command, with its name in the config file and its built-in key.
    const TABLE: [(ConsoleCommand, &'static str, char); 23] = [
        (ConsoleCommand::Assign, "assign", 'a'),
        (ConsoleCommand::Release, "release", 'r'),
        (ConsoleCommand::Note, "note", 'n'),
        (ConsoleCommand::Can, "can", 'c'),
        (ConsoleCommand::Update, "update", 'u'),
        (ConsoleCommand::Severity, "severity", 'v'),
        (ConsoleCommand::Stage, "stage", 's'),
        (ConsoleCommand::Impact, "impact", 'I'),
        (ConsoleCommand::Tick, "tick", 'x'),
        (ConsoleCommand::Link, "link", 'l'),
        (ConsoleCommand::ActionItem, "action_item", 't'),
        (ConsoleCommand::Pin, "pin", 'p'),
        (ConsoleCommand::Copy, "copy", 'y'),
        (ConsoleCommand::Redact, "redact", 'X'),
        (ConsoleCommand::Object, "object", 'O'),
        (ConsoleCommand::Filter, "filter", '/'),
        (ConsoleCommand::OlderCan, "older_can", 'o'),
        (ConsoleCommand::Resolve, "resolve", 'R'),
        (ConsoleCommand::Incidents, "incidents", 'i'),
        (ConsoleCommand::Sync, "sync", 'S'),
        (ConsoleCommand::Declare, "declare", 'D'),
        (ConsoleCommand::Help, "help", '?'),
        (ConsoleCommand::Quit, "quit", 'q'),
    ];

    pub fn all() -> impl Iterator<Item = ConsoleCommand> {
        ConsoleCommand::TABLE.iter().map(|(c, _, _)| *c)
    }

    fn index(self) -> usize {
        ConsoleCommand::TABLE
            .iter()
            .position(|(c, _, _)| *c == self)
            .expect("every command is in the table")
    }

    /// Its name in the config file's `[keys]` table.
    pub fn name(self) -> &'static str {
        ConsoleCommand::TABLE[self.index()].1
    }

    pub fn from_name(name: &str) -> Option<ConsoleCommand> {
        ConsoleCommand::TABLE
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(c, _, _)| *c)
    }

    /// The key that starts it unless the config file moves it.
    pub fn built_in(self) -> char {
        ConsoleCommand::TABLE[self.index()].2
    }

    /// The names, for a refusal that lists them.
    pub fn names() -> String {
        let names: Vec<&str> = ConsoleCommand::TABLE.iter().map(|(_, n, _)| *n).collect();
        names.join(", ")
    }
}

/// Which key starts each console command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyMap {
    keys: [char; ConsoleCommand::TABLE.len()],
}

impl Default for KeyMap {
    fn default() -> KeyMap {
        KeyMap {
            keys: ConsoleCommand::TABLE.map(|(_, _, key)| key),
        }
    }
}

/// Why a binding cannot be taken, as the sentence after the file's line
/// and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BindError(pub String);

impl fmt::Display for BindError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl KeyMap {
    /// The key that starts `command`.
    pub fn key(&self, command: ConsoleCommand) -> char {
        self.keys[command.index()]
    }

    /// The command `key` starts on the main screen, if any.
    pub fn command(&self, key: char) -> Option<ConsoleCommand> {
        ConsoleCommand::all().find(|c| self.key(*c) == key)
    }

    /// The commands whose key is not the built-in one, in the help's order.
    pub fn moved(&self) -> Vec<(ConsoleCommand, char)> {
        ConsoleCommand::all()
            .filter(|c| self.key(*c) != c.built_in())
            .map(|c| (c, self.key(c)))
            .collect()
    }

    /// Binds `command` to what `key` says: one visible character. Bindings
    /// are taken one at a time, and [`KeyMap::check`] runs once all are.
    pub fn bind(&mut self, command: ConsoleCommand, key: &str) -> Result<(), BindError> {
        let mut chars = key.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            return Err(BindError(format!(
                "a key is one character, like \"N\"; arrows, Enter, Esc, Tab and Ctrl-C cannot be moved, and {:?} is not one character",
                crate::domain::text::single_line(key)
            )));
        };
        if c.is_whitespace() || c.is_control() {
            return Err(BindError(
                "a key is a visible character; space, Tab and control keys cannot be bound".into(),
            ));
        }
        self.keys[command.index()] = c;
        Ok(())
    }

    /// The first key two commands share, said as which command should move:
    /// a key starts one thing. `moved` are the commands the file bound, so
    /// a built-in key the file took for another command names the one left
    /// in place.
    pub fn check(&self, moved: &[ConsoleCommand]) -> Result<(), (ConsoleCommand, BindError)> {
        for a in ConsoleCommand::all() {
            for b in ConsoleCommand::all().skip(a.index() + 1) {
                let key = self.key(a);
                if key != self.key(b) {
                    continue;
                }
                // Point at a binding in the file: the later one when both
                // are there.
                let (at, other) = if moved.contains(&b) { (b, a) } else { (a, b) };
                let why = if moved.contains(&other) {
                    format!(
                        "\"{key}\" is bound to {} too; a key starts one command",
                        other.name()
                    )
                } else {
                    format!(
                        "\"{key}\" is {}'s key; bind {} to another key as well",
                        other.name(),
                        other.name()
                    )
                };
                return Err((at, BindError(why)));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_keys_are_each_a_different_one() {
        let map = KeyMap::default();
        assert_eq!(map.check(&[]), Ok(()));
        assert_eq!(map.command('a'), Some(ConsoleCommand::Assign));
        assert_eq!(map.key(ConsoleCommand::ActionItem), 't');
        assert!(map.moved().is_empty());
        for c in ConsoleCommand::all() {
            assert_eq!(ConsoleCommand::from_name(c.name()), Some(c));
        }
    }

    #[test]
    fn a_moved_key_starts_its_command_and_frees_the_old_one() {
        let mut map = KeyMap::default();
        map.bind(ConsoleCommand::Note, "N").unwrap();
        assert_eq!(map.command('N'), Some(ConsoleCommand::Note));
        assert_eq!(map.command('n'), None);
        assert_eq!(map.moved(), [(ConsoleCommand::Note, 'N')]);
        assert_eq!(map.check(&[ConsoleCommand::Note]), Ok(()));
    }

    #[test]
    fn two_commands_on_one_key_are_refused_naming_the_one_to_move() {
        let mut map = KeyMap::default();
        map.bind(ConsoleCommand::Note, "a").unwrap();
        let (at, why) = map.check(&[ConsoleCommand::Note]).unwrap_err();
        assert_eq!(at, ConsoleCommand::Note);
        assert_eq!(
            why.0,
            "\"a\" is assign's key; bind assign to another key as well"
        );
        map.bind(ConsoleCommand::Assign, "A").unwrap();
        assert_eq!(
            map.check(&[ConsoleCommand::Note, ConsoleCommand::Assign]),
            Ok(())
        );
        map.bind(ConsoleCommand::Pin, "A").unwrap();
        let (at, why) = map
            .check(&[
                ConsoleCommand::Note,
                ConsoleCommand::Assign,
                ConsoleCommand::Pin,
            ])
            .unwrap_err();
        assert_eq!(at, ConsoleCommand::Pin);
        assert_eq!(
            why.0,
            "\"A\" is bound to assign too; a key starts one command"
        );
    }

    #[test]
    fn a_key_is_one_visible_character() {
        let mut map = KeyMap::default();
        for bad in ["", "ab", "Enter", " ", "\t", "\u{1b}"] {
            assert!(map.bind(ConsoleCommand::Note, bad).is_err(), "{bad:?}");
        }
        map.bind(ConsoleCommand::Note, "é").unwrap();
        assert_eq!(map.key(ConsoleCommand::Note), 'é');
    }
}
