//! Audit-log throughput of `usage`: generates a JSON-lines audit log (default 1 GiB; KUBECTL_SA_BENCH_LOG_MB to
//! change), then aggregates it as `kubectl sa usage --offline` does, and prints MB/s and peak RSS.
//! Run: cargo bench --bench usage_log

use std::io::{BufWriter, Write};
use std::time::Instant;

use kubectl_sa::usage::{Aggregator, log};

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let target_mb: u64 = std::env::var("KUBECTL_SA_BENCH_LOG_MB").ok().and_then(|s| s.parse().ok()).unwrap_or(1024);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("audit.log");
    let started = Instant::now();
    {
        let mut w = BufWriter::new(std::fs::File::create(&path).expect("create"));
        let verbs = ["get", "list", "watch", "create", "update", "patch", "delete"];
        let resources = ["pods", "configmaps", "secrets", "deployments", "services", "events", "leases"];
        let (mut written, mut i) = (0u64, 0u64);
        while written < target_mb << 20 {
            let ns = format!("team-{}", i % 200);
            let sa = format!("sa-{}", i % 2000);
            let line = format!(
                concat!(
                    "{{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\"{:032x}\",",
                    "\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/{}/{}/obj-{}\",\"verb\":\"{}\",",
                    "\"user\":{{\"username\":\"system:serviceaccount:{}:{}\",\"uid\":\"u-{}\",\"groups\":[\"system:serviceaccounts\",",
                    "\"system:serviceaccounts:{}\",\"system:authenticated\"],\"extra\":{{\"authentication.kubernetes.io/pod-name\":",
                    "[\"pod-{}\"],\"authentication.kubernetes.io/credential-id\":[\"JTI={:016x}\"]}}}},\"sourceIPs\":[\"10.0.0.1\"],",
                    "\"userAgent\":\"controller/v1.0\",\"objectRef\":{{\"resource\":\"{}\",\"namespace\":\"{}\",\"name\":\"obj-{}\",",
                    "\"apiVersion\":\"v1\"}},\"responseStatus\":{{\"metadata\":{{}},\"code\":{}}},",
                    "\"requestReceivedTimestamp\":\"2026-11-{:02}T{:02}:{:02}:{:02}.000000Z\",\"stageTimestamp\":\"2026-11-01T00:00:00.000000Z\",",
                    "\"annotations\":{{\"authorization.k8s.io/decision\":\"{}\",\"authorization.k8s.io/reason\":\"\"}}}}\n"
                ),
                i,
                ns,
                resources[(i % 7) as usize],
                i % 50,
                verbs[(i % 7) as usize],
                ns,
                sa,
                i % 2000,
                ns,
                i % 4000,
                i % 9000,
                resources[(i % 7) as usize],
                ns,
                i % 50,
                if i % 17 == 0 { 403 } else { 200 },
                1 + (i / 100_000) % 28,
                (i / 3600) % 24,
                (i / 60) % 60,
                i % 60,
                if i % 17 == 0 { "forbid" } else { "allow" }
            );
            w.write_all(line.as_bytes()).expect("write");
            written += line.len() as u64;
            i += 1;
        }
    }
    let size = std::fs::metadata(&path).expect("size").len();
    eprintln!("generated {:.0} MiB ({} s)", size as f64 / 1048576.0, started.elapsed().as_secs());
    let rss_before = peak_rss_mb();
    let t = Instant::now();
    let mut agg = Aggregator::new(None, None, None);
    let mut bad = Vec::new();
    log::for_each_event(std::slice::from_ref(&path), &mut bad, |ev| agg.add(ev)).expect("read");
    let counted = agg.events_counted;
    let report = agg.report(None, true, bad);
    let secs = t.elapsed().as_secs_f64();
    println!(
        "usage: {:.0} MiB, {} events, {} ServiceAccounts in {:.2} s = {:.0} MiB/s; peak RSS {:.0} MiB (before reading: {:.0} MiB)",
        size as f64 / 1048576.0,
        counted,
        report.service_accounts.len(),
        secs,
        size as f64 / 1048576.0 / secs,
        peak_rss_mb(),
        rss_before
    );
}
