//! How fast the `report` page becomes usable in headless Chromium: for one page (`-- PAGE [RUNS]`), each run opens
//! a fresh tab and times, from the navigation, the first view (the overview, with the page's data parsed) and then
//! the findings view (every finding unpacked and the first rows drawn). Prints one JSON object; benches/run.py
//! runs it on the 1x world's report and writes the medians to BENCHMARKS.md.

#[path = "../tests/support/browser.rs"]
mod browser;

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let page = std::path::PathBuf::from(args.next().expect("usage: report_page PAGE [RUNS]"));
    let runs: usize = args.next().map_or(3, |r| r.parse().expect("RUNS is a number"));
    let page = page.canonicalize().expect("the page exists");
    let chromium = browser::launch();
    let (mut first, mut findings) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let session = browser::Session::new(&chromium);
        let start = Instant::now();
        session.visit(&page, "");
        first.push(start.elapsed().as_secs_f64() * 1000.0);
        let start = Instant::now();
        session.go("#findings");
        findings.push(start.elapsed().as_secs_f64() * 1000.0);
        session.assert_clean();
    }
    let heap = browser::Session::new(&chromium);
    heap.visit(&page, "#findings");
    let used = heap.eval("performance.memory ? performance.memory.usedJSHeapSize : null");
    println!(
        "{}",
        serde_json::json!({
            "page": page, "bytes": std::fs::metadata(&page).unwrap().len(), "runs": runs,
            "first_view_ms": first, "findings_view_ms": findings, "js_heap_bytes": used,
        })
    );
}
