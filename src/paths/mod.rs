//! Escalation paths: how an identity becomes more powerful, one technique at a time, until it holds a target.
//!
//! The search is a graph over identity states (a ServiceAccount, a User, a Group set or a Node, held as a credential
//! or reached by impersonation). Every edge is a technique of [`techniques`] whose preconditions are exact requests,
//! each decided by the RBAC engine ([`crate::rbac::authorize`]); the only other authorizer modelled is the Node
//! authorizer's token rule. Pure: no I/O.
//!
//! Step counting: every hop to a new identity is one step, so a request made while impersonating is two steps (the
//! impersonation, then the technique performed under `--as`). Holding the target at the end is a check, not a step.

// Work in progress (issue 18): not yet wired into lib.rs. See the branch's notes for what is left.

pub mod techniques;

use std::collections::{BTreeSet, HashMap, VecDeque};

use serde::Serialize;

use crate::model::Cluster;
use crate::model::request::{AUTHENTICATED_GROUP, MASTERS_GROUP, parse_sa_username};
use crate::rbac::access::{Access, IdentityRules};
use crate::rbac::{self, Request, UserInfo};
pub use techniques::Technique;

/// The kind of an identity along a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum IdentityKind {
    ServiceAccount,
    User,
    Group,
    Node,
}

/// An identity as the JSON contract prints it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Identity {
    pub kind: IdentityKind,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    pub name: String,
    /// The username asserted with a Group (impersonation and certificates need one).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub user: String,
    pub groups: Vec<String>,
}

impl Identity {
    pub fn service_account(namespace: &str, name: &str) -> Self {
        let user = UserInfo::service_account(namespace, name);
        Identity {
            kind: IdentityKind::ServiceAccount,
            namespace: namespace.into(),
            name: name.into(),
            user: String::new(),
            groups: user.groups,
        }
    }

    pub fn user(name: &str) -> Self {
        Identity {
            kind: IdentityKind::User,
            namespace: String::new(),
            name: name.into(),
            user: String::new(),
            groups: vec![AUTHENTICATED_GROUP.into()],
        }
    }

    pub fn group(user: &str, group: &str) -> Self {
        Identity {
            kind: IdentityKind::Group,
            namespace: String::new(),
            name: group.into(),
            user: user.into(),
            groups: vec![group.into(), AUTHENTICATED_GROUP.into()],
        }
    }

    pub fn node(name: &str) -> Self {
        Identity {
            kind: IdentityKind::Node,
            namespace: String::new(),
            name: name.into(),
            user: String::new(),
            groups: vec!["system:nodes".into(), AUTHENTICATED_GROUP.into()],
        }
    }

    /// What the authorizer sees.
    pub fn user_info(&self) -> UserInfo {
        let username = match self.kind {
            IdentityKind::ServiceAccount => crate::model::request::sa_username(&self.namespace, &self.name),
            IdentityKind::User => self.name.clone(),
            IdentityKind::Group => self.user.clone(),
            IdentityKind::Node => format!("system:node:{}", self.name),
        };
        UserInfo { username, groups: self.groups.clone(), ..Default::default() }
    }
}

/// How a state's requests are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Held {
    /// With a credential of its own (a token, a certificate).
    Credential,
    /// Impersonated by the state `by` (a held one: impersonation never nests), in this mode.
    Impersonated { by: usize, mode: ImpersonationMode },
}

/// Legacy impersonation (`impersonate`) or a constrained mode (`impersonate:<mode>`, beta and on since 1.36).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImpersonationMode {
    Legacy,
    UserInfo,
    ServiceAccount,
    ArbitraryNode,
}

impl ImpersonationMode {
    /// The mode's name in `impersonate-on:<mode>:<verb>`; None for legacy.
    pub fn constrained_name(self) -> Option<&'static str> {
        match self {
            ImpersonationMode::Legacy => None,
            ImpersonationMode::UserInfo => Some("user-info"),
            ImpersonationMode::ServiceAccount => Some("serviceaccount"),
            ImpersonationMode::ArbitraryNode => Some("arbitrary-node"),
        }
    }
}

/// A node of the search graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct State {
    pub identity: Identity,
    pub held: Held,
    /// Set on the end state of a role write (bind, escalate): the identity with this new grant, which holds the
    /// target by construction.
    pub augmented: Option<String>,
}

/// What the paths lead to.
#[derive(Debug, Clone)]
pub enum Target {
    /// `*` `*` in every API group at cluster scope: the power of the cluster-admin ClusterRole.
    ClusterAdmin,
    Request(Request),
}

