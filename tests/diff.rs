//! `diff` on generated worlds: for sampled requests of every ServiceAccount, the requests whose RBAC answer changed
//! between two states are exactly those the entries cover (none missed, no phantom), in the right direction.

mod support;

use kubectl_sa::diff::{self, Entry};
use kubectl_sa::model::Cluster;
use kubectl_sa::rbac::{Request, UserInfo, authorize};
use serde_json::Value;
use support::world::{Asker, Rng, World};

/// The world with some objects dropped and some rules rewritten: a change touching bindings, roles and
/// aggregation labels.
fn changed(w: &World, rng: &mut Rng) -> Cluster {
    let mut objects: Vec<Value> = Vec::new();
    for o in &w.objects {
        let kind = o["kind"].as_str().unwrap_or("");
        if matches!(kind, "RoleBinding" | "ClusterRoleBinding" | "Role" | "ClusterRole") && rng.chance(15) {
            continue;
        }
        let mut o = o.clone();
        if matches!(kind, "Role" | "ClusterRole")
            && rng.chance(20)
            && let Some(rules) = o["rules"].as_array_mut()
        {
            for r in rules.iter_mut() {
                if let Some(verbs) = r["verbs"].as_array_mut() {
                    if rng.chance(50) {
                        verbs.push("*".into());
                    } else if verbs.len() > 1 {
                        verbs.pop();
                    }
                }
                if rng.chance(30) {
                    r["resourceNames"] = serde_json::json!(["n1"]);
                }
            }
        }
        if kind == "ClusterRole" && rng.chance(10) {
            o["metadata"]["labels"] = serde_json::json!({});
        }
        objects.push(o);
    }
    let text = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": objects}).to_string();
    let mut b = kubectl_sa::model::ClusterBuilder::default();
    kubectl_sa::source::snapshot::load_text("after", &text, &mut b).expect("the changed world loads");
    b.build()
}

fn covering<'a>(entries: &'a [Entry], namespace: &str, attrs: [&str; 5]) -> Vec<&'a Entry> {
    // A namespace listed with entries of its own is described by them; any other by the cluster scope's.
    let scope =
        if !namespace.is_empty() && entries.iter().any(|e| e.scope == namespace) { namespace } else { "cluster" };
    entries.iter().filter(|e| e.scope == scope && e.cube.contains(attrs)).collect()
}

#[test]
fn entries_cover_exactly_the_requests_whose_answer_changed() {
    let (mut checked, mut changes) = (0, 0);
    for seed in [3, 4, 5, 6] {
        let w = World::generate(seed);
        let before = w.cluster();
        let mut rng = Rng::new(seed * 31);
        let after = changed(&w, &mut rng);
        let report = diff::compare(&before, &after);
        for _ in 0..4000 {
            let (asker, sample) = w.sample_asked(&mut rng);
            let Asker::Sa(ns, name) = &asker else { continue };
            // A ServiceAccount that neither exists nor is named is no concrete subject: its groups carry the change.
            if name != "default" && !w.service_accounts.contains(&(ns.clone(), name.clone())) {
                continue;
            }
            let request = sample.to_request();
            let Request::Resource { verb, attrs } = &request else { continue };
            let user = UserInfo::service_account(ns, name);
            let was = authorize(&before, &user, &request).allowed;
            let is = authorize(&after, &user, &request).allowed;
            let subject = report
                .subjects
                .iter()
                .find(|s| s.subject.kind == "ServiceAccount" && s.subject.namespace == *ns && s.subject.name == *name);
            let key = [verb.as_str(), &attrs.group, &attrs.resource, &attrs.subresource, &attrs.name];
            let added = subject.map(|s| covering(&s.added, &attrs.namespace, key).len()).unwrap_or(0);
            let removed = subject.map(|s| covering(&s.removed, &attrs.namespace, key).len()).unwrap_or(0);
            checked += 1;
            changes += usize::from(was != is);
            assert_eq!(
                (added, removed),
                (usize::from(is && !was), usize::from(was && !is)),
                "seed {seed}: {ns}/{name} {request}: before {was}, after {is}; entries {:?}",
                subject.map(|s| (&s.added, &s.removed))
            );
        }
    }
    assert!(changes > 50, "too few changed answers to test: {changes} of {checked}");
}
