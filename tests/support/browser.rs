//! Debian's headless Chromium driven over the DevTools protocol (the `headless_chrome` crate): the report tests
//! and the report page benchmark (benches/report_page.rs) open pages with it.
#![allow(dead_code)] // each user takes what it needs

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::protocol::cdp::{Network, Page};
use headless_chrome::{Browser, LaunchOptions, Tab};
use serde_json::Value;

pub fn chromium() -> PathBuf {
    let path = std::env::var_os("KUBECTL_SA_CHROMIUM").map(PathBuf::from).unwrap_or_else(|| "/usr/bin/chromium".into());
    assert!(path.exists(), "{} is missing: install Debian's chromium (tests/run-all.sh does)", path.display());
    path
}

/// Where screenshots go: the test's output directory (target/tmp) for tests, the system's temporary one otherwise.
fn screenshots() -> PathBuf {
    let base = option_env!("CARGO_TARGET_TMPDIR").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let dir = base.join("report-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Debian's headless Chromium, as the machine's probe starts it (no background networking, a fresh profile).
pub struct Chromium {
    pub browser: Browser,
    _profile: tempfile::TempDir,
}

pub fn launch() -> Chromium {
    let profile = tempfile::tempdir().unwrap();
    let args: Vec<&std::ffi::OsStr> =
        ["--disable-gpu", "--disable-quic", "--disable-component-update", "--no-default-browser-check"]
            .iter()
            .map(std::ffi::OsStr::new)
            .collect();
    let options = LaunchOptions::default_builder()
        .path(Some(chromium()))
        .headless(true)
        .sandbox(false)
        .window_size(Some((1280, 900)))
        .user_data_dir(Some(profile.path().to_path_buf()))
        .args(args)
        .idle_browser_timeout(Duration::from_secs(300))
        .build()
        .unwrap();
    Chromium { browser: Browser::new(options).expect("headless Chromium starts"), _profile: profile }
}

/// One tab, and what the page did that it must not: errors and warnings logged, exceptions, and requests other
/// than the page's own file.
pub struct Session {
    pub tab: Arc<Tab>,
    pub problems: Arc<Mutex<Vec<String>>>,
    pub requests: Arc<Mutex<Vec<String>>>,
    /// The pages opened (their own requests are expected).
    pages: Mutex<Vec<String>>,
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.tab.close(false);
    }
}

impl Session {
    pub fn new(chromium: &Chromium) -> Session {
        let tab = chromium.browser.new_tab().unwrap();
        tab.set_default_timeout(Duration::from_secs(60));
        let problems = Arc::new(Mutex::new(Vec::new()));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (p, r) = (problems.clone(), requests.clone());
        tab.add_event_listener(Arc::new(move |event: &Event| match event {
            Event::RuntimeConsoleAPICalled(e) => {
                let kind = format!("{:?}", e.params.Type);
                if kind == "Error" || kind == "Warning" || kind == "Assert" {
                    let text: Vec<String> = e
                        .params
                        .args
                        .iter()
                        .map(|a| format!("{:?}", a.value.clone().or(a.description.clone().map(Value::String))))
                        .collect();
                    p.lock().unwrap().push(format!("console {kind}: {}", text.join(" ")));
                }
            }
            Event::RuntimeExceptionThrown(e) => {
                p.lock().unwrap().push(format!("exception: {:?}", e.params.exception_details.text));
            }
            Event::LogEntryAdded(e) => {
                let level = format!("{:?}", e.params.entry.level);
                if level == "Error" || level == "Warning" {
                    p.lock().unwrap().push(format!("log {level}: {}", e.params.entry.text));
                }
            }
            Event::NetworkRequestWillBeSent(e) => r.lock().unwrap().push(e.params.request.url.clone()),
            _ => {}
        }))
        .unwrap();
        tab.enable_runtime().unwrap();
        tab.enable_log().unwrap();
        let enable: Network::Enable = serde_json::from_value(serde_json::json!({})).unwrap();
        tab.call_method(enable).unwrap();
        Session { tab, problems, requests, pages: Mutex::new(Vec::new()) }
    }

    pub fn open(chromium: &Chromium, page: &Path, hash: &str) -> Session {
        let session = Session::new(chromium);
        session.visit(page, hash);
        session
    }

    /// Opens `page` at `hash` in this tab and waits until the page has built its view (it sets body[data-ready]).
    pub fn visit(&self, page: &Path, hash: &str) {
        let file = format!("file://{}", page.display());
        self.pages.lock().unwrap().push(file.clone());
        let url = format!("{file}{hash}");
        self.tab.navigate_to(&url).unwrap();
        let probe = format!(
            "document.URL === {} && !!document.body && document.body.dataset.ready === {}",
            Value::String(url.clone()),
            Value::String(if hash.is_empty() { "#overview" } else { hash }.into())
        );
        self.wait_for(&probe);
    }

    /// Waits (at most a minute) until `condition`, a JavaScript expression, is true.
    pub fn wait_for(&self, condition: &str) {
        for _ in 0..3000 {
            if self.tab.evaluate(condition, false).ok().and_then(|r| r.value) == Some(Value::Bool(true)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("never true: {condition}");
    }

    pub fn go(&self, hash: &str) {
        let hash = Value::String(hash.to_string());
        self.eval(&format!("location.hash = {hash}"));
        self.wait_for(&format!("document.body.dataset.ready === {hash}"));
    }

    pub fn eval(&self, js: &str) -> Value {
        let r = self.tab.evaluate(js, false).unwrap_or_else(|e| panic!("{js}: {e}"));
        r.value.unwrap_or(Value::Null)
    }

    /// The ids of the rows of the page's tables that have one, after showing every row.
    pub fn all_row_ids(&self) -> Vec<String> {
        let js = "(() => { const b = [...document.querySelectorAll('main button')].find(x => x.textContent === \
                  'Show more'); let n = 0; while (b && !b.hidden && n++ < 10000) b.click(); \
                  return JSON.stringify([...document.querySelectorAll('main tbody tr')].map(tr => tr.id).filter(id => id)); })()";
        serde_json::from_str(self.eval(js).as_str().unwrap()).unwrap()
    }

    pub fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.tab.capture_screenshot(Page::CaptureScreenshotFormatOption::Png, None, None, true).unwrap();
        assert!(png.len() > 1000, "an empty screenshot");
        let path = screenshots().join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Nothing was logged as an error or warning, nothing thrown, and the only requests were the pages themselves.
    pub fn assert_clean(&self) {
        let problems = self.problems.lock().unwrap();
        assert!(problems.is_empty(), "the page reported problems: {problems:#?}");
        let pages = self.pages.lock().unwrap();
        let others: Vec<String> = self
            .requests
            .lock()
            .unwrap()
            .iter()
            .filter(|u| !pages.iter().any(|p| u.starts_with(p.as_str())))
            .cloned()
            .collect();
        assert!(others.is_empty(), "the page made requests: {others:?}");
    }
}
