//! The command line: clap definitions and dispatch to the non-interactive
//! commands. With no subcommand, fireground opens the console.

mod announce;
mod config_cmd;
pub(crate) mod demo;
mod generated;
mod outbox_cmd;
mod playbook_cmd;
mod print_cmd;
mod record;
mod report_cmd;
mod run_cmd;
mod show;
mod sync_cmd;
mod verify_cmd;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::domain::event::NoteKind;

use crate::app::{AppError, Context, Options, Secrets};
use crate::config::Config;
pub use print_cmd::{PrintArgs, PrintFormat, print_into};

/// The heading of the options every subcommand takes, all optional.
const GLOBAL: &str = "Global options (optional)";

#[derive(Debug, Parser)]
#[command(
    name = "fireground",
    version,
    about = "Incident command console: timeline, roles, CAN reports and the comms cadence, in your terminal.",
    long_about = None
)]
pub struct Cli {
    /// The database file [default: $XDG_DATA_HOME/fireground/fireground.db]
    #[arg(
        long,
        env = "FIREGROUND_DB",
        global = true,
        value_name = "PATH",
        help_heading = GLOBAL
    )]
    pub db: Option<PathBuf>,

    /// Who is recording (a person's name) [default: $USER]
    #[arg(
        long = "as",
        env = "FIREGROUND_USER",
        global = true,
        value_name = "NAME",
        help_heading = GLOBAL
    )]
    pub user: Option<String>,

    /// The incident to act on (short ref or full id) [default: the most recently active open one]
    #[arg(
        long,
        env = "FIREGROUND_INCIDENT",
        global = true,
        value_name = "REF",
        help_heading = GLOBAL
    )]
    pub incident: Option<String>,

    #[command(subcommand)]
    pub command: Option<CliCommand>,
}

impl Cli {
    /// Where and as whom to work, as the application takes it: `--as` (or
    /// FIREGROUND_USER) before the config file's `as`.
    pub fn options(&self, config: &Config) -> Options {
        Options {
            db: self.db.clone(),
            user: self.user.clone().or_else(|| config.settings.user.clone()),
            incident: self.incident.clone(),
        }
    }
}

/// When an event happened, for commands that record one.
#[derive(Debug, Default, Args)]
pub struct When {
    /// When it happened: RFC 3339, HH:MM (local time; typed just after midnight, 23:50 is last night) or relative like -15m [default: now]
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub at: Option<String>,
}

/// What to do with text that looks like it holds a secret, for commands
/// that record text. Without either flag such text is refused.
#[derive(Debug, Args)]
pub struct SecretArgs {
    /// Record text that looks like it holds a secret (a token, a password, a private key) as written
    #[arg(long, conflicts_with = "mask_secrets")]
    pub allow_secret: bool,
    /// Record text that looks like it holds a secret with the secret replaced by ****
    #[arg(long)]
    pub mask_secrets: bool,
}

impl SecretArgs {
    pub fn secrets(&self) -> Secrets {
        match (self.allow_secret, self.mask_secrets) {
            (true, _) => Secrets::Keep,
            (false, true) => Secrets::Mask,
            (false, false) => Secrets::Refuse,
        }
    }
}

