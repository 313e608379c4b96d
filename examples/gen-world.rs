//! Writes a synthetic cluster snapshot for the benchmarks, shaped like `kubectl get -o json|yaml` output of
//! Namespaces, ServiceAccounts, Roles, ClusterRoles, RoleBindings and ClusterRoleBindings. It uses the
//! differential tests' world generator, so the snapshots have the same mix of rules, aggregation, subjects and
//! dangling roleRefs that the live tests check against kube-apiserver.
//!
//!     cargo run --release --example gen-world -- --scale 1 --format json --out /tmp/world-1x.json
//!
//! Scale 1 is 2,000 namespaces, 20,000 ServiceAccounts, 50,000 RoleBindings, 5,000 ClusterRoleBindings,
//! 15,000 Roles and 5,000 ClusterRoles.

#[allow(dead_code)]
#[path = "../tests/support/world.rs"]
mod world;
// The world's request sampler names it; the generator never calls it.
#[allow(dead_code)]
#[path = "../tests/support/review.rs"]
mod review;

use std::io::Write;

use anyhow::{Context, Result, bail};
use clap::Parser;
use serde_json::{Value, json};

#[derive(Parser)]
#[command(about = "Write a synthetic cluster snapshot for the benchmarks")]
struct Args {
    /// 1 = 2,000 namespaces, 20,000 ServiceAccounts, 50,000 RoleBindings, 5,000 ClusterRoleBindings,
    /// 15,000 Roles, 5,000 ClusterRoles.
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    /// json or yaml, as `kubectl get -o`.
    #[arg(long, default_value = "json")]
    format: String,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output file; - for stdout.
    #[arg(long, default_value = "-")]
    out: String,
    /// Write a manifest to create the world on a live cluster: no server-set fields and no `default`
    /// ServiceAccounts (the controller manager creates those).
    #[arg(long)]
    for_apply: bool,
}

/// What `kubectl get` adds to every object, so that file sizes and parse work are realistic.
fn add_server_fields(object: &mut Value, n: usize) {
    let meta = &mut object["metadata"];
    meta["uid"] = json!(format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        n as u32,
        n % 0xffff,
        n % 0xfff,
        (n * 7) % 0xfff,
        n as u64 * 2_654_435_761
    ));
    meta["resourceVersion"] = json!((1000 + n).to_string());
    meta["creationTimestamp"] = json!("2026-01-01T00:00:00Z");
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.scale.is_nan() || args.scale <= 0.0 {
        bail!("--scale must be positive");
    }
    let size = world::Size::scaled(args.scale);
    let mut world = world::World::generate_sized(args.seed, &size);
    if !args.for_apply {
        // A snapshot taken with `kubectl get` holds the `default` ServiceAccount of every namespace.
        for ns in &world.namespaces {
            world.objects.push(json!({"apiVersion": "v1", "kind": "ServiceAccount",
                "metadata": {"name": "default", "namespace": ns}}));
        }
        for (n, object) in world.objects.iter_mut().enumerate() {
            add_server_fields(object, n);
        }
    }
    let list = json!({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": world.objects});
    let text = match args.format.as_str() {
        "json" => serde_json::to_string_pretty(&list)?,
        "yaml" => yaml_serde::to_string(&list)?,
        other => bail!("unknown --format {other:?}: use json or yaml"),
    };
    let objects = list["items"].as_array().map_or(0, Vec::len);
    let bytes = text.len();
    if args.out == "-" {
        std::io::stdout().lock().write_all(text.as_bytes())?;
    } else {
        std::fs::write(&args.out, text).with_context(|| format!("writing {}", args.out))?;
    }
    eprintln!(
        "{:?}: {} objects, {} bytes ({} namespaces, {} ServiceAccounts, {} Roles, {} RoleBindings, {} ClusterRoles, \
         {} ClusterRoleBindings)",
        args.out,
        objects,
        bytes,
        size.namespaces,
        size.service_accounts,
        size.roles,
        size.role_bindings,
        size.cluster_roles,
        size.cluster_role_bindings
    );
    Ok(())
}