impl Target {
    /// The request that decides it.
    pub fn request(&self) -> Request {
        match self {
            Target::ClusterAdmin => Request::resource("*", "*", "*", "", "", ""),
            Target::Request(r) => r.clone(),
        }
    }
}

/// One edge: a technique performed by the edge's source state, with the object it works on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub technique: Technique,
    pub to: usize,
    /// The object the technique acts on: a namespace, a name and a variant (e.g. which workload resource).
    pub namespace: String,
    pub name: String,
    pub variant: String,
}

/// The explored graph.
pub struct Graph<'a> {
    pub cluster: &'a Cluster,
    pub target: Target,
    pub states: Vec<State>,
    pub edges: Vec<Vec<Edge>>,
    index: HashMap<State, usize>,
    world: World,
}

/// Facts about the input the techniques read, computed once.
struct World {
    /// Names of User subjects (impersonation and certificate candidates).
    users: BTreeSet<String>,
    /// Names of Group subjects, plus system:masters.
    groups: BTreeSet<String>,
    /// Every namespace that has ServiceAccounts.
    namespaces: BTreeSet<String>,
    /// Node name -> (namespace, ServiceAccount) of the pods bound to it.
    pods_by_node: HashMap<String, Vec<(String, String)>>,
    /// An EKS cluster (the aws-auth ConfigMap is then an authenticator input).
    eks: bool,
}

impl World {
    fn of(cluster: &Cluster) -> Self {
        let mut users = BTreeSet::new();
        let mut groups = BTreeSet::from([MASTERS_GROUP.to_string()]);
        for (_, b) in cluster.all_bindings() {
            for s in &b.subjects {
                match s.kind.as_str() {
                    "User" if parse_sa_username(&s.name).is_none() => {
                        users.insert(s.name.clone());
                    }
                    "Group" => {
                        groups.insert(s.name.clone());
                    }
                    _ => {}
                }
            }
        }
        let namespaces = cluster.service_accounts.keys().map(|(ns, _)| ns.clone()).collect();
        let mut pods_by_node: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for p in &cluster.pods {
            if let Some(node) = &p.node_name {
                pods_by_node.entry(node.clone()).or_default().push((p.namespace.clone(), p.service_account.clone()));
            }
        }
        let eks = cluster.service_account("kube-system", "aws-node").is_some();
        World { users, groups, namespaces, pods_by_node, eks }
    }
}

/// Whether a state may make a request: RBAC for its own identity (system:masters before RBAC), and under
/// constrained impersonation also `impersonate-on:<mode>:<verb>` for the impersonator on the same attributes.
pub struct Actor<'a> {
    cluster: &'a Cluster,
    user: UserInfo,
    impersonator: Option<(UserInfo, &'static str)>,
    rules: IdentityRules<'a>,
}

impl<'a> Actor<'a> {
    fn new(graph: &Graph<'a>, state: &State) -> Self {
        let user = state.identity.user_info();
        let impersonator = match state.held {
            Held::Impersonated { by, mode } => {
                mode.constrained_name().map(|m| (graph.states[by].identity.user_info(), m))
            }
            Held::Credential => None,
        };
        Actor { cluster: graph.cluster, rules: IdentityRules::new(graph.cluster, &user), user, impersonator }
    }

    /// The exact decision for one request.
    pub fn allows(&self, request: &Request) -> bool {
        if !rbac::server_allows(self.cluster, &self.user, request) {
            return false;
        }
        match &self.impersonator {
            None => true,
            Some((by, mode)) => rbac::authorize(self.cluster, by, &impersonate_on(mode, request)).allowed,
        }
    }

    /// Where the identity's own rules allow a verb (candidates; [`Actor::allows`] decides).
    pub fn access(&self, verb: &str, group: &str, resource: &str, subresource: &str, namespaced: bool) -> Access {
        self.rules.access(verb, group, resource, subresource, namespaced)
    }
}

/// The request an impersonator must be allowed for a request made under constrained impersonation: the same
/// attributes with verb `impersonate-on:<mode>:<verb>`.
pub fn impersonate_on(mode: &str, request: &Request) -> Request {
    let verb = format!("impersonate-on:{mode}:{}", request.verb());
    match request {
        Request::Resource { attrs, .. } => Request::Resource { verb, attrs: attrs.clone() },
        Request::NonResource { path, .. } => Request::NonResource { verb, path: path.clone() },
    }
}