#[derive(Debug, Args)]
pub struct Json {
    /// Print JSON for scripts
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Declare a new incident; prints its ref
    Declare {
        /// What is wrong, in a few words, e.g. "Checkout failing"
        title: String,
        /// Severity id or name; `fireground playbook show` lists them [default: the playbook's first]
        #[arg(long, short)]
        severity: Option<String>,
        /// The impact as known so far; the first stakeholder update offers it
        #[arg(long, default_value = "")]
        summary: String,
        /// Who holds the incident commander role [default: you]
        #[arg(long)]
        commander: Option<String>,
        /// The playbook the incident runs by (`fireground playbook list`) [default: the config file's playbook, else default]
        #[arg(long)]
        playbook: Option<String>,
        #[command(flatten)]
        when: When,
        #[command(flatten)]
        secrets: SecretArgs,
    },
    /// List incidents (open ones unless --all)
    List {
        /// Resolved incidents too
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        json: Json,
    },
    /// Show the incident's state: roles, latest CAN reports, next update due
    Status {
        #[command(flatten)]
        json: Json,
        /// Write a read-only status page for stakeholders to FILE (html, reloads itself every 30 s)
        #[arg(long, value_name = "FILE", conflicts_with = "json")]
        html: Option<PathBuf>,
    },
    /// Add a timeline entry
    Log {
        /// What happened, was found or was decided
        text: String,
        /// What kind of entry it is
        #[arg(long, short, default_value = "note", value_parser = note_kind, value_name = "note|decision|finding|action|command|destructive")]
        kind: NoteKind,
        #[command(flatten)]
        when: When,
        #[command(flatten)]
        secrets: SecretArgs,
    },
    /// Give a role to a person (hands it over if someone holds it)
    Assign {
        /// The role: its id, its name or words of it ("comms lead"); `fireground playbook show` lists them
        role: String,
        /// Who takes the role (a person's name)
        person: String,
        #[command(flatten)]
        when: When,
    },
    /// Release a role
    Unassign {
        /// The role to release, as `assign` takes it
        role: String,
        #[command(flatten)]
        when: When,
    },
    /// Change the severity
    Severity {
        /// The new severity: its id or name (P1, critical); `fireground playbook show` lists them
        level: String,
        #[command(flatten)]
        when: When,
    },
    /// Move the incident to another stage
    Stage {
        /// The stage: its id or name (mitigate); `fireground playbook show` lists them
        stage: String,
        #[command(flatten)]
        when: When,
    },
    /// Set the impact: who is affected, how many, and the category; what is left out stays as it was
    Impact {
        /// Who is affected, in words: "checkout customers in the EU"
        #[arg(long, value_name = "TEXT")]
        who: Option<String>,
        /// How many are affected: 1200, 1,200, or none to clear it
        #[arg(long, value_name = "N", allow_hyphen_values = true)]
        count: Option<String>,
        /// The category: its id or name (deployment), or none to clear it; `fireground playbook show` lists them
        #[arg(long, value_name = "ID")]
        category: Option<String>,
        #[command(flatten)]
        when: When,
        #[command(flatten)]
        secrets: SecretArgs,
    },
    /// File a CAN report: Conditions, Actions, Needs
    Can {
        /// Conditions: the situation as you see it
        #[arg(long)]
        conditions: String,
        /// Actions: what you are doing about it
        #[arg(long)]
        actions: String,
        /// Needs: what you need from others
        #[arg(long)]
        needs: String,
        /// The role you report for [default: the first role you hold]
        #[arg(long)]
        role: Option<String>,
        #[command(flatten)]
        when: When,
        #[command(flatten)]
        secrets: SecretArgs,
    },
    /// Record a stakeholder update; with no flags, print a draft
    Update {
        /// Where things stand, as sent [default: the draft's]
        #[arg(long)]
        status: Option<String>,
        /// Who and what is affected, as sent [default: the draft's]
        #[arg(long)]
        impact: Option<String>,
        /// What is being done, as sent [default: the draft's]
        #[arg(long)]
        action: Option<String>,
        /// When the next update is promised: a duration (30m) or a time [default: by the cadence]
        #[arg(long, value_name = "DURATION_OR_TIME")]
        next: Option<String>,
        #[command(flatten)]
        when: When,
        #[command(flatten)]
        secrets: SecretArgs,
        /// With no other flags: print the draft as JSON
        #[command(flatten)]
        json: Json,
        /// Print the update as plain text, without recording it, for a pipe (`| wl-copy`, `| mail`)
        #[arg(long, conflicts_with_all = ["json", "at", "copy"])]
        print: bool,
        /// Copy the update as plain text to the terminal's clipboard (OSC 52), without recording it
        #[arg(long, conflicts_with_all = ["json", "at"])]
        copy: bool,
    },
    /// Add a command-center link (call, channel, document)
    Link {
        /// What it is: call, channel, doc…
        label: String,
        /// Where it is
        url: String,
        #[command(flatten)]
        when: When,
        #[command(flatten)]
        secrets: SecretArgs,
    },
    /// Action items: follow-up work with an owner and a due date
    #[command(subcommand)]
    Action(ActionCommand),
    /// Tick an item of the current stage's checklist (by number or text)
    Tick {
        /// The item's number in the checklist (1 is the first) or words of its text
        item: String,
        #[command(flatten)]
        when: When,
    },
    /// Correct the text of an earlier entry (the original stays in the log)
    Amend {
        /// The entry's ref (`fireground print --refs` shows them)
        event: String,
        /// The corrected text
        text: String,
        #[command(flatten)]
        when: When,
        #[command(flatten)]
        secrets: SecretArgs,
    },
    /// Hide the text of an earlier entry, e.g. a pasted secret
    Redact {
        /// The entry's ref (`fireground print --refs` shows them)
        event: String,
        /// Why it is hidden, kept in the log
        #[arg(long, default_value = "")]
        reason: String,
        #[command(flatten)]
        when: When,
        #[command(flatten)]
        secrets: SecretArgs,
    },
    /// Object to an announced destructive step during its countdown: it is not run
    Object {
        /// The step's ref, as its announcement or the console's banner shows it
        step: String,
        /// Why, in a few words
        #[arg(default_value = "")]
        reason: String,
        #[command(flatten)]
        secrets: SecretArgs,
    },
    /// Mark an entry as part of the short story of the incident
    Pin {
        /// The entry's ref (`fireground print --refs` shows them)
        event: String,
        #[command(flatten)]
        when: When,
    },
    /// Mark the incident resolved
    Resolve {
        /// How it ended, in a sentence
        #[arg(long, default_value = "")]
        summary: String,
        #[command(flatten)]
        when: When,
        #[command(flatten)]
        secrets: SecretArgs,
    },
    /// Reopen a resolved incident
    Reopen {
        /// Why it is open again
        #[arg(long, default_value = "")]
        reason: String,
        #[command(flatten)]
        when: When,
        #[command(flatten)]
        secrets: SecretArgs,
    },
    /// Print the timeline, a postmortem draft (markdown, html) or the whole incident (json)
    Print(print_cmd::PrintArgs),
    /// Response metrics across incidents: time to declare, update, mitigate and resolve, cadence kept
    Report(report_cmd::ReportArgs),
    /// Create a realistic sample incident to explore
    Demo,
    /// Playbooks: list them, show one's ids, or check a file
    #[command(subcommand)]
    Playbook(PlaybookCommand),
    /// The config file: your settings, webhook channels for stakeholder updates, the status page
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Check every event's signature and chain, and list what sync kept apart
    Verify,
    /// Print this replica's line for a team's `keys` file (pinned keys)
    Keys,
    /// Run a command, its output passing through, and record what ran, for how long and how it ended
    Run {
        /// Announce it first as a destructive step: anyone may object during a countdown, then y/N
        #[arg(long)]
        destructive: bool,
        /// Seconds open to objection before a destructive step (the playbook's by default)
        #[arg(long, value_name = "SECONDS", requires = "destructive")]
        countdown: Option<u32>,
        /// Take a destructive step without asking y/N once its countdown passes unopposed
        #[arg(long, requires = "destructive")]
        yes: bool,
        /// Record this word (a password, a token in the command line) as ****; may be repeated
        #[arg(long, value_name = "WORD")]
        mask: Vec<String>,
        /// Keep text that looks like a secret as written (it is masked otherwise)
        #[arg(long)]
        allow_secret: bool,
        /// The command and its arguments, after --
        #[arg(
            required = true,
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "COMMAND"
        )]
        command: Vec<String>,
    },
    /// Updates recorded here and not yet delivered to their channels; --retry sends them now
    Outbox {
        /// Try every waiting update now, whenever its next try was due
        #[arg(long, conflicts_with = "drop")]
        retry: bool,
        /// Stop trying to send an update (its #ref from the list) and record that it was not delivered
        #[arg(long, value_name = "REF")]
        drop: Option<String>,
        /// With --drop: only to this channel
        #[arg(long, requires = "drop")]
        channel: Option<String>,
        #[command(flatten)]
        json: Json,
    },
    /// Merge logs with other responders over a shared file or a git repository
    Sync {
        /// A shared file's path, or a git repository (URL or path) [default: the config file's sync, else the last one used]
        target: Option<String>,
        /// Keep syncing until interrupted; each round also posts the updates due to their channels and rewrites the config file's status_page
        #[arg(long)]
        watch: bool,
        /// How often to sync with --watch
        #[arg(
            long,
            value_name = "DURATION",
            default_value = "15s",
            requires = "watch"
        )]
        every: String,
        /// Print what moved as JSON (with --watch, one object a line per round shown)
        #[command(flatten)]
        json: Json,
    },
    /// Print the completion script for a shell (static: commands and options, not incident refs or ids)
    Completions {
        /// The shell to complete in
        #[arg(value_parser = generated::ShellParser, value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `fireground man | man -l -`
    Man {
        /// Write a page for every command into DIR instead (fireground.1, fireground-declare.1…)
        #[arg(long, value_name = "DIR")]
        all: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ActionCommand {
    /// Add an action item
    Add {
        /// The work to do
        text: String,
        /// Who does it
        #[arg(long)]
        owner: Option<String>,
        /// Due date: YYYY-MM-DD or +Nd
        #[arg(long)]
        due: Option<String>,
        #[command(flatten)]
        when: When,
        #[command(flatten)]
        secrets: SecretArgs,
    },
    /// Mark an action item done (its #ref from `status`)
    Done {
        /// The item's #ref, as `status` shows it
        id: String,
        #[command(flatten)]
        when: When,
    },
}

#[derive(Debug, Subcommand)]
pub enum PlaybookCommand {
    /// List the playbooks available
    List {
        #[command(flatten)]
        json: Json,
    },
    /// Show a playbook's severities, roles and stages: the ids commands take
    Show {
        /// The playbook's name
        #[arg(default_value = "default")]
        name: String,
        #[command(flatten)]
        json: Json,
    },
    /// Validate a playbook file
    Check {
        /// The playbook's TOML file
        file: PathBuf,
        /// On success, the file and the playbook's ids as JSON; a mistake is still one sentence on stderr, exit 2
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the config file's path [$FIREGROUND_CONFIG, else $XDG_CONFIG_HOME/fireground/config.toml]
    Path,
    /// Validate the config file and say whether each channel's URL can be found
    Check {
        #[command(flatten)]
        json: Json,
    },
    /// Show the settings in force (who you record as, time zone, playbook, sync target, theme, keys) and where each comes from
    Show {
        #[command(flatten)]
        json: Json,
    },
}

/// A note's sub-kind, as `--kind` takes it.
fn note_kind(s: &str) -> Result<NoteKind, String> {
    NoteKind::parse(s).ok_or_else(|| {
        let all: Vec<&str> = NoteKind::ALL.iter().map(|k| k.name()).collect();
        format!("valid kinds are: {}", all.join(", "))
    })
}

/// Runs a non-interactive command.
pub fn run(cli: Cli, command: CliCommand) -> Result<(), AppError> {
    if let CliCommand::Playbook(cmd) = &command {
        return playbook_cmd::run(cmd);
    }
    if let CliCommand::Config(cmd) = &command {
        return config_cmd::run(cmd, cli.user.as_deref());
    }
    // Installed before any incident exists: no database is opened or made.
    if let CliCommand::Completions { shell } = &command {
        return generated::completions(*shell);
    }
    if let CliCommand::Man { all } = &command {
        return generated::man(all.as_deref());
    }
    let reads_only = matches!(
        command,
        CliCommand::List { .. }
            | CliCommand::Status { .. }
            | CliCommand::Print(_)
            | CliCommand::Report(_)
            | CliCommand::Verify
            | CliCommand::Keys
    );
    // A config file with a mistake refuses every command that records,
    // before anything is: its `as` or its channels would otherwise be
    // quietly left out. What only reads goes on without it, as the console
    // does, and says so.
    let config = match Config::load() {
        Ok(config) => config,
        Err(e) if reads_only => {
            eprintln!(
                "warning: {}; going on without the config file",
                crate::domain::text::single_line(&e.to_string())
            );
            Config::empty()
        }
        Err(e) => return Err(e.into()),
    };
    let mut ctx = if reads_only {
        Context::open_for_reading(&cli.options(&config))?
    } else {
        Context::open(&cli.options(&config))?
    };
    ctx.set_config(config);
    let result = dispatch(&mut ctx, command);
    if let Some(unreadable) = ctx.store.unreadable() {
        eprintln!("warning: {unreadable}");
    }
    result
}

fn dispatch(ctx: &mut Context, command: CliCommand) -> Result<(), AppError> {
    match command {
        CliCommand::List { all, json } => show::list(ctx, all, json.json),
        CliCommand::Status {
            html: Some(path), ..
        } => show::status_page(ctx, &path),
        CliCommand::Status { json, .. } => show::status(ctx, json.json),
        CliCommand::Print(args) => print_cmd::run(ctx, &args),
        CliCommand::Report(args) => report_cmd::run(ctx, &args),
        CliCommand::Demo => demo::run(ctx),
        CliCommand::Verify => verify_cmd::run(ctx),
        CliCommand::Keys => verify_cmd::keys(ctx),
        CliCommand::Sync {
            target,
            watch,
            every,
            json,
        } => sync_cmd::run(ctx, target.as_deref(), watch, &every, json.json),
        CliCommand::Run {
            destructive,
            countdown,
            yes,
            mask,
            allow_secret,
            command,
        } => run_cmd::run(
            ctx,
            run_cmd::Run {
                argv: command,
                destructive,
                countdown,
                yes,
                mask,
                allow_secret,
            },
        ),
        CliCommand::Outbox {
            retry,
            drop,
            channel,
            json,
        } => match drop {
            Some(update) => outbox_cmd::drop(ctx, &update, channel.as_deref()),
            None => outbox_cmd::run(ctx, retry, json.json),
        },
        CliCommand::Playbook(_)
        | CliCommand::Config(_)
        | CliCommand::Completions { .. }
        | CliCommand::Man { .. } => unreachable!("handled above"),
        other => record::run(ctx, other),
    }
}
