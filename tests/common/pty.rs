//! The real console on a pseudo-terminal: start it, type keys, read the
//! screen through a VT parser.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub type Screen = Arc<Mutex<vt100::Parser<Heard>>>;

/// What the program asked of the terminal besides drawing, as the
/// terminal understood it: a BEL that ends an OSC 52 copy is no bell.
#[derive(Default)]
pub struct Heard {
    /// Each copy to the clipboard (OSC 52): the selection and the base64
    /// payload, in order.
    pub copies: Vec<(Vec<u8>, Vec<u8>)>,
    /// How many times the terminal bell rang.
    pub bells: usize,
}

impl vt100::Callbacks for Heard {
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, ty: &[u8], data: &[u8]) {
        self.copies.push((ty.to_vec(), data.to_vec()));
    }

    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }
}

pub fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap()
}

pub fn size(cols: u16, rows: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

pub fn cli(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("fireground").unwrap();
    cmd.env("FIREGROUND_DB", dir.join("fg.db"))
        .env("FIREGROUND_USER", "ana")
        .env("XDG_CONFIG_HOME", dir)
        .env("XDG_DATA_HOME", dir)
        .env("TZ", "UTC")
        .env_remove("FIREGROUND_INCIDENT");
    cmd
}

pub struct Console {
    pub master: Box<dyn MasterPty + Send>,
    pub writer: Box<dyn Write + Send>,
    pub child: Box<dyn Child + Send + Sync>,
    pub screen: Screen,
    pub reader: std::thread::JoinHandle<()>,
}

impl Console {
    pub fn start(dir: &Path, cols: u16, rows: u16) -> Console {
        Console::start_with(dir, cols, rows, &[])
    }

    pub fn start_with(dir: &Path, cols: u16, rows: u16, env: &[(&str, &str)]) -> Console {
        Console::spawn(dir, cols, rows, env, &[])
    }

    /// A subcommand run on the terminal, as a person types it.
    pub fn command(dir: &Path, args: &[&str]) -> Console {
        Console::spawn(dir, 80, 24, &[], args)
    }

    fn spawn(dir: &Path, cols: u16, rows: u16, env: &[(&str, &str)], args: &[&str]) -> Console {
        let pair = native_pty_system().openpty(size(cols, rows)).unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_fireground"));
        cmd.args(args);
        cmd.env("FIREGROUND_DB", dir.join("fg.db"));
        cmd.env("FIREGROUND_USER", "ana");
        cmd.env("XDG_CONFIG_HOME", dir);
        cmd.env("XDG_DATA_HOME", dir);
        cmd.env("TZ", "UTC");
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("FIREGROUND_INCIDENT");
        cmd.env_remove("NO_COLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let screen: Screen = Arc::new(Mutex::new(vt100::Parser::new_with_callbacks(
            nz(rows),
            nz(cols),
            0,
            Heard::default(),
        )));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let sink = Arc::clone(&screen);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().process(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().unwrap();
        Console {
            master: pair.master,
            writer,
            child,
            screen,
            reader,
        }
    }

    pub fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// The base64 payloads the program has copied to the clipboard (`c`).
    pub fn copied(&self) -> Vec<String> {
        let parser = self.screen.lock().unwrap();
        parser
            .callbacks()
            .copies
            .iter()
            .filter(|(ty, _)| ty == b"c")
            .map(|(_, data)| String::from_utf8_lossy(data).into_owned())
            .collect()
    }

    /// How many times the terminal bell has rung.
    pub fn bells(&self) -> usize {
        self.screen.lock().unwrap().callbacks().bells
    }

    /// Waits until the screen shows `text`; fails with the screen if not.
    pub fn wait_for(&self, text: &str) {
        self.wait_for_within(text, Duration::from_secs(10));
    }

    /// As [`Console::wait_for`], waiting up to `within`.
    pub fn wait_for_within(&self, text: &str, within: Duration) {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if self.contents().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("'{text}' never appeared; the screen:\n{}", self.contents());
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // One key at a time reaches the app as separate key events.
        std::thread::sleep(Duration::from_millis(30));
    }

    /// Pastes as a terminal does with bracketed paste on: the text between
    /// the start and end markers, its line breaks sent as carriage returns.
    pub fn paste(&mut self, text: &str) {
        let body = text.replace('\n', "\r");
        self.send(&format!("\x1b[200~{body}\x1b[201~"));
    }

    pub fn resize(&self, cols: u16, rows: u16) {
        self.screen.lock().unwrap().set_size(nz(rows), nz(cols));
        self.master.resize(size(cols, rows)).unwrap();
    }

    /// Waits for the process to end; returns its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            assert!(Instant::now() < deadline, "the console did not quit");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Lets the reader take the last bytes the process wrote.
    pub fn drain(self) -> Screen {
        drop(self.writer);
        drop(self.master);
        let _ = self.reader.join();
        self.screen
    }
}
