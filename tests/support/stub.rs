//! A tiny HTTP/1.1 server on 127.0.0.1 for fault injection: each request is answered by a handler from its
//! path and query. Bounded: it serves at most `max_requests` connections and stops after `lifetime`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub enum Reply {
    Json(u16, String),
    /// Accept the request and never answer (until the server stops).
    Hang,
}

pub struct Stub {
    pub url: String,
    pub requests: Arc<Mutex<Vec<String>>>,
    /// The User-Agent header of each request.
    agents: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Stub {
    pub fn start(handler: impl Fn(&str) -> Reply + Send + Sync + 'static) -> Stub {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener.set_nonblocking(true).expect("nonblocking");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let agents = Arc::new(Mutex::new(Vec::new()));
        let (stop2, requests2, agents2) = (stop.clone(), requests.clone(), agents.clone());
        let handler = Arc::new(handler);
        let served = Arc::new(AtomicUsize::new(0));
        let handle = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(60);
            let max_requests = 500;
            while !stop2.load(Ordering::SeqCst)
                && Instant::now() < deadline
                && served.load(Ordering::SeqCst) < max_requests
            {
                match listener.accept() {
                    Ok((stream, _)) => {
                        served.fetch_add(1, Ordering::SeqCst);
                        let (h, r, a, s) = (handler.clone(), requests2.clone(), agents2.clone(), stop2.clone());
                        std::thread::spawn(move || serve(stream, &*h, &r, &a, &s));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Stub { url, requests, agents, stop, handle: Some(handle) }
    }

    pub fn paths(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    pub fn user_agents(&self) -> Vec<String> {
        self.agents.lock().unwrap().clone()
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn serve(
    stream: TcpStream,
    handler: &dyn Fn(&str) -> Reply,
    log: &Mutex<Vec<String>>,
    agents: &Mutex<Vec<String>>,
    stop: &AtomicBool,
) {
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut stream = stream;
    // Keep-alive: serve requests on this connection until it closes.
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut content_length = 0usize;
        let mut agent = String::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" || line == "\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                content_length = v.trim().parse().unwrap_or(0);
            }
            if line.to_ascii_lowercase().starts_with("user-agent:") {
                agent = line["user-agent:".len()..].trim().to_string();
            }
        }
        let mut body = vec![0; content_length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let target = request_line.split_whitespace().nth(1).unwrap_or("/").to_string();
        log.lock().unwrap().push(target.clone());
        agents.lock().unwrap().push(agent);
        match handler(&target) {
            Reply::Json(code, body) => {
                let reason = match code {
                    200 => "OK",
                    403 => "Forbidden",
                    410 => "Gone",
                    500 => "Internal Server Error",
                    _ => "Status",
                };
                let resp = format!(
                    "HTTP/1.1 {code} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                if stream.write_all(resp.as_bytes()).is_err() {
                    return;
                }
            }
            Reply::Hang => {
                let until = Instant::now() + Duration::from_secs(20);
                while !stop.load(Ordering::SeqCst) && Instant::now() < until {
                    std::thread::sleep(Duration::from_millis(20));
                }
                return;
            }
        }
    }
}

/// A kubeconfig for `server` with a token user, written into `dir`.
pub fn kubeconfig(dir: &std::path::Path, server: &str, namespace: &str) -> std::path::PathBuf {
    let path = dir.join("kubeconfig");
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: stub\n  cluster:\n    server: {server}\nusers:\n- name: stub\n  user:\n    token: not-a-real-token\ncontexts:\n- name: stub\n  context:\n    cluster: stub\n    user: stub\n    namespace: {namespace}\ncurrent-context: stub\n"
        ),
    )
    .expect("write kubeconfig");
    path
}