impl<'a> Graph<'a> {
    pub fn new(cluster: &'a Cluster, target: Target) -> Self {
        Graph {
            cluster,
            target,
            states: Vec::new(),
            edges: Vec::new(),
            index: HashMap::new(),
            world: World::of(cluster),
        }
    }

    /// The state's number, added if new.
    pub fn intern(&mut self, state: State) -> usize {
        if let Some(&i) = self.index.get(&state) {
            return i;
        }
        let i = self.states.len();
        self.states.push(state.clone());
        self.edges.push(Vec::new());
        self.index.insert(state, i);
        i
    }

    /// Explores forward from `starts`, breadth first, up to `max_steps` edges away.
    pub fn explore(&mut self, starts: &[usize], max_steps: usize) {
        let mut depth: HashMap<usize, usize> = starts.iter().map(|&s| (s, 0)).collect();
        let mut queue: VecDeque<usize> = starts.iter().copied().collect();
        while let Some(s) = queue.pop_front() {
            let d = depth[&s];
            if d >= max_steps || self.holds_target(s) {
                continue;
            }
            let edges = techniques::successors(self, s);
            for e in &edges {
                if !depth.contains_key(&e.to) {
                    depth.insert(e.to, d + 1);
                    queue.push_back(e.to);
                }
            }
            self.edges[s] = edges;
        }
    }

    /// Whether a state holds the target.
    pub fn holds_target(&self, s: usize) -> bool {
        let state = &self.states[s];
        if state.augmented.is_some() {
            return true;
        }
        let actor = Actor::new(self, state);
        let request = self.target.request();
        if !actor.allows(&request) {
            return false;
        }
        // Under constrained impersonation the probe's verb is `impersonate-on:<mode>:*`: only a rule granting every
        // verb (`*`) means every request, not a rule that lists that literal string.
        match (&self.target, &actor.impersonator) {
            (Target::ClusterAdmin, Some((by, mode))) => {
                rbac::authorize(self.cluster, by, &impersonate_on(mode, &request))
                    .grants
                    .iter()
                    .any(|g| g.rule.verbs.iter().any(|v| v == "*"))
            }
            _ => true,
        }
    }

    /// Distance (in steps) from every explored state to the target; None where it is out of reach.
    pub fn distances(&self) -> Vec<Option<usize>> {
        let n = self.states.len();
        let mut reverse: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (from, edges) in self.edges.iter().enumerate() {
            for e in edges {
                reverse[e.to].push(from);
            }
        }
        let mut dist = vec![None; n];
        let mut queue = VecDeque::new();
        for (s, d) in dist.iter_mut().enumerate() {
            if self.holds_target(s) {
                *d = Some(0);
                queue.push_back(s);
            }
        }
        while let Some(s) = queue.pop_front() {
            let d = dist[s].unwrap_or(0);
            for &p in &reverse[s] {
                if dist[p].is_none() {
                    dist[p] = Some(d + 1);
                    queue.push_back(p);
                }
            }
        }
        dist
    }

    /// A shortest path from `start` (edges in order), if the target is reachable.
    pub fn shortest_path(&self, start: usize, dist: &[Option<usize>]) -> Option<Vec<(usize, Edge)>> {
        let mut at = start;
        let mut path = Vec::new();
        let mut left = dist[start]?;
        while left > 0 {
            let e = self.edges[at].iter().find(|e| dist[e.to] == Some(left - 1))?;
            path.push((at, e.clone()));
            at = e.to;
            left -= 1;
        }
        Some(path)
    }

    /// Every simple path from `start` to a target-holding state of at most `max_steps` edges, shortest first, at
    /// most `limit` of them (the bool tells whether more were left out).
    pub fn all_paths(&self, start: usize, max_steps: usize, limit: usize) -> (Vec<Vec<(usize, Edge)>>, bool) {
        let mut out = Vec::new();
        let mut truncated = false;
        let mut stack = Vec::new();
        let mut on_path = vec![false; self.states.len()];
        self.walk(start, max_steps, limit, &mut stack, &mut on_path, &mut out, &mut truncated);
        out.sort_by_key(|p| p.len());
        (out, truncated)
    }

