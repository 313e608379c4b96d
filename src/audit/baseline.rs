//! Baselines: findings accepted once (typically the system components every cluster has), hidden afterwards.
//! A finding is matched by its fingerprint (id, ServiceAccount, severity and scope), so a finding that grows
//! (a new namespace, a higher severity) shows up again.

use std::collections::HashSet;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::Finding;

pub const API_VERSION: &str = "kubectl-sa/v1";
pub const KIND: &str = "AuditBaseline";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Baseline {
    pub api_version: String,
    pub kind: String,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub id: String,
    pub service_account: super::SaRef,
    pub severity: super::Severity,
    pub scope: Vec<String>,
    pub fingerprint: String,
}

impl Entry {
    pub fn of(f: &Finding) -> Entry {
        Entry {
            id: f.id.clone(),
            service_account: super::SaRef {
                namespace: f.service_account.namespace.clone(),
                name: f.service_account.name.clone(),
            },
            severity: f.severity,
            scope: f.scope.clone(),
            fingerprint: f.fingerprint.clone(),
        }
    }
}

impl Baseline {
    pub fn new(findings: Vec<Entry>) -> Baseline {
        Baseline { api_version: API_VERSION.into(), kind: KIND.into(), findings }
    }

    pub fn read(path: &Path) -> Result<Baseline> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read --baseline {}", path.display()))?;
        let b: Baseline = serde_json::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "--baseline {} is not a kubectl-sa baseline ({e}); write one with --write-baseline",
                path.display()
            )
        })?;
        if b.kind != KIND || b.api_version != API_VERSION {
            bail!(
                "--baseline {} has kind {:?} and apiVersion {:?}; expected {KIND} {API_VERSION} (write one with \
                 --write-baseline)",
                path.display(),
                b.kind,
                b.api_version
            );
        }
        Ok(b)
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        std::fs::write(path, text).with_context(|| format!("cannot write --write-baseline {}", path.display()))
    }

    /// The fingerprints of the findings the baseline hides.
    pub fn fingerprints(&self) -> HashSet<&str> {
        self.findings.iter().map(|e| e.fingerprint.as_str()).collect()
    }
}
