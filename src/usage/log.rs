//! Reading Kubernetes audit logs (the JSON-lines log backend: one audit.k8s.io/v1 Event per line), plain or gzip,
//! from files, directories or stdin, one line at a time (memory does not grow with the log's size).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UserInfo {
    pub username: String,
    pub groups: Vec<String>,
    pub extra: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectRef {
    pub resource: String,
    pub namespace: String,
    pub name: String,
    pub api_group: String,
    pub subresource: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResponseStatus {
    pub code: Option<u16>,
}

/// The fields of an audit Event that usage needs.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Event {
    pub kind: String,
    pub api_version: String,
    pub audit_id: String,
    pub stage: String,
    pub request_uri: String,
    pub verb: String,
    pub user: UserInfo,
    pub impersonated_user: Option<UserInfo>,
    pub object_ref: Option<ObjectRef>,
    pub response_status: Option<ResponseStatus>,
    pub request_received_timestamp: String,
    pub annotations: BTreeMap<String, String>,
}

impl Event {
    /// The identity the request was authorized as (the impersonated user when there is one).
    pub fn effective_user(&self) -> &UserInfo {
        self.impersonated_user.as_ref().unwrap_or(&self.user)
    }

    /// Whether authorization refused it: the authorizer's decision annotation, else a 403 response.
    pub fn forbidden(&self) -> bool {
        match self.annotations.get("authorization.k8s.io/decision").map(String::as_str) {
            Some("forbid") => true,
            Some(_) => false,
            None => self.response_status.as_ref().and_then(|s| s.code) == Some(403),
        }
    }

    /// Events are logged once per stage; count each request once, at its final stage.
    pub fn is_final_stage(&self) -> bool {
        matches!(self.stage.as_str(), "ResponseComplete" | "Panic" | "")
    }
}

/// A problem with one line, reported and skipped.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BadLine {
    pub file: String,
    pub line: usize,
    pub error: String,
}

/// Every file under the paths (directories recursively, sorted), `-` for stdin.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" || !p.is_dir() {
            out.push(p.clone());
            continue;
        }
        let mut stack = vec![p.clone()];
        let mut found = Vec::new();
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).with_context(|| format!("cannot read directory {}", d.display()))? {
                let path = e?.path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    found.push(path);
                }
            }
        }
        found.sort();
        out.extend(found);
    }
    Ok(out)
}

fn open(path: &Path) -> Result<Box<dyn BufRead>> {
    let mut raw: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(
            std::fs::File::open(path)
                .map_err(|e| anyhow!("cannot read audit log {}: {e} (check --audit-log)", path.display()))?,
        )
    };
    // Peek at the first two bytes: gzip starts with 1f 8b.
    let mut magic = [0u8; 2];
    let mut n = 0;
    while n < 2 {
        let k = raw.read(&mut magic[n..])?;
        if k == 0 {
            break;
        }
        n += k;
    }
    let head = std::io::Cursor::new(magic[..n].to_vec());
    let chained = head.chain(raw);
    if n == 2 && magic == [0x1f, 0x8b] {
        Ok(Box::new(BufReader::with_capacity(1 << 16, flate2::read::MultiGzDecoder::new(chained))))
    } else {
        Ok(Box::new(BufReader::with_capacity(1 << 16, chained)))
    }
}

/// How many leading lines may fail before a file is judged not to be an audit log at all.
const FORMAT_PROBE_LINES: usize = 20;

/// Calls `f` for every audit Event in the files; malformed lines go to `bad` and are skipped. A file whose first
/// lines are all something else than audit Events is an error.
pub fn for_each_event(paths: &[PathBuf], bad: &mut Vec<BadLine>, mut f: impl FnMut(Event)) -> Result<()> {
    for path in expand(paths)? {
        let name = if path.as_os_str() == "-" { "<stdin>".to_string() } else { path.display().to_string() };
        let mut reader = open(&path)?;
        let mut line = String::new();
        let (mut number, mut good, mut leading_bad) = (0usize, 0usize, 0usize);
        loop {
            line.clear();
            let read = match reader.read_line(&mut line) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    bail!(
                        "{name}: not UTF-8 text or a gzip stream that is corrupt ({e}); expected audit.k8s.io/v1 Event JSON lines"
                    )
                }
                Err(e) => {
                    // A truncated gzip stream ends the file; what was read counts.
                    bad.push(BadLine { file: name.clone(), line: number + 1, error: format!("read error: {e}") });
                    break;
                }
            };
            if read == 0 {
                break;
            }
            number += 1;
            let text = line.trim();
            if text.is_empty() {
                continue;
            }
            let parsed: Result<Event, String> =
                serde_json::from_str::<Event>(text).map_err(|e| e.to_string()).and_then(|ev| {
                    if ev.kind == "Event" && ev.api_version.starts_with("audit.k8s.io/") {
                        Ok(ev)
                    } else {
                        Err(format!("not an audit Event (kind {:?}, apiVersion {:?})", ev.kind, ev.api_version))
                    }
                });
            match parsed {
                Ok(ev) => {
                    good += 1;
                    f(ev);
                }
                Err(error) => {
                    if good == 0 {
                        leading_bad += 1;
                        if leading_bad >= FORMAT_PROBE_LINES {
                            bail!(
                                "{name} is not a Kubernetes audit log: its first {FORMAT_PROBE_LINES} lines are not \
                                 audit.k8s.io/v1 Events (expected the JSON-lines log backend, --audit-log-format=json)"
                            );
                        }
                    }
                    bad.push(BadLine { file: name.clone(), line: number, error });
                }
            }
        }
        if good == 0 && leading_bad > 0 {
            bail!(
                "{name} is not a Kubernetes audit log: no line is an audit.k8s.io/v1 Event (expected the JSON-lines \
                 log backend, --audit-log-format=json)"
            );
        }
    }
    Ok(())
}
