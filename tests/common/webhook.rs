//! A webhook endpoint on the loopback interface, in this process: it
//! records every request and answers as a test tells it to, including the
//! ways real endpoints fail (an error status, a hang, a redirect, a huge
//! answer, a dropped connection).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// How the endpoint answers the next requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply {
    /// This status, with a short body.
    Status(u16),
    /// Reads the request and never answers (until the test ends).
    Hang,
    /// A 302 to itself: a redirect loop for a client that follows.
    Redirect,
    /// 200 with a 10 MB body.
    Huge,
    /// Closes the connection without a word.
    Close,
}

/// One request as it arrived.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "request body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct State {
    reply: Option<Reply>,
    requests: Vec<Request>,
}

pub struct Hook {
    port: u16,
    state: Arc<(Mutex<State>, Condvar)>,
}

impl Hook {
    /// Listens on 127.0.0.1, on a port the system picks, answering 200.
    pub fn start() -> Hook {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let state: Arc<(Mutex<State>, Condvar)> = Arc::default();
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || serve(stream, &shared, port));
            }
        });
        Hook { port, state }
    }

    /// The URL of `path` on this endpoint.
    pub fn url(&self, path: &str) -> String {
        format!(
            "http://127.0.0.1:{}/{}",
            self.port,
            path.trim_start_matches('/')
        )
    }

    /// Answers every request from now on as `reply` says.
    pub fn reply(&self, reply: Reply) {
        self.state.0.lock().unwrap().reply = Some(reply);
    }

    /// The requests so far.
    pub fn requests(&self) -> Vec<Request> {
        self.state.0.lock().unwrap().requests.clone()
    }

    /// Waits (up to `within`) until `n` requests have arrived; what arrived.
    pub fn wait_for(&self, n: usize, within: Duration) -> Vec<Request> {
        let deadline = Instant::now() + within;
        let (lock, arrived) = &*self.state;
        let mut state = lock.lock().unwrap();
        while state.requests.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            state = arrived.wait_timeout(state, left).unwrap().0;
        }
        state.requests.clone()
    }
}

fn serve(stream: TcpStream, state: &(Mutex<State>, Condvar), port: u16) {
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let Some(request) = read_request(&mut reader) else {
        return;
    };
    let reply = {
        let (lock, arrived) = state;
        let mut s = lock.lock().unwrap();
        s.requests.push(request);
        arrived.notify_all();
        s.reply.unwrap_or(Reply::Status(200))
    };
    let mut answer = |status: &str, extra: &str, body: &[u8]| {
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n",
            body.len()
        );
        let _ = writer.write_all(head.as_bytes());
        let _ = writer.write_all(body);
        let _ = writer.flush();
    };
    match reply {
        Reply::Status(code) => answer(&format!("{code} Status"), "", b"ok"),
        Reply::Hang => std::thread::sleep(Duration::from_secs(600)),
        Reply::Redirect => answer(
            "302 Found",
            &format!("Location: http://127.0.0.1:{port}/again\r\n"),
            b"",
        ),
        Reply::Huge => answer("200 OK", "", &vec![b'x'; 10 << 20]),
        Reply::Close => {}
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_string(), parts.next()?.to_string());
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':')?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}
