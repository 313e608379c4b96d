//! Micro benchmarks of the pure engine (no process start, no loading in the timed part).
//!
//! - `authorize/bootstrap/*`: the three cases of Kubernetes' BenchmarkAuthorize
//!   (plugin/pkg/auth/authorizer/rbac/rbac_test.go): user system:node:node1 in system:nodes and
//!   system:authenticated against the bootstrap policy, here as the real v1.37.2 API server serves it
//!   (tests/fixtures/real/rbac-bootstrap.json). `benches/k8s-authorize.sh` runs the Go side.
//! - `world-1x/*`: who-can, explain's evaluation, matrix for one ServiceAccount and for every ServiceAccount of a
//!   namespace, and audit -A, on the 1x synthetic world (examples/gen-world.rs), loaded once.
//!
//! Run: cargo bench --bench engine [-- FILTER]. KUBECTL_SA_BENCH_SCALE changes the world's scale (default 1).

#[allow(dead_code)]
#[path = "../tests/support/review.rs"]
mod review;
#[allow(dead_code)]
#[path = "../tests/support/world.rs"]
mod world;

// The allocator of the binary (src/main.rs), so that the engine is measured as it runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use criterion::{Criterion, criterion_group, criterion_main};
use kubectl_sa::cli::{Cli, Command};
use kubectl_sa::rbac::near_miss::near_misses;
use kubectl_sa::rbac::{self, Request, UserInfo, WhoCanScope};
use kubectl_sa::source::{self, Loaded};

fn load(args: &[&str]) -> (Cli, Loaded) {
    let cli = Cli::try_parse_from(args).expect("arguments");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let loaded =
        runtime.block_on(source::load(&cli.connection.settings().expect("valid flags"))).expect("snapshot loads");
    (cli, loaded)
}

fn bootstrap(c: &mut Criterion) {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/real/rbac-bootstrap.json");
    let (_, loaded) = load(&["kubectl-sa", "version", "-f", fixture]);
    let node = UserInfo::new("system:node:node1", &["system:nodes", "system:authenticated"]);
    let cases = [
        ("allow list pods", Request::resource("list", "", "pods", "", "", "")),
        ("allow update pods/status", Request::resource("update", "", "pods", "status", "mypods", "myns")),
        ("forbid educate dolphins", Request::resource("educate", "", "dolphins", "", "", "")),
    ];
    // Like-for-like: despite their names, Kubernetes denies all three (NoOpinion): since 1.7 the system:node
    // ClusterRoleBinding has no subjects (the Node authorizer serves nodes), so every binding is visited.
    for (name, request) in &cases {
        assert!(!rbac::authorize(&loaded.cluster, &node, request).allowed, "{name}: Kubernetes denies it");
    }
    let mut group = c.benchmark_group("authorize/bootstrap");
    for (name, request) in &cases {
        group.bench_function(*name, |b| b.iter(|| black_box(rbac::authorize(&loaded.cluster, &node, request))));
    }
    group.finish();
}

/// The 1x world, written once to a temp file and loaded as `-f` would.
fn world_snapshot() -> (tempfile::TempDir, PathBuf, world::World) {
    let scale: f64 = std::env::var("KUBECTL_SA_BENCH_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1.0);
    let w = world::World::generate_sized(1, &world::Size::scaled(scale));
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("world.json");
    std::fs::write(&path, w.manifest()).expect("write world");
    (dir, path, w)
}

fn world_1x(c: &mut Criterion) {
    let (_dir, path, w) = world_snapshot();
    let file = path.to_str().expect("utf-8 path");
    let ns = w.namespaces[5].clone();
    let sa = format!("{ns}:sa3");
    let (_, loaded) = load(&["kubectl-sa", "version", "-f", file]);
    let cluster = &loaded.cluster;
    let user = UserInfo::service_account(&ns, "sa3");

    let mut group = c.benchmark_group("world-1x");
    group.sample_size(20).measurement_time(Duration::from_secs(5));
    let secrets = Request::resource("get", "", "secrets", "", "", "");
    group.bench_function("who-can get secrets -A", |b| {
        b.iter(|| black_box(rbac::who_can(cluster, &secrets, &WhoCanScope::AllNamespaces)))
    });
    let pods = Request::resource("create", "", "pods", "", "", &ns);
    group.bench_function("who-can create pods -n NS", |b| {
        b.iter(|| black_box(rbac::who_can(cluster, &pods, &WhoCanScope::Request)))
    });
    // explain's evaluation: the decision, and when denied the ranked near misses.
    for (name, request) in [
        ("explain get secrets -n NS", Request::resource("get", "", "secrets", "", "", &ns)),
        ("explain delete nodes", Request::resource("delete", "", "nodes", "", "", "")),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let decision = rbac::authorize(cluster, &user, &request);
                let misses = if decision.allowed { Vec::new() } else { near_misses(cluster, &user, &request) };
                black_box((decision, misses))
            })
        });
    }
    // matrix runs as the command does, into a buffer.
    let matrix_cli = Cli::try_parse_from(["kubectl-sa", "matrix", &sa, "-o", "json"]).expect("arguments");
    let Command::Matrix(matrix_args) = &matrix_cli.command else { unreachable!("parsed as matrix") };
    group.bench_function("matrix SA", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            kubectl_sa::cmd::matrix::run(matrix_args, &loaded, &mut out).expect("matrix");
            black_box(out)
        })
    });
    let sas: Vec<String> =
        cluster.service_accounts.keys().filter(|(n, _)| *n == ns).map(|(n, name)| format!("{n}:{name}")).collect();
    let per_sa: Vec<Cli> = sas
        .iter()
        .map(|sa| Cli::try_parse_from(["kubectl-sa", "matrix", sa, "-o", "json"]).expect("arguments"))
        .collect();
    group.bench_function(format!("matrix every SA of NS ({})", sas.len()), |b| {
        b.iter(|| {
            for cli in &per_sa {
                let Command::Matrix(args) = &cli.command else { unreachable!("parsed as matrix") };
                let mut out = Vec::new();
                kubectl_sa::cmd::matrix::run(args, &loaded, &mut out).expect("matrix");
                black_box(out);
            }
        })
    });
    group.sample_size(10).measurement_time(Duration::from_secs(30));
    let options = kubectl_sa::audit::Options { workloads_known: loaded.workloads_known, ..Default::default() };
    group.bench_function("audit -A", |b| b.iter(|| black_box(kubectl_sa::audit::audit(cluster, &options))));
    let starts: Vec<(String, String)> = cluster.service_accounts.keys().cloned().collect();
    group.bench_function("paths --to cluster-admin -A", |b| {
        b.iter(|| {
            black_box(kubectl_sa::paths::find(
                cluster,
                kubectl_sa::paths::Target::ClusterAdmin,
                "cluster-admin",
                &starts,
                false,
                kubectl_sa::paths::DEFAULT_MAX_STEPS,
            ))
        })
    });
    group.finish();
}

criterion_group!(benches, bootstrap, world_1x);
criterion_main!(benches);
