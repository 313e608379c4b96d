//! A spinner on stderr while objects are fetched from the API server: only on a terminal, and only once fetching
//! has taken more than a second, so quick runs and pipes never see it.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long fetching may take before the spinner appears.
const QUIET_FOR: Duration = Duration::from_secs(1);

/// Objects received so far; list pages add to it.
#[derive(Debug, Clone, Default)]
pub struct Fetched(Arc<AtomicUsize>);

impl Fetched {
    pub fn add(&self, n: usize) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }

    pub fn get(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}

/// Shows the spinner from [`QUIET_FOR`] after it starts until it is dropped. Needs a tokio runtime.
pub struct Progress {
    bar: Arc<Mutex<Option<ProgressBar>>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Progress {
    pub fn start(server: &str, fetched: Fetched) -> Progress {
        let bar: Arc<Mutex<Option<ProgressBar>>> = Arc::default();
        if !std::io::stderr().is_terminal() {
            return Progress { bar, task: None };
        }
        let (shown, server) = (bar.clone(), server.to_string());
        let task = tokio::spawn(async move {
            tokio::time::sleep(QUIET_FOR).await;
            let spinner = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            spinner.set_style(ProgressStyle::with_template("{spinner} {msg} ({elapsed})").unwrap_or_else(|_| {
                // The template is a constant: this branch only keeps a typo from panicking.
                ProgressStyle::default_spinner()
            }));
            spinner.enable_steady_tick(Duration::from_millis(120));
            if let Ok(mut slot) = shown.lock() {
                *slot = Some(spinner.clone());
            }
            loop {
                spinner.set_message(format!("fetching from {server}: {} objects", fetched.get()));
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
        Progress { bar, task: Some(task) }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
        if let Some(spinner) = self.bar.lock().ok().and_then(|mut b| b.take()) {
            spinner.finish_and_clear();
        }
    }
}
