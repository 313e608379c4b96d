//! Edge cases of RBAC evaluation, table-driven. Every expectation comes from docs/semantics.md
//! (section named in each case) or, where the document is terse, from the Kubernetes sources it names.
//!
//! One world (WORLD below) holds one or a few bindings per identity, so that each case exercises exactly one thing.
//! `Expect::Deny` also requires that no grant and no resolution error is reported (A.4: errors only come from the
//! bindings whose subjects apply); `Expect::DenyErr(b)` requires a Deny with a resolution error naming binding `b`
//! (A.4/A.5). The reason strings (A.4: `RBAC: allowed by ...`, "" or `RBAC: <errors>`) are checked over the same
//! table by a separate test, `edge_cases_table_reasons`.

use std::collections::BTreeSet;

use kubectl_sa::model::{Cluster, ClusterBuilder};
use kubectl_sa::rbac::{Request, UserInfo, WhoCanScope, authorize, who_can};
use kubectl_sa::source::snapshot::load_text;

const WORLD: &str = r#"
apiVersion: v1
kind: Namespace
metadata: {name: ns1}
---
apiVersion: v1
kind: Namespace
metadata: {name: ns2}
---
apiVersion: v1
kind: Namespace
metadata: {name: team}
---
apiVersion: v1
kind: Namespace
metadata: {name: other}
---
apiVersion: v1
kind: Namespace
metadata: {name: default}
---
apiVersion: v1
kind: Namespace
metadata: {name: job-namespace}
---
apiVersion: v1
kind: Namespace
metadata: {name: forbidden-namespace}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, namespace: team}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: deployer, namespace: team}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: ci, namespace: team}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: nons, namespace: team}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: aliased, namespace: team}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: lower, namespace: team}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: x, namespace: team}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, namespace: other}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: deployer, namespace: other}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: x, namespace: other}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: nons, namespace: default}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: app, namespace: ns1}
---
# ---- rule matching: verbs, groups, resources ----
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: star-verbs}
rules:
- {verbs: ["*"], apiGroups: [""], resources: [pods]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: star-verbs}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: star-verbs}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-starverb}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: exact-verbs}
rules:
- {verbs: [get, list], apiGroups: [""], resources: [pods]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: exact-verbs}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: exact-verbs}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-exactverb}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: star-group}
rules:
- {verbs: [get], apiGroups: ["*"], resources: [deployments]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: star-group}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: star-group}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-stargroup}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: core-only}
rules:
- {verbs: [get], apiGroups: [""], resources: [deployments]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: core-only}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: core-only}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-core}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: star-resource}
rules:
- {verbs: [get], apiGroups: [""], resources: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: star-resource}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: star-resource}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-starres}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: any-scale}
rules:
- {verbs: [update], apiGroups: ["*"], resources: ["*/scale"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: any-scale}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: any-scale}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-scale}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pods-sub-star}
rules:
- {verbs: [get], apiGroups: [""], resources: ["pods/*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: pods-sub-star}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pods-sub-star}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-podsstar}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: star-star}
rules:
- {verbs: [get], apiGroups: [""], resources: ["*/*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: star-star}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: star-star}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-starstar}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-prefix}
rules:
- {verbs: [get], apiGroups: [""], resources: ["pod*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: pod-prefix}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-prefix}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-podprefix}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: upper-get}
rules:
- {verbs: [GET], apiGroups: [""], resources: [secrets]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: upper-get}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: upper-get}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-upper}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: empty-rules}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: empty-rules}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: empty-rules}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-empty}
---
# ---- resourceNames ----
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: named-cm}
rules:
- {verbs: [get, list, watch, create, update, delete, deletecollection], apiGroups: [""], resources: [configmaps], resourceNames: [cfg]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: named-cm}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: named-cm}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-names}
---
# ---- non-resource URLs ----
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: url-exact}
rules:
- {verbs: [get], nonResourceURLs: [/healthz]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: url-exact}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: url-exact}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-urlexact}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: url-all}
rules:
- {verbs: [get], nonResourceURLs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: url-all}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: url-all}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-urlall}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: url-sub}
rules:
- {verbs: [get], nonResourceURLs: ["/logs/*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: url-sub}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: url-sub}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-urlsub}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: url-prefix}
rules:
- {verbs: [get], nonResourceURLs: ["/foo*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: url-prefix}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: url-prefix}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-urlprefix}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: url-multistar}
rules:
- {verbs: [get, head], nonResourceURLs: ["/bar/**"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: url-multistar}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: url-multistar}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-urlmulti}
---
# ---- scoping ----
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-reader}
rules:
- {verbs: [get, list, watch], apiGroups: [""], resources: [pods]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: pod-reader, namespace: ns1}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-rb}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: read-pods}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-crbreader}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cluster-things}
rules:
- {verbs: [get, list], apiGroups: [""], resources: [nodes, namespaces, persistentvolumes]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: cluster-things, namespace: ns1}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-things}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-rbcluster}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: cluster-things}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-things}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-crbcluster}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pods-and-metrics}
rules:
- {verbs: [get], apiGroups: [""], resources: [pods]}
- {verbs: [get], nonResourceURLs: [/metrics]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: pods-and-metrics, namespace: ns1}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pods-and-metrics}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-rburl}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ns-editor}
rules:
- {verbs: [get, update, delete], apiGroups: [""], resources: [namespaces]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ns-editor, namespace: ns1}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ns-editor}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-nsquirk}
---
# ---- Role references are namespace-local ----
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: local, namespace: ns1}
rules:
- {verbs: [get], apiGroups: [""], resources: [secrets]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: local-ok, namespace: ns1}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: local}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-local}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: local-elsewhere, namespace: ns2}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: local}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-roleref}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: kind-matters, namespace: ns2}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-kindmatters}
---
# ---- dangling roleRefs ----
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: dangling-crb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: does-not-exist}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-dangling}
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-dangling3}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dangling-rb, namespace: ns1}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: no-such-role}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-dangling2}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: dangling3-valid}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-dangling3}
---
# ---- ServiceAccount subjects ----
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: team-builder, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}
subjects:
- {kind: ServiceAccount, name: builder}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: team-deployer, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}
subjects:
- {kind: ServiceAccount, name: deployer, namespace: other}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules:
- {verbs: [get, list], apiGroups: [""], resources: [secrets]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
- {kind: ServiceAccount, name: ci, namespace: team}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: nons}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
- {kind: ServiceAccount, name: nons}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cm-getter}
rules:
- {verbs: [get], apiGroups: [""], resources: [configmaps]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alias, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cm-getter}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: "system:serviceaccount:team:aliased"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: svc-reader}
rules:
- {verbs: [get], apiGroups: [""], resources: [services]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ghost-rb, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: svc-reader}
subjects:
- {kind: ServiceAccount, name: ghost, namespace: team}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ghost-crb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: svc-reader}
subjects:
- {kind: ServiceAccount, name: phantom, namespace: nowhere}
---
# ---- groups ----
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: lease-reader}
rules:
- {verbs: [get], apiGroups: [coordination.k8s.io], resources: [leases]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: all-sas}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: lease-reader}
subjects:
- {kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:serviceaccounts"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: event-reader}
rules:
- {verbs: [get], apiGroups: [""], resources: [events]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: team-sas}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: event-reader}
subjects:
- {kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:serviceaccounts:team"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: limitrange-reader}
rules:
- {verbs: [get], apiGroups: [""], resources: [limitranges]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: authenticated}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: limitrange-reader}
subjects:
- {kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:authenticated"}
---
# ---- wrong-case subject kinds, User "*" ----
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-creator}
rules:
- {verbs: [create], apiGroups: [""], resources: [pods]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: lowercase, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-creator}
subjects:
- {kind: serviceaccount, name: lower, namespace: team}
- {kind: user, apiGroup: rbac.authorization.k8s.io, name: lowuser}
- {kind: group, apiGroup: rbac.authorization.k8s.io, name: lowgroup}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cm-lister}
rules:
- {verbs: [list], apiGroups: [""], resources: [configmaps]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: star-user}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cm-lister}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: "*"}
---
# ---- aggregated ClusterRoles written without rules ----
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agg-labels}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {rbac.example.com/aggregate-to-agg: "true"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: agg-child-a
  labels: {rbac.example.com/aggregate-to-agg: "true"}
rules:
- {verbs: [get], apiGroups: [batch], resources: [cronjobs]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: agg-child-b
  labels: {rbac.example.com/aggregate-to-agg: "true"}
rules:
- {verbs: [list], apiGroups: [batch], resources: [jobs]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: agg-not-child
  labels: {rbac.example.com/aggregate-to-agg: "false"}
rules:
- {verbs: [get], apiGroups: [apps], resources: [statefulsets]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: agg-labels}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: agg-labels}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-agg}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: agg-labels, namespace: ns1}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: agg-labels}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-aggrb}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agg-expr}
aggregationRule:
  clusterRoleSelectors:
  - matchExpressions:
    - {key: tier, operator: In, values: [gold, silver]}
  - matchExpressions:
    - {key: extra, operator: Exists}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: tier-gold
  labels: {tier: gold}
