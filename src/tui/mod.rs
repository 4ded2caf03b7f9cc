//! The console: the incident commander's terminal UI. Terminal set-up and
//! restore, and the event loop that turns keys, the clock, other writers and
//! background results into actions.

pub mod action;
pub mod app;
pub mod background_outbox;
pub mod background_sync;
pub mod form;
pub mod keys;
pub mod panes;
pub mod picker;
pub mod popup;
pub mod sync_state;
pub mod text_input;
pub mod theme;
pub mod view;

use std::io::Write;
use std::time::Duration as StdDuration;

use crossterm::event::Event as TermEvent;
use ratatui::DefaultTerminal;
use tokio::sync::mpsc;

use crate::app::{AppError, Context};
use crate::config::{Config, ConfigError};
pub use action::{Action, Background};
pub use app::App;
use background_outbox::OutboxWorker;
use background_sync::{SYNC_EVERY, SyncWorker};
pub use sync_state::{SyncHealth, SyncState};

/// How often timers move and other writers are looked for.
const TICK: StdDuration = StdDuration::from_secs(1);
/// The most queued terminal events handled before the screen is drawn.
const INPUT_BATCH: usize = 4096;

/// The workers the console keeps busy in the background.
pub struct Workers {
    pub sync: Option<SyncWorker>,
    pub outbox: Option<OutboxWorker>,
}

/// Opens the console with `config` (the user's config file, or why it
/// could not be used), syncing and posting updates in the background;
/// returns when the user quits.
pub fn run(mut ctx: Context, config: Result<Config, ConfigError>) -> Result<(), AppError> {
    // Open the log before touching the terminal, so a bad --incident, an
    // unreadable database or an unknown user is one plain sentence: every
    // save would fail without a name to record under.
    let author = ctx.author()?;
    // A mistake in the config file must not keep the console shut in the
    // middle of an incident: it opens with the built-in settings, and says
    // so.
    if let Ok(config) = &config {
        ctx.set_config(config.clone());
    }
    let (tx, rx) = mpsc::unbounded_channel();
    let db = ctx.store.path().to_path_buf();
    let target = ctx.config().settings.sync.clone();
    let workers = Workers {
        sync: Some(SyncWorker::spawn(
            db.clone(),
            target,
            SYNC_EVERY,
            tx.clone(),
        )),
        outbox: Some(OutboxWorker::spawn(db, author, ctx.config().clone(), tx)),
    };
    let mut app = App::new(ctx)?;
    if let Err(e) = config {
        app.config_unusable(&e.to_string());
    }
    run_with(app, rx, workers)
}

/// Runs the console on `app` with a channel that background work reports
/// on, and the workers that keys wake.
pub fn run_with(
    app: App,
    background: mpsc::UnboundedReceiver<Background>,
    workers: Workers,
) -> Result<(), AppError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AppError::Io(format!("cannot start the console: {e}")))?;
    let mut terminal = Terminal::enter()?;
    let result = runtime.block_on(event_loop(&mut terminal.0, app, background, workers));
    drop(terminal);
    result
}

/// The terminal in raw mode on the alternate screen; put back on drop, on
/// every way out including errors and panics.
struct Terminal(DefaultTerminal);

impl Terminal {
    fn enter() -> Result<Terminal, AppError> {
        use std::io::IsTerminal;
        if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
            return Err(AppError::Input(
                "the console needs a terminal; in scripts use a command such as `fireground status`"
                    .into(),
            ));
        }
        let terminal = ratatui::try_init().map_err(|e| {
            ratatui::restore();
            AppError::Io(format!("cannot set up the terminal: {e}"))
        })?;
        // A paste must arrive as text, never as keys: a pasted line that
        // starts with R or q is not a command.
        let mut out = std::io::stdout();
        if let Err(e) = crossterm::execute!(out, crossterm::event::EnableBracketedPaste) {
            ratatui::restore();
            return Err(AppError::Io(format!("cannot set up the terminal: {e}")));
        }
        // ratatui's hook leaves raw mode and the alternate screen; the cursor
        // it hid must come back too, and the terminal's own paste.
        let restore = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            leave_paste_mode();
            show_cursor();
            restore(info);
        }));
        Ok(Terminal(terminal))
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        leave_paste_mode();
        ratatui::restore();
        show_cursor();
    }
}

