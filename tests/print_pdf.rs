//! The demo's postmortem draft printed to PDF as a reviewer would, with
//! headless Chromium: short sections share pages, so an hour's incident
//! fits in four A4 pages. Skipped, saying so, where Chromium is not
//! installed (`apt-get install chromium`).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Sandbox;

/// The most pages the demo's draft may take.
const MOST_PAGES: usize = 4;

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// Prints `html` to a PDF next to it, as the machine's Chromium does.
fn print_to_pdf(chromium: &Path, html: &Path) -> Vec<u8> {
    let pdf = html.with_extension("pdf");
    let profile = html.with_file_name("chromium-profile");
    let status = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("chromium runs");
    assert!(status.status.success(), "{status:?}");
    std::fs::read(&pdf).expect("a pdf")
}

/// Pages in a PDF: its page objects (`/Type /Page`, not `/Pages`).
fn pages(pdf: &[u8]) -> usize {
    let needle = b"/Type /Page";
    pdf.windows(needle.len() + 1)
        .filter(|w| &w[..needle.len()] == needle && w[needle.len()] != b's')
        .count()
}

#[test]
fn the_demo_s_postmortem_draft_prints_on_at_most_four_a4_pages() {
    let Some(chromium) = chromium() else {
        eprintln!("skipped: no Chromium on PATH to print with");
        return;
    };
    let s = Sandbox::new();
    s.ok(&["demo"]);
    let html = s.dir.path().join("postmortem.html");
    s.ok(&["print", "--format", "html", "--out", html.to_str().unwrap()]);
    let count = pages(&print_to_pdf(&chromium, &html));
    println!("the demo's draft printed on {count} A4 pages");
    assert!(
        (1..=MOST_PAGES).contains(&count),
        "{count} pages, at most {MOST_PAGES}"
    );
}