rules:
- {verbs: [get], apiGroups: [networking.k8s.io], resources: [ingresses]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: tier-bronze
  labels: {tier: bronze}
rules:
- {verbs: [get], apiGroups: [networking.k8s.io], resources: [networkpolicies]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: extra-child
  labels: {extra: "x"}
rules:
- {verbs: [get], apiGroups: [policy], resources: [poddisruptionbudgets]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: agg-expr}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: agg-expr}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: u-aggexpr}
---
# ---- F.48 (authorizer part): a Role on batch/* in job-namespace ----
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: write-jobs, namespace: job-namespace}
rules:
- {verbs: ["*"], apiGroups: [batch], resources: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: write-jobs, namespace: job-namespace}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: write-jobs}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: job-writer}
"#;

#[derive(Clone, Copy, Debug)]
enum Who {
    User(&'static str, &'static [&'static str]),
    /// A ServiceAccount token: namespace, name (username plus its three groups).
    Sa(&'static str, &'static str),
}

#[derive(Clone, Copy, Debug)]
enum Req {
    Res {
        verb: &'static str,
        group: &'static str,
        resource: &'static str,
        sub: &'static str,
        name: &'static str,
        ns: &'static str,
    },
    Url {
        verb: &'static str,
        path: &'static str,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Allow,
    Deny,
    /// Deny, with a resolution error reported for the named binding.
    DenyErr(&'static str),
}
use Expect::{Allow, Deny, DenyErr};

struct Case {
    desc: &'static str,
    section: &'static str,
    who: Who,
    req: Req,
    expect: Expect,
}

/// Resource request: verb, group, resource, subresource, name, namespace.
const fn r(
    verb: &'static str,
    group: &'static str,
    resource: &'static str,
    sub: &'static str,
    name: &'static str,
    ns: &'static str,
) -> Req {
    Req::Res { verb, group, resource, sub, name, ns }
}

const fn url(verb: &'static str, path: &'static str) -> Req {
    Req::Url { verb, path }
}

const fn u(name: &'static str) -> Who {
    Who::User(name, &[])
}

const fn c(desc: &'static str, section: &'static str, who: Who, req: Req, expect: Expect) -> Case {
    Case { desc, section, who, req, expect }
}

#[rustfmt::skip]
const CASES: &[Case] = &[
    // ---- A.2.1 verbs ----
    c("`*` verb allows get", "A.2.1", u("u-starverb"), r("get", "", "pods", "", "", "ns1"), Allow),
    c("`*` verb allows deletecollection", "A.7", u("u-starverb"), r("deletecollection", "", "pods", "", "", "ns1"), Allow),
    c("`*` verb allows special verb escalate", "A.7", u("u-starverb"), r("escalate", "", "pods", "", "", "ns1"), Allow),
    c("`*` verb does not widen the resource", "A.2.3", u("u-starverb"), r("get", "", "services", "", "", "ns1"), Deny),
    c("`*` verb does not widen the group", "A.2.2", u("u-starverb"), r("get", "apps", "pods", "", "", "ns1"), Deny),
    c("exact verb get", "A.2.1", u("u-exactverb"), r("get", "", "pods", "", "", "ns1"), Allow),
    c("exact verbs: watch not implied by get/list", "A.7", u("u-exactverb"), r("watch", "", "pods", "", "", "ns1"), Deny),
    c("exact verbs: create not granted", "A.7", u("u-exactverb"), r("create", "", "pods", "", "", "ns1"), Deny),
    c("request verb `Get` != rule verb `get`", "A.2.1", u("u-exactverb"), r("Get", "", "pods", "", "", "ns1"), Deny),
    c("rule verb `GET` does not match get", "A.2.1", u("u-upper"), r("get", "", "secrets", "", "", "ns1"), Deny),
    c("rule verb `GET` matches request verb GET exactly", "A.2.1", u("u-upper"), r("GET", "", "secrets", "", "", "ns1"), Allow),
    c("empty resourceNames match any name", "A.2.4", u("u-exactverb"), r("get", "", "pods", "", "anything", "ns1"), Allow),
    c("ClusterRole with empty rules grants nothing", "A.5", u("u-empty"), r("get", "", "pods", "", "", "ns1"), Deny),
    // ---- A.2.2 groups ----
    c("`*` group matches apps", "A.2.2", u("u-stargroup"), r("get", "apps", "deployments", "", "", "ns1"), Allow),
    c("`*` group matches extensions", "A.2.2", u("u-stargroup"), r("get", "extensions", "deployments", "", "", "ns1"), Allow),
    c("`*` group matches core \"\"", "A.2.2", u("u-stargroup"), r("get", "", "deployments", "", "", "ns1"), Allow),
    c("\"\" group is core only: matches core", "A.2.2", u("u-core"), r("get", "", "deployments", "", "", "ns1"), Allow),
    c("\"\" group is core only: apps denied", "A.2.2", u("u-core"), r("get", "apps", "deployments", "", "", "ns1"), Deny),
    // ---- A.2.3 resources and subresources ----
    c("`*` resource matches pods", "A.2.3", u("u-starres"), r("get", "", "pods", "", "", "ns1"), Allow),
    c("`*` resource covers pods/log", "A.2.3", u("u-starres"), r("get", "", "pods", "log", "", "ns1"), Allow),
    c("`*` resource covers cluster-scoped nodes via CRB", "A.2.3", u("u-starres"), r("get", "", "nodes", "", "n1", ""), Allow),
    c("`*` resource does not widen the group", "A.2.2", u("u-starres"), r("get", "apps", "deployments", "", "", "ns1"), Deny),
    c("`*/scale` matches deployments/scale", "A.2.3", u("u-scale"), r("update", "apps", "deployments", "scale", "d", "ns1"), Allow),
    c("`*/scale` matches replicationcontrollers/scale", "A.2.3", u("u-scale"), r("update", "", "replicationcontrollers", "scale", "rc", "ns1"), Allow),
    c("`*/scale` does not match the parent resource", "A.2.3", u("u-scale"), r("update", "apps", "deployments", "", "d", "ns1"), Deny),
    c("`*/scale` does not match pods/status", "A.2.3", u("u-scale"), r("update", "", "pods", "status", "p", "ns1"), Deny),
    c("`*/scale` rule with verb update: get denied", "A.2.1", u("u-scale"), r("get", "apps", "deployments", "scale", "d", "ns1"), Deny),
    c("`pods/*` does not match pods/log", "A.2.3", u("u-podsstar"), r("get", "", "pods", "log", "p", "ns1"), Deny),
    c("`pods/*` does not match pods", "A.2.3", u("u-podsstar"), r("get", "", "pods", "", "p", "ns1"), Deny),
    c("`*/*` does not match pods/log", "A.2.3", u("u-starstar"), r("get", "", "pods", "log", "p", "ns1"), Deny),
    c("`*/*` does not match pods", "A.2.3", u("u-starstar"), r("get", "", "pods", "", "p", "ns1"), Deny),
    c("`pod*` is literal", "A.2.3", u("u-podprefix"), r("get", "", "pods", "", "p", "ns1"), Deny),
    // ---- A.2.4 / A.7 resourceNames ----
    c("resourceNames: get of the named object", "A.2.4", u("u-names"), r("get", "", "configmaps", "", "cfg", "ns1"), Allow),
    c("resourceNames: get of another object", "A.2.4", u("u-names"), r("get", "", "configmaps", "", "other", "ns1"), Deny),
    c("resourceNames: get with empty name", "A.2.4", u("u-names"), r("get", "", "configmaps", "", "", "ns1"), Deny),
    c("resourceNames: plain list", "A.7", u("u-names"), r("list", "", "configmaps", "", "", "ns1"), Deny),
    c("resourceNames: list with metadata.name=cfg", "A.7", u("u-names"), r("list", "", "configmaps", "", "cfg", "ns1"), Allow),
    c("resourceNames: watch with metadata.name=cfg", "A.7", u("u-names"), r("watch", "", "configmaps", "", "cfg", "ns1"), Allow),
    c("resourceNames: create on the collection", "A.7", u("u-names"), r("create", "", "configmaps", "", "", "ns1"), Deny),
    c("resourceNames: deletecollection", "A.7", u("u-names"), r("deletecollection", "", "configmaps", "", "", "ns1"), Deny),
    c("resourceNames: delete the named object", "A.7", u("u-names"), r("delete", "", "configmaps", "", "cfg", "ns1"), Allow),
    c("resourceNames: update the named object", "A.7", u("u-names"), r("update", "", "configmaps", "", "cfg", "ns1"), Allow),
    // ---- A.2 non-resource URLs ----
    c("URL exact match", "A.2", u("u-urlexact"), url("get", "/healthz"), Allow),
    c("URL exact: deeper path denied", "A.2", u("u-urlexact"), url("get", "/healthz/ready"), Deny),
    c("URL exact: other verb denied", "A.2", u("u-urlexact"), url("post", "/healthz"), Deny),
    c("URL `*` matches /", "A.2", u("u-urlall"), url("get", "/"), Allow),
    c("URL `*` matches any path", "A.2", u("u-urlall"), url("get", "/anything/at/all"), Allow),
    c("URL `*`: verb still checked (head)", "A.2", u("u-urlall"), url("head", "/healthz"), Deny),
    c("URL `/logs/*` does not match /logs", "A.2", u("u-urlsub"), url("get", "/logs"), Deny),
    c("URL `/logs/*` matches /logs/", "A.2", u("u-urlsub"), url("get", "/logs/"), Allow),
    c("URL `/logs/*` matches /logs/kube/a.log", "A.2", u("u-urlsub"), url("get", "/logs/kube/a.log"), Allow),
    c("URL `/logs/*` does not match /logsx", "A.2", u("u-urlsub"), url("get", "/logsx"), Deny),
    c("URL `/foo*` matches /foobar", "A.2", u("u-urlprefix"), url("get", "/foobar"), Allow),
    c("URL `/foo*` matches /foo", "A.2", u("u-urlprefix"), url("get", "/foo"), Allow),
    c("URL `/foo*` matches /foo/x", "A.2", u("u-urlprefix"), url("get", "/foo/x"), Allow),
    c("URL `/foo*` does not match /fo", "A.2", u("u-urlprefix"), url("get", "/fo"), Deny),
    c("URL `/bar/**` (all trailing stars trimmed) matches /bar/x", "A.2", u("u-urlmulti"), url("get", "/bar/x"), Allow),
    c("URL `/bar/**` matches /bar/ with head", "A.2", u("u-urlmulti"), url("head", "/bar/"), Allow),
    c("URL `/bar/**` does not match /bar", "A.2", u("u-urlmulti"), url("get", "/bar"), Deny),
    c("URL `/bar/**` does not match /barx", "A.2", u("u-urlmulti"), url("get", "/barx"), Deny),
    c("resource rule never matches a URL", "A.2", u("u-starverb"), url("get", "/healthz"), Deny),
    c("URL rule never matches a resource", "A.2", u("u-urlall"), r("get", "", "pods", "", "", "ns1"), Deny),
    // ---- A.6 scoping ----
    c("RB->ClusterRole: allowed in the RB namespace", "A.6", u("u-rb"), r("get", "", "pods", "", "p", "ns1"), Allow),
    c("RB->ClusterRole: not in another namespace", "A.6", u("u-rb"), r("get", "", "pods", "", "p", "ns2"), Deny),
    c("RB->ClusterRole: not for an all-namespaces list", "A.6", u("u-rb"), r("list", "", "pods", "", "", ""), Deny),
    c("CRB read-pods: list pods in all namespaces (F.47)", "A.6/F.47", u("u-crbreader"), r("list", "", "pods", "", "", ""), Allow),
    c("CRB read-pods: create pod denied (F.47)", "A.7/F.47", u("u-crbreader"), r("create", "", "pods", "", "", "ns1"), Deny),
    c("RB never grants nodes (ns \"\")", "A.6", u("u-rbcluster"), r("get", "", "nodes", "", "n1", ""), Deny),
    c("RB never grants persistentvolumes (ns \"\")", "A.6", u("u-rbcluster"), r("list", "", "persistentvolumes", "", "", ""), Deny),
    c("RB never grants listing namespaces", "A.6", u("u-rbcluster"), r("list", "", "namespaces", "", "", ""), Deny),
    c("RB never grants another namespace object", "A.6", u("u-rbcluster"), r("get", "", "namespaces", "", "ns2", "ns2"), Deny),
    c("RB grants its own namespace object (namespace == name)", "A.6", u("u-rbcluster"), r("get", "", "namespaces", "", "ns1", "ns1"), Allow),
    c("CRB grants nodes", "A.6", u("u-crbcluster"), r("get", "", "nodes", "", "n1", ""), Allow),
    c("CRB grants persistentvolumes", "A.6", u("u-crbcluster"), r("list", "", "persistentvolumes", "", "", ""), Allow),
    c("RB->ClusterRole: nonResourceURL rule never reached", "A.6", u("u-rburl"), url("get", "/metrics"), Deny),
    c("RB->ClusterRole: resource rule of the same role works", "A.6", u("u-rburl"), r("get", "", "pods", "", "", "ns1"), Allow),
    c("namespaces quirk: get ns1 in ns1", "A.6", u("u-nsquirk"), r("get", "", "namespaces", "", "ns1", "ns1"), Allow),
    c("namespaces quirk: update ns1 in ns1", "A.6", u("u-nsquirk"), r("update", "", "namespaces", "", "ns1", "ns1"), Allow),
    c("namespaces quirk: delete ns2 in ns2", "A.6", u("u-nsquirk"), r("delete", "", "namespaces", "", "ns2", "ns2"), Deny),
    c("namespaces quirk: get ns1 with namespace \"\"", "A.6", u("u-nsquirk"), r("get", "", "namespaces", "", "ns1", ""), Deny),
    c("namespaces/status is a subresource", "A.6", u("u-nsquirk"), r("update", "", "namespaces", "status", "ns1", "ns1"), Deny),
    c("namespaces/finalize is a subresource", "A.6", u("u-nsquirk"), r("update", "", "namespaces", "finalize", "ns1", "ns1"), Deny),
    // ---- A.4.2 Role references are resolved in the binding's namespace ----
    c("RB->Role in the same namespace", "A.4.2", u("u-local"), r("get", "", "secrets", "", "s", "ns1"), Allow),
    c("RB->Role of the same name in another namespace: nothing", "A.4.2", u("u-roleref"), r("get", "", "secrets", "", "s", "ns2"), DenyErr("local-elsewhere")),
    c("RB in ns2 not consulted for ns1", "A.4.2", u("u-roleref"), r("get", "", "secrets", "", "s", "ns1"), Deny),
    c("RB kind Role never falls back to a ClusterRole", "A.4.2", u("u-kindmatters"), r("get", "", "pods", "", "", "ns2"), DenyErr("kind-matters")),
    // ---- A.5 dangling roleRefs ----
    c("dangling CRB: deny with an error", "A.5", u("u-dangling"), r("get", "", "pods", "", "", "ns1"), DenyErr("dangling-crb")),
    c("dangling CRB: consulted for ns \"\" too", "A.5", u("u-dangling"), r("list", "", "pods", "", "", ""), DenyErr("dangling-crb")),
    c("dangling RB: deny with an error", "A.5", u("u-dangling2"), r("get", "", "pods", "", "", "ns1"), DenyErr("dangling-rb")),
    c("dangling RB: not consulted elsewhere", "A.5", u("u-dangling2"), r("get", "", "pods", "", "", "ns2"), Deny),
    c("dangling CRB next to a valid one: allowed", "A.5", u("u-dangling3"), r("get", "", "pods", "", "", "ns1"), Allow),
    // ---- A.3 ServiceAccount subjects ----
    c("RB SA subject w/o namespace: SA of the RB namespace", "A.3", Who::Sa("team", "builder"), r("get", "", "pods", "", "", "team"), Allow),
    c("RB SA subject w/o namespace: same name other ns", "A.3", Who::Sa("other", "builder"), r("get", "", "pods", "", "", "team"), Deny),
    c("RB SA subject: only in the RB namespace", "A.3", Who::Sa("team", "builder"), r("get", "", "pods", "", "", "other"), Deny),
    c("RB SA subject with namespace: SA from another ns", "A.3", Who::Sa("other", "deployer"), r("get", "", "pods", "", "", "team"), Allow),
    c("RB SA subject with namespace: not the RB's ns SA", "A.3", Who::Sa("team", "deployer"), r("get", "", "pods", "", "", "team"), Deny),
    c("CRB SA subject with namespace: all namespaces", "A.3", Who::Sa("team", "ci"), r("list", "", "secrets", "", "", ""), Allow),
    c("CRB SA subject with namespace: any namespace", "A.3", Who::Sa("team", "ci"), r("get", "", "secrets", "", "s", "ns2"), Allow),
    c("CRB SA subject: other namespace's SA of that name", "A.3", Who::Sa("other", "ci"), r("get", "", "secrets", "", "s", "team"), Deny),
    c("CRB SA subject w/o namespace: never (team)", "A.3", Who::Sa("team", "nons"), r("get", "", "secrets", "", "s", "team"), Deny),
    c("CRB SA subject w/o namespace: never (default)", "A.3", Who::Sa("default", "nons"), r("get", "", "secrets", "", "s", "default"), Deny),
    c("User subject system:serviceaccount:team:aliased", "A.3", Who::Sa("team", "aliased"), r("get", "", "configmaps", "", "c", "team"), Allow),
    c("User alias: bare username without groups", "A.3", Who::User("system:serviceaccount:team:aliased", &[]), r("get", "", "configmaps", "", "c", "team"), Allow),
    c("User alias: other namespace's SA", "A.3", Who::Sa("other", "aliased"), r("get", "", "configmaps", "", "c", "team"), Deny),
    // ---- A.3 groups ----
    c("group system:serviceaccounts: team SA", "A.3", Who::Sa("team", "builder"), r("get", "coordination.k8s.io", "leases", "", "l", "ns1"), Allow),
    c("group system:serviceaccounts: other SA", "A.3", Who::Sa("other", "x"), r("get", "coordination.k8s.io", "leases", "", "l", "kube-system"), Allow),
    c("group system:serviceaccounts: plain user", "A.3", Who::User("alice", &["system:authenticated"]), r("get", "coordination.k8s.io", "leases", "", "l", "ns1"), Deny),
    c("group membership is by the groups list", "A.3", Who::User("alice", &["system:serviceaccounts"]), r("get", "coordination.k8s.io", "leases", "", "l", "ns1"), Allow),
    c("group system:serviceaccounts:team: team SA", "A.3", Who::Sa("team", "x"), r("get", "", "events", "", "e", "ns1"), Allow),
    c("group system:serviceaccounts:team: other SA", "A.3", Who::Sa("other", "x"), r("get", "", "events", "", "e", "ns1"), Deny),
    c("group system:authenticated: SA", "A.3", Who::Sa("other", "x"), r("get", "", "limitranges", "", "l", "other"), Allow),
    c("group system:authenticated: user", "A.3", Who::User("alice", &["system:authenticated"]), r("get", "", "limitranges", "", "l", "ns1"), Allow),
    c("group system:authenticated: user without groups", "A.3", u("bob"), r("get", "", "limitranges", "", "l", "ns1"), Deny),
    // ---- A.3 wrong-case kinds, User `*` ----
    c("subject kind `serviceaccount` never matches", "A.3", Who::Sa("team", "lower"), r("create", "", "pods", "", "", "team"), Deny),
    c("subject kind `user` never matches", "A.3", u("lowuser"), r("create", "", "pods", "", "", "team"), Deny),
    c("subject kind `group` never matches", "A.3", Who::User("someone", &["lowgroup"]), r("create", "", "pods", "", "", "team"), Deny),
    c("User `*` is literal: other user", "A.3", u("anyone"), r("list", "", "configmaps", "", "", "ns1"), Deny),
    c("User `*` is literal: SA", "A.3", Who::Sa("team", "x"), r("list", "", "configmaps", "", "", "team"), Deny),
    c("User `*` matches the user named `*`", "A.3", u("*"), r("list", "", "configmaps", "", "", "ns1"), Allow),
    // ---- A.8 aggregated ClusterRoles written without rules ----
    c("aggregation matchLabels: child a", "A.8", u("u-agg"), r("get", "batch", "cronjobs", "", "", "ns1"), Allow),
    c("aggregation matchLabels: child b", "A.8", u("u-agg"), r("list", "batch", "jobs", "", "", "ns2"), Allow),
    c("aggregation matchLabels: child b verb only", "A.8", u("u-agg"), r("get", "batch", "jobs", "", "j", "ns2"), Deny),
    c("aggregation matchLabels: label value differs", "A.8", u("u-agg"), r("get", "apps", "statefulsets", "", "", "ns1"), Deny),
    c("aggregation matchExpressions In", "A.8", u("u-aggexpr"), r("get", "networking.k8s.io", "ingresses", "", "i", "ns1"), Allow),
    c("aggregation matchExpressions In: value not listed", "A.8", u("u-aggexpr"), r("get", "networking.k8s.io", "networkpolicies", "", "n", "ns1"), Deny),
    c("aggregation second selector (Exists)", "A.8", u("u-aggexpr"), r("get", "policy", "poddisruptionbudgets", "", "p", "ns1"), Allow),
    c("aggregated role via RB: in its namespace", "A.8/A.6", u("u-aggrb"), r("get", "batch", "cronjobs", "", "", "ns1"), Allow),
    c("aggregated role via RB: not elsewhere", "A.8/A.6", u("u-aggrb"), r("get", "batch", "cronjobs", "", "", "ns2"), Deny),
    // ---- F.48 (authorizer part) ----
    c("Role `*` on batch/*: other namespace (F.48)", "A.6/F.48", u("job-writer"), r("list", "batch", "jobs", "", "", "forbidden-namespace"), Deny),
    c("Role `*` on batch/*: its namespace (F.48)", "A.6/F.48", u("job-writer"), r("list", "batch", "jobs", "", "", "job-namespace"), Allow),
    c("Role `*` on batch/*: any batch resource", "A.2.3/F.48", u("job-writer"), r("create", "batch", "cronjobs", "", "", "job-namespace"), Allow),
    c("Role `*` on batch/*: not core", "A.2.2/F.48", u("job-writer"), r("list", "", "pods", "", "", "job-namespace"), Deny),
];

fn cluster() -> Cluster {
    let mut b = ClusterBuilder::default();
    load_text("edge-world", WORLD, &mut b).unwrap_or_else(|e| panic!("the edge-case world does not load: {e:#}"));
    b.build()
}

fn identity(who: Who) -> UserInfo {
    match who {
        Who::User(name, groups) => UserInfo::new(name, groups),
        Who::Sa(ns, name) => UserInfo::service_account(ns, name),
    }
}

fn request(req: Req) -> Request {
    match req {
        Req::Res { verb, group, resource, sub, name, ns } => Request::resource(verb, group, resource, sub, name, ns),
        Req::Url { verb, path } => Request::NonResource { verb: verb.into(), path: path.into() },
    }
}

/// Checks one case; returns a description of every disagreement. With `reasons`, checks only the reason string
/// (A.4), otherwise only the decision, grants and resolution errors.
fn check(cluster: &Cluster, case: &Case, reasons: bool) -> Vec<String> {
    let user = identity(case.who);
    let req = request(case.req);
    let d = authorize(cluster, &user, &req);
    let mut problems = Vec::new();
    let actual = format!(
        "allowed={} reason={:?} grants={} errors={:?}",
        d.allowed,
        d.reason,
        d.grants.len(),
        d.errors.iter().map(|e| format!("{}: {}", e.binding, e.message)).collect::<Vec<_>>()
    );
    match (case.expect, reasons) {
        (Allow, false) => {
            if !d.allowed {
                problems.push("expected Allow, got Deny".to_string());
            } else if d.grants.is_empty() {
                problems.push("Allow without any grant".to_string());
            }
        }
        (Allow, true) => {
            if d.allowed && !d.reason.starts_with("RBAC: allowed by ") {
                problems.push("Allow reason does not start with `RBAC: allowed by ` (A.4)".to_string());
            }
        }
        (Deny, false) => {
            if d.allowed {
                problems.push("expected Deny, got Allow".to_string());
            }
            if !d.grants.is_empty() {
                problems.push("Deny with grants".to_string());
            }
            if !d.errors.is_empty() {
                problems.push("Deny with resolution errors from bindings that do not apply (A.4)".to_string());
            }
        }
        (Deny, true) => {
            if !d.allowed && !d.reason.is_empty() {
                problems.push("Deny without resolution errors must have reason \"\" (A.4)".to_string());
            }
        }
        (DenyErr(binding), false) => {
            if d.allowed {
                problems.push("expected Deny (with error), got Allow".to_string());
            }
            if !d.grants.is_empty() {
                problems.push("Deny with grants".to_string());
            }
            if !d.errors.iter().any(|e| e.binding.name == binding) {
                problems.push(format!("no resolution error for binding {binding:?} (A.5)"));
            }
        }
        (DenyErr(_), true) => {
            // A.4: "reason \"\" or `RBAC: ` + aggregated resolution errors" (rbac.go Authorize:
            // reason = fmt.Sprintf("RBAC: %v", utilerrors.NewAggregate(errors)) when errors exist).
            if !d.allowed && !d.reason.starts_with("RBAC: ") {
                problems.push("Deny with resolution errors must have reason `RBAC: <errors>` (A.4)".to_string());
            }
        }
    }
    problems
        .into_iter()
        .map(|p| format!("[{}] {} ({:?} {:?}): {p}; actual {actual}", case.section, case.desc, case.who, case.req))
        .collect()
}

#[test]
fn edge_cases_table() {
    let cluster = cluster();
    assert!(CASES.len() >= 70, "only {} cases", CASES.len());
    let failures: Vec<String> = CASES.iter().flat_map(|case| check(&cluster, case, false)).collect();
    assert!(failures.is_empty(), "{} of {} cases disagree:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}

/// The same cases, checking only the RBAC reason string (A.4), so that a wrong reason does not hide decisions.
#[test]
fn edge_cases_table_reasons() {
    let cluster = cluster();
    let failures: Vec<String> = CASES.iter().flat_map(|case| check(&cluster, case, true)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases have a reason that disagrees with A.4:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn case_descriptions_are_unique() {
    let mut seen = BTreeSet::new();
    for case in CASES {
        assert!(seen.insert(case.desc), "duplicate case description {:?}", case.desc);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// who-can (A.9 subject locator; A.3 for which ServiceAccounts are reached)
// ---------------------------------------------------------------------------------------------------------------

/// Requests over which the who-can properties are checked (each with its doc section).
const WHO_CAN_REQUESTS: &[(&str, Req)] = &[
    ("A.3 RB SA subjects", r("get", "", "pods", "", "", "team")),
    ("A.6 all-namespaces list", r("list", "", "pods", "", "", "")),
    ("A.3 CRB SA subject", r("list", "", "secrets", "", "", "")),
    ("A.3 CRB SA subject, namespaced", r("get", "", "secrets", "", "s", "ns2")),
    ("A.3 group system:serviceaccounts", r("get", "coordination.k8s.io", "leases", "", "l", "ns1")),
    ("A.3 group system:serviceaccounts:team", r("get", "", "events", "", "e", "ns1")),
    ("A.3 group system:authenticated", r("get", "", "limitranges", "", "l", "other")),
    ("A.3 User alias", r("get", "", "configmaps", "", "c", "team")),
    ("A.3 wrong-case kinds", r("create", "", "pods", "", "", "team")),
    ("A.3 missing SAs", r("get", "", "services", "", "svc", "team")),
    ("A.6 non-resource", url("get", "/healthz")),
];

#[test]
fn who_can_service_accounts_are_exactly_those_authorize_allows() {
    let cluster = cluster();
    let mut failures = Vec::new();
    for (section, req) in WHO_CAN_REQUESTS {
        let req = request(*req);
        let w = who_can(&cluster, &req, &WhoCanScope::Request);
        let listed: BTreeSet<(String, String)> =
            w.service_accounts.iter().map(|s| (s.namespace.clone(), s.name.clone())).collect();
        // Every ServiceAccount of the world: listed iff RBAC allows it.
        for (ns, name) in cluster.service_accounts.keys() {
            let allowed = authorize(&cluster, &UserInfo::service_account(ns, name), &req).allowed;
            let is_listed = listed.contains(&(ns.clone(), name.clone()));
            if allowed != is_listed {
                failures.push(format!(
                    "[{section}] {req:?}: SA {ns}/{name}: authorize allowed={allowed} but who-can listed={is_listed}"
                ));
            }
        }
        // Every listed ServiceAccount: allowed, and `exists` tells the truth.
        for s in &w.service_accounts {
            let exists = cluster.service_accounts.contains_key(&(s.namespace.clone(), s.name.clone()));
            if s.exists != exists {
                failures.push(format!(
                    "[{section}] {req:?}: SA {}/{} listed with exists={} but exists={exists}",
                    s.namespace, s.name, s.exists
                ));
            }
            if !authorize(&cluster, &UserInfo::service_account(&s.namespace, &s.name), &req).allowed {
                failures.push(format!(
                    "[{section}] {req:?}: SA {}/{} listed by who-can but authorize denies it",
                    s.namespace, s.name
                ));
            }
        }
        // A.9: the subject list always begins with Group system:masters.
        match w.subjects.first() {
            Some(s) if s.kind == "Group" && s.name == "system:masters" => {}
            other => failures
                .push(format!("[A.9] {req:?}: who-can subjects begin with {:?}", other.map(|s| (&s.kind, &s.name)))),
        }
    }
    assert!(failures.is_empty(), "who-can disagrees with authorize:\n{}", failures.join("\n"));
}

#[test]
fn who_can_lists_missing_service_accounts_with_exists_false() {
    // A.5 (subjects that don't exist are harmless: they are still granted) and A.3 (RB SA subject with namespace,
    // CRB SA subject with namespace).
    let cluster = cluster();
    let w = who_can(&cluster, &request(r("get", "", "services", "", "svc", "team")), &WhoCanScope::Request);
    let got: BTreeSet<(String, String, bool)> =
        w.service_accounts.iter().map(|s| (s.namespace.clone(), s.name.clone(), s.exists)).collect();
    let want: BTreeSet<(String, String, bool)> = [("team", "ghost", false), ("nowhere", "phantom", false)]
        .iter()
        .map(|(n, s, e)| (n.to_string(), s.to_string(), *e))
        .collect();
    assert_eq!(got, want, "who-can get services -n team: ServiceAccounts");
    // In another namespace only the ClusterRoleBinding's SA remains.
    let w = who_can(&cluster, &request(r("get", "", "services", "", "svc", "ns1")), &WhoCanScope::Request);
    let got: BTreeSet<(String, String, bool)> =
        w.service_accounts.iter().map(|s| (s.namespace.clone(), s.name.clone(), s.exists)).collect();
    let want: BTreeSet<(String, String, bool)> = [("nowhere".to_string(), "phantom".to_string(), false)].into();
    assert_eq!(got, want, "who-can get services -n ns1: ServiceAccounts");
}

#[test]
fn who_can_all_namespaces_reports_rolebinding_scopes() {
    // A.6 / A.9: with -A, RoleBindings of every namespace count, each grant scoped to its namespace; CRBs are
    // "cluster". Request: list pods with namespace "".
    let cluster = cluster();
    let req = request(r("list", "", "pods", "", "", ""));

    // Without -A: only ClusterRoleBindings count (A.6).
    let w = who_can(&cluster, &req, &WhoCanScope::Request);
    let names: BTreeSet<(String, String)> = w.subjects.iter().map(|s| (s.kind.clone(), s.name.clone())).collect();
    assert!(names.contains(&("User".into(), "u-crbreader".into())), "who-can list pods (no -A) misses u-crbreader");
    assert!(!names.contains(&("User".into(), "u-rb".into())), "who-can list pods (no -A) lists RB subject u-rb");
    assert!(
        !w.service_accounts.iter().any(|s| s.namespace == "team" && s.name == "builder"),
        "who-can list pods (no -A) lists SA team/builder reached only through a RoleBinding"
    );

    let w = who_can(&cluster, &req, &WhoCanScope::AllNamespaces);
    assert_eq!(
        w.subjects.first().map(|s| (s.kind.as_str(), s.name.as_str())),
        Some(("Group", "system:masters")),
        "-A: first subject"
    );
    let scopes_of = |kind: &str, name: &str| -> BTreeSet<String> {
        w.subjects
            .iter()
            .filter(|s| s.kind == kind && s.name == name)
            .flat_map(|s| s.grants.iter().map(|g| g.scope.clone()))
            .collect()
    };
    assert_eq!(scopes_of("User", "u-rb"), ["ns1".to_string()].into(), "-A: u-rb via RoleBinding in ns1");
    assert_eq!(scopes_of("User", "u-crbreader"), ["cluster".to_string()].into(), "-A: u-crbreader via CRB");
    assert_eq!(scopes_of("User", "u-aggrb"), BTreeSet::new(), "-A: u-aggrb has no pods rule");
    for (kind, name) in [("User", "u-rb"), ("User", "u-crbreader")] {
        let rb_grants: Vec<_> = w
            .subjects
            .iter()
            .filter(|s| s.kind == kind && s.name == name)
            .flat_map(|s| s.grants.iter())
            .filter(|g| g.binding.kind == "RoleBinding")
            .map(|g| (g.binding.namespace.clone(), g.scope.clone()))
            .collect();
        for (binding_ns, scope) in rb_grants {
            assert_eq!(binding_ns, scope, "-A: {kind} {name}: RoleBinding grant scoped to its namespace");
        }
    }

    let sa_scopes = |ns: &str, name: &str| -> Option<BTreeSet<String>> {
        w.service_accounts
            .iter()
            .find(|s| s.namespace == ns && s.name == name)
            .map(|s| s.scopes.iter().cloned().collect())
    };
    // A.3: RB team-builder (SA subject without namespace) and RB team-deployer (SA other/deployer), both in team.
    assert_eq!(sa_scopes("team", "builder"), Some(["team".to_string()].into()), "-A: SA team/builder scopes");
    assert_eq!(sa_scopes("other", "deployer"), Some(["team".to_string()].into()), "-A: SA other/deployer scopes");
    assert_eq!(sa_scopes("team", "deployer"), None, "-A: SA team/deployer must not be listed");
    assert_eq!(sa_scopes("other", "builder"), None, "-A: SA other/builder must not be listed");
}