    #[allow(clippy::too_many_arguments)]
    fn walk(
        &self,
        at: usize,
        left: usize,
        limit: usize,
        stack: &mut Vec<(usize, Edge)>,
        on_path: &mut [bool],
        out: &mut Vec<Vec<(usize, Edge)>>,
        truncated: &mut bool,
    ) {
        if self.holds_target(at) {
            if out.len() < limit {
                out.push(stack.clone());
            } else {
                *truncated = true;
            }
            return;
        }
        if left == 0 || *truncated {
            return;
        }
        on_path[at] = true;
        for e in &self.edges[at] {
            if !on_path[e.to] {
                stack.push((at, e.clone()));
                self.walk(e.to, left - 1, limit, stack, on_path, out, truncated);
                stack.pop();
            }
        }
        on_path[at] = false;
    }
}

/// The grant that allows a step: a binding -> role -> rule, or an authorizer that is not RBAC.
#[derive(Debug, Clone, Serialize)]
pub struct StepGrant {
    pub binding: String,
    pub role: String,
    /// The rule's index in the role; null when the grant is not an RBAC rule (system:masters, Node authorizer).
    pub rule: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub technique: Technique,
    pub from: Identity,
    pub to: Identity,
    pub grant: StepGrant,
    /// The other preconditions' grants, for steps that need several requests.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<StepGrant>,
    pub command: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Path {
    pub from: Identity,
    pub length: usize,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub target: String,
    pub paths: Vec<Path>,
    pub warnings: Vec<String>,
}

/// The most paths `--all-paths` prints for one ServiceAccount.
pub const ALL_PATHS_LIMIT: usize = 200;

/// Paths from each ServiceAccount in `starts` to the target: the shortest, or (`all`) every simple one up to
/// `max_steps`. ServiceAccounts that cannot reach it are left out.
pub fn find(
    cluster: &Cluster,
    target: Target,
    target_text: &str,
    starts: &[(String, String)],
    all: bool,
    max_steps: usize,
) -> Report {
    let mut graph = Graph::new(cluster, target);
    let start_ids: Vec<usize> = starts
        .iter()
        .map(|(ns, name)| {
            graph.intern(State {
                identity: Identity::service_account(ns, name),
                held: Held::Credential,
                augmented: None,
            })
        })
        .collect();
    graph.explore(&start_ids, max_steps);
    let mut warnings = Vec::new();
    if cluster.pods.is_empty() {
        warnings.push(
            "the input has no pods: techniques on running pods and nodes (exec, attach, nodes/proxy, node tokens) \
             were not evaluated"
                .to_string(),
        );
    }
    let dist = graph.distances();
    let mut paths = Vec::new();
    for &s in &start_ids {
        let found = if all {
            let (found, truncated) = graph.all_paths(s, max_steps, ALL_PATHS_LIMIT);
            if truncated {
                warnings.push(format!("more than {ALL_PATHS_LIMIT} paths: the first {ALL_PATHS_LIMIT} are shown"));
            }
            found
        } else {
            graph.shortest_path(s, &dist).filter(|p| p.len() <= max_steps).into_iter().collect()
        };
        for p in found {
            let steps: Vec<Step> = p.iter().map(|(from, e)| graph.step(*from, e)).collect();
            paths.push(Path { from: graph.states[s].identity.clone(), length: steps.len(), steps });
        }
    }
    Report { target: target_text.to_string(), paths, warnings }
}

impl Graph<'_> {
    /// A step for the report: the exact grants of its preconditions and the command that performs it.
    fn step(&self, from: usize, e: &Edge) -> Step {
        let state = &self.states[from];
        let to = &self.states[e.to];
        let user = state.identity.user_info();
        let grants: Vec<StepGrant> = techniques::preconditions(e.technique, to, e)
            .iter()
            .map(|r| {
                if user.is_superuser() {
                    return StepGrant {
                        binding: "Group system:masters".into(),
                        role: "(superuser)".into(),
                        rule: None,
                    };
                }
                match rbac::authorize(self.cluster, &user, r).grants.into_iter().next() {
                    Some(g) => {
                        StepGrant { binding: g.binding.to_string(), role: g.role.to_string(), rule: Some(g.rule_index) }
                    }
                    None => StepGrant { binding: "?".into(), role: "?".into(), rule: None },
                }
            })
            .collect();
        let mut grants = grants.into_iter();
        let grant = grants.next().unwrap_or(StepGrant {
            binding: "Node authorizer".into(),
            role: format!("pods bound to node {}", state.identity.name),
            rule: None,
        });
        Step {
            technique: e.technique,
            from: state.identity.clone(),
            to: to.identity.clone(),
            grant,
            grants: grants.collect(),
            command: techniques::command(self, from, e),
        }
    }
}