fn leave_paste_mode() {
    let mut out = std::io::stdout();
    let _ = crossterm::execute!(out, crossterm::event::DisableBracketedPaste);
}

fn show_cursor() {
    let mut out = std::io::stdout();
    let _ = crossterm::execute!(out, crossterm::cursor::Show);
}

/// Reads terminal events on a thread of their own, since reading blocks;
/// the thread ends with the process.
fn spawn_input() -> mpsc::UnboundedReceiver<std::io::Result<TermEvent>> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        loop {
            let event = crossterm::event::read();
            let failed = event.is_err();
            if tx.send(event).is_err() || failed {
                break;
            }
        }
    });
    rx
}

async fn event_loop(
    terminal: &mut DefaultTerminal,
    mut app: App,
    mut background: mpsc::UnboundedReceiver<Background>,
    workers: Workers,
) -> Result<(), AppError> {
    let io = |e: std::io::Error| AppError::Io(format!("the terminal failed: {e}"));
    let mut input = spawn_input();
    if let Ok(size) = terminal.size() {
        app.screen = Some((size.width, size.height));
    }
    // Being killed or losing the terminal is a way out like any other: the
    // terminal is put back on the way.
    let mut stop = Stop::new().map_err(io)?;
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut background_open = true;
    let mut dirty = true;
    // The incident the outbox worker was last told is on screen.
    let mut shown = None;
    loop {
        if dirty {
            terminal.draw(|f| view::draw(f, &app)).map_err(io)?;
            if app.take_bell() {
                let mut out = std::io::stdout();
                out.write_all(b"\x07")
                    .and_then(|()| out.flush())
                    .map_err(io)?;
            }
            // Written whole between frames, so no drawing splits it; the
            // text inside is base64 (see `clipboard`).
            if let Some(sequence) = app.take_clipboard() {
                let mut out = std::io::stdout();
                out.write_all(sequence.as_bytes())
                    .and_then(|()| out.flush())
                    .map_err(io)?;
            }
            dirty = false;
        }
        // A long incident opened on its newest entries: the rest now, before
        // any key is read, so every key sees the whole timeline.
        if app.older_unloaded > 0 {
            app.load_older();
            dirty = true;
            continue;
        }
        tokio::select! {
            event = input.recv() => match event {
                // Keys that mean nothing draw nothing.
                Some(Ok(event)) => dirty = handle_queued(&mut app, event, &mut input).map_err(io)?,
                Some(Err(e)) => return Err(io(e)),
                None => return Ok(()),
            },
            _ = tick.tick() => {
                app.update(Action::Tick);
                dirty = true;
            }
            () = stop.recv() => return Ok(()),
            message = background.recv(), if background_open => match message {
                Some(message) => {
                    app.update(Action::Background(message));
                    dirty = true;
                }
                None => background_open = false,
            },
        }
        if app.take_sync_request()
            && let Some(w) = &workers.sync
        {
            w.sync_now();
        }
        if let Some(w) = &workers.outbox {
            let on_screen = app.incident.as_ref().map(|i| i.id);
            if on_screen != shown {
                shown = on_screen;
                w.show(shown);
            }
            if app.take_post_request() {
                w.post_now();
            }
        }
        if app.quit {
            return Ok(());
        }
    }
}

/// Handles `first` and the events queued behind it, up to a batch, then
/// says whether to draw. A paste arrives as a burst of keys: drawing once
/// per burst rather than once per key keeps the console responsive, and the
/// batch bound lets the clock and signals in between.
fn handle_queued(
    app: &mut App,
    first: TermEvent,
    input: &mut mpsc::UnboundedReceiver<std::io::Result<TermEvent>>,
) -> std::io::Result<bool> {
    let mut dirty = app.handle_event(first);
    for _ in 0..INPUT_BATCH {
        if app.quit {
            break;
        }
        match input.try_recv() {
            Ok(event) => dirty |= app.handle_event(event?),
            Err(_) => break,
        }
    }
    Ok(dirty)
}

/// SIGTERM and SIGHUP, as one future.
struct Stop {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
}

impl Stop {
    fn new() -> std::io::Result<Stop> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Stop {
                term: signal(SignalKind::terminate())?,
                hup: signal(SignalKind::hangup())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Stop {})
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.hup.recv() => {}
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await
    }
}

#[cfg(test)]
mod tests;
