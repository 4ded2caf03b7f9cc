//! Writes the benchmarks' data sets as JSON Lines, the sync wire format, so
//! `fireground sync FILE` imports them into any database:
//!
//! ```sh
//! cargo run --release --example generate -- events 100000 big.jsonl
//! cargo run --release --example generate -- incidents 2000 100 history.jsonl
//! ```

#[path = "../benches/support/mod.rs"]
mod support;

use std::io::{BufWriter, Write};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |s: &str| -> usize {
        s.parse().unwrap_or_else(|_| {
            eprintln!("generate: '{s}' is not a number");
            std::process::exit(2)
        })
    };
    let (events, out) = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["events", n, out] => (support::incident_events(number(n)).1, out),
        ["incidents", k, n, out] => (support::many_incidents(number(k), number(n)), out),
        _ => {
            eprintln!("usage: generate events N FILE | generate incidents K N FILE");
            std::process::exit(2)
        }
    };
    let file = std::fs::File::create(out).unwrap_or_else(|e| {
        eprintln!("generate: cannot create {out}: {e}");
        std::process::exit(1)
    });
    let mut w = BufWriter::new(file);
    for e in &events {
        let line = serde_json::to_string(e).expect("an event serialises");
        writeln!(w, "{line}").expect("the data set is written");
    }
    w.flush().expect("the data set is written");
}
