//! `who-can -A` takes its matching rules from the cluster's resource -> rules index instead of evaluating every
//! role. Its answer must still be exactly the ServiceAccounts the authorizer allows in some namespace (or cluster
//! wide), and every roleRef it cannot resolve must be reported. Like the CLI, -A is asked for namespaced resources. `authorize` is the oracle here: it is checked
//! against a real API server's SubjectAccessReview in tests/live_cluster.rs.

mod support;

use std::collections::BTreeSet;

use kubectl_sa::rbac::{Request, UserInfo, WhoCanScope, authorize, who_can};
use support::world::{Rng, Sample, World};

fn in_namespace(request: &Request, namespace: &str) -> Request {
    let mut r = request.clone();
    if let Request::Resource { attrs, .. } = &mut r {
        attrs.namespace = namespace.to_string();
    }
    r
}

#[test]
fn who_can_across_namespaces_lists_exactly_the_service_accounts_allowed_somewhere() {
    let (mut checks, mut listed, mut errors) = (0usize, 0usize, 0usize);
    for seed in 1..=12u64 {
        let world = World::generate(seed);
        let cluster = world.cluster();
        let mut rng = Rng::new(seed * 31);
        let mut scopes: Vec<String> = world.namespaces.clone();
        scopes.push(String::new());
        while checks < seed as usize * 60 {
            let (_, sample) = world.sample_case(&mut rng);
            // As the CLI: -A applies to namespaced resources; others are answered for their own scope.
            if !matches!(sample, Sample::Resource { namespaced: true, .. }) {
                continue;
            }
            let request = sample.to_request();
            let answer = who_can(&cluster, &request, &WhoCanScope::AllNamespaces);
            let got: BTreeSet<(String, String)> = answer
                .service_accounts
                .iter()
                .filter(|s| s.exists)
                .map(|s| (s.namespace.clone(), s.name.clone()))
                .collect();
            // The ServiceAccounts in the snapshot (a namespace's `default` is made by the controller, not the manifest).
            let expected: BTreeSet<(String, String)> = cluster
                .service_accounts
                .keys()
                .filter(|(ns, name)| {
                    let user = UserInfo::service_account(ns, name);
                    scopes.iter().any(|scope| authorize(&cluster, &user, &in_namespace(&request, scope)).allowed)
                })
                .cloned()
                .collect();
            assert_eq!(got, expected, "seed {seed}: who-can -A {request}");
            // Every dangling roleRef is reported, once, in order.
            let reported: Vec<String> = answer.errors.iter().map(|e| e.binding.to_string()).collect();
            let mut dangling: Vec<String> = cluster
                .all_bindings()
                .filter(|(_, b)| cluster.resolve_role(b).is_err())
                .map(|(_, b)| kubectl_sa::rbac::ObjectRef::of_binding(b).to_string())
                .collect();
            dangling.sort_by(|a, b| {
                // ResolutionError order: kind, name, namespace.
                let key = |s: &String| {
                    let parts: Vec<&str> = s.split('/').collect();
                    match parts.as_slice() {
                        [kind, ns, name] => (kind.to_string(), name.to_string(), ns.to_string()),
                        [kind, name] => (kind.to_string(), name.to_string(), String::new()),
                        _ => (s.clone(), String::new(), String::new()),
                    }
                };
                key(a).cmp(&key(b))
            });
            assert_eq!(reported, dangling, "seed {seed}: who-can -A {request}: dangling roleRefs");
            checks += 1;
            listed += got.len();
            errors += reported.len();
        }
    }
    // The worlds must exercise the comparison: requests that some ServiceAccounts hold and dangling roleRefs.
    assert_eq!(checks, 12 * 60);
    assert!(listed > checks, "only {listed} ServiceAccounts listed over {checks} requests");
    assert!(errors > 0, "no dangling roleRef in the worlds");
}

/// who-can -A visits only the bindings of the roles whose rules match, through the cluster's roleRef reverse index:
/// it must list every binding whose roleRef resolves to the role, once, in binding order.
#[test]
fn the_reverse_role_index_lists_each_roles_bindings_in_order() {
    let mut indexed = 0;
    for seed in 1..=6u64 {
        let world = World::generate(seed);
        let cluster = world.cluster();
        for number in 0..cluster.role_count() {
            let expected: Vec<_> = cluster
                .all_bindings()
                .filter(|(id, _)| cluster.role_in(cluster.role_slot(*id)).is_some_and(|(n, _)| n == number))
                .map(|(id, _)| id)
                .collect();
            assert_eq!(cluster.bindings_of_role(number), expected.as_slice(), "seed {seed}: role {number}");
            indexed += expected.len();
        }
        assert!(cluster.bindings_of_role(cluster.role_count()).is_empty());
    }
    assert!(indexed > 50, "the worlds have bindings to index ({indexed})");
}
