//! Escalation paths: how an identity becomes more powerful, one technique at a time, until it holds a target.
//!
//! The search is a graph over identity states (a ServiceAccount, a User, a Group set or a Node, held as a credential
//! or reached by impersonation). Every edge is a technique of [`techniques`] whose preconditions are exact requests,
//! each decided by the RBAC engine ([`crate::rbac::authorize`]); the only other authorizer modelled is the Node
//! authorizer's token rule. Pure: no I/O.
//!
//! Step counting: every hop to a new identity is one step, so a request made while impersonating is two steps (the
//! impersonation, then the technique performed under `--as`). Holding the target at the end is a check, not a step.

pub mod techniques;

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

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

/// An identity along a path. Its groups follow from its kind (they are computed, not stored: the search holds
/// hundreds of thousands of identities).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Identity {
    pub kind: IdentityKind,
    pub namespace: String,
    pub name: String,
    /// The username asserted with a Group (impersonation and certificates need one).
    pub user: String,
}

/// The JSON contract's shape of an identity.
#[derive(Serialize)]
struct IdentityView<'a> {
    kind: IdentityKind,
    #[serde(skip_serializing_if = "str::is_empty")]
    namespace: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    user: &'a str,
    groups: Vec<String>,
}

impl Serialize for Identity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        IdentityView {
            kind: self.kind,
            namespace: &self.namespace,
            name: &self.name,
            user: &self.user,
            groups: self.groups(),
        }
        .serialize(serializer)
    }
}

impl Identity {
    fn of(kind: IdentityKind, namespace: &str, name: &str, user: &str) -> Self {
        Identity { kind, namespace: namespace.into(), name: name.into(), user: user.into() }
    }

    pub fn service_account(namespace: &str, name: &str) -> Self {
        Identity::of(IdentityKind::ServiceAccount, namespace, name, "")
    }

    pub fn user(name: &str) -> Self {
        Identity::of(IdentityKind::User, "", name, "")
    }

    pub fn group(user: &str, group: &str) -> Self {
        Identity::of(IdentityKind::Group, "", group, user)
    }

    pub fn node(name: &str) -> Self {
        Identity::of(IdentityKind::Node, "", name, "")
    }

    /// The groups the authorizer sees: a ServiceAccount's three, a node's `system:nodes`, an asserted group, each
    /// with `system:authenticated`.
    pub fn groups(&self) -> Vec<String> {
        match self.kind {
            IdentityKind::ServiceAccount => UserInfo::service_account(&self.namespace, &self.name).groups,
            IdentityKind::User => vec![AUTHENTICATED_GROUP.into()],
            IdentityKind::Group => vec![self.name.clone(), AUTHENTICATED_GROUP.into()],
            IdentityKind::Node => vec!["system:nodes".into(), AUTHENTICATED_GROUP.into()],
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
        UserInfo { username, groups: self.groups(), ..Default::default() }
    }
}

/// How a state's requests are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Held {
    /// With a credential of its own (a token, a certificate).
    Credential,
    /// Impersonated in this mode. `by` is the impersonating state (a held one: impersonation never nests) under a
    /// constrained mode, whose `impersonate-on` grants limit the requests; None under legacy impersonation, where
    /// the impersonator does not matter once the impersonation is allowed (so every impersonator shares the state).
    Impersonated { by: Option<usize>, mode: ImpersonationMode },
}

/// Legacy impersonation (`impersonate`) or a constrained mode (`impersonate:<mode>`, beta and on since 1.36).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImpersonationMode {
    Legacy,
    UserInfo,
    ServiceAccount,
    ArbitraryNode,
    AssociatedNode,
}

impl ImpersonationMode {
    /// The mode's name in `impersonate-on:<mode>:<verb>`; None for legacy.
    pub fn constrained_name(self) -> Option<&'static str> {
        match self {
            ImpersonationMode::Legacy => None,
            ImpersonationMode::UserInfo => Some("user-info"),
            ImpersonationMode::ServiceAccount => Some("serviceaccount"),
            ImpersonationMode::ArbitraryNode => Some("arbitrary-node"),
            ImpersonationMode::AssociatedNode => Some("associated-node"),
        }
    }
}

/// An identity state of the search graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct State {
    pub identity: Identity,
    pub held: Held,
    /// Set on the end state of a role write (bind, escalate): the identity with this new grant, which holds the
    /// target by construction.
    pub augmented: Option<String>,
}

/// A set of identities that one grant reaches all at once ("every ServiceAccount of namespace N"). Hubs keep the
/// graph small: a cluster-wide `create pods` is one edge to a hub, not one edge per ServiceAccount of the cluster.
/// Entering a hub costs nothing; leaving it for one of its identities is the step.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Hub {
    /// The ServiceAccounts of a namespace (None: of every namespace), held or impersonated (legacy).
    ServiceAccounts { namespace: Option<String>, impersonated: bool },
    /// The ServiceAccounts whose valid legacy token Secrets are in a namespace (None: in any namespace).
    TokenSecrets { namespace: Option<String> },
    /// The ServiceAccounts of the pods of a namespace (None: of every namespace).
    Pods { namespace: Option<String> },
    /// The ServiceAccounts of the pods bound to a node.
    NodePods { node: String },
    /// Every node the input knows (from its pods' nodeName), held with the kubelet's credentials.
    Nodes,
    /// Every User subject of the input, held (a client certificate) or impersonated (legacy).
    Users { impersonated: bool },
    /// Every Group subject of the input, asserted with `user`; held (a client certificate: never system:masters)
    /// or impersonated (legacy: system:masters too).
    Groups { user: String, impersonated: bool },
}

/// A vertex of the search graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Vertex {
    Identity(State),
    Hub(Hub),
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

/// One edge. Out of an identity it is a technique performed by that identity, with the object it works on; out
/// of a hub it has no technique (the object is filled in: the namespace, the pod or Secret).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Edge {
    pub technique: Option<Technique>,
    pub to: usize,
    /// The object the technique acts on: a namespace, a name and a variant (e.g. which workload resource).
    pub namespace: String,
    pub name: String,
    pub variant: &'static str,
}

/// The explored graph.
pub struct Graph<'a> {
    pub cluster: &'a Cluster,
    pub target: Target,
    /// Every vertex once, numbered in the order it was met.
    pub vertices: indexmap::IndexSet<Vertex>,
    /// Out-edges, filled when a vertex is expanded.
    pub edges: Vec<Vec<Edge>>,
    expanded: Vec<bool>,
    holds: Vec<Option<bool>>,
    world: World,
    /// The rules of the vertex whose target check ran last: explore expands it next, and gathering an identity's
    /// rules twice was a tenth of a search.
    last_actor: Option<(usize, Actor<'a>)>,
}

/// Facts about the input the techniques read, computed once.
struct World {
    /// Names of User subjects (impersonation and certificate candidates).
    users: BTreeSet<String>,
    /// Names of Group subjects, plus system:masters.
    groups: BTreeSet<String>,
    /// Every namespace that has ServiceAccounts.
    namespaces: BTreeSet<String>,
    /// Node name -> (namespace, pod, ServiceAccount) of the pods bound to it.
    pods_by_node: BTreeMap<String, Vec<(String, String, String)>>,
    /// Namespace -> (pod, ServiceAccount).
    pods_by_namespace: BTreeMap<String, Vec<(String, String)>>,
    /// Namespace -> (Secret, ServiceAccount) of the valid legacy token Secrets of existing ServiceAccounts.
    token_secrets: BTreeMap<String, Vec<(String, String)>>,
    /// Namespaces whose Namespace object is in the input and whose PodSecurity enforce level is privileged.
    privileged_namespaces: BTreeSet<String>,
    /// ClusterRoles with a rule that allows the target (what a binding would grant).
    target_roles: Vec<String>,
    /// An EKS cluster (the aws-auth ConfigMap is then an authenticator input).
    eks: bool,
}

impl World {
    fn of(cluster: &Cluster, target: &Request) -> Self {
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
        let mut pods_by_node: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();
        let mut pods_by_namespace: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for p in &cluster.pods {
            if cluster.service_account(&p.namespace, &p.service_account).is_none() {
                continue;
            }
            if let Some(node) = &p.node_name {
                pods_by_node.entry(node.clone()).or_default().push((
                    p.namespace.clone(),
                    p.name.clone(),
                    p.service_account.clone(),
                ));
            }
            pods_by_namespace.entry(p.namespace.clone()).or_default().push((p.name.clone(), p.service_account.clone()));
        }
        let mut token_secrets: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for t in &cluster.token_secrets {
            if t.invalid_since.is_none() && cluster.service_account(&t.namespace, &t.service_account).is_some() {
                token_secrets.entry(t.namespace.clone()).or_default().push((t.name.clone(), t.service_account.clone()));
            }
        }
        let target_roles = cluster
            .cluster_roles
            .iter()
            .filter(|(_, role)| role.rules.iter().any(|r| crate::rbac::rules::rule_allows(r, target)))
            .map(|(name, _)| name.clone())
            .collect();
        let privileged_namespaces = cluster
            .namespaces
            .values()
            .filter(|n| cluster.service_accounts_in(&n.name).next().is_some())
            .filter(|n| crate::admission::pod_security_admits_privileged(&n.labels))
            .map(|n| n.name.clone())
            .collect();
        let eks = cluster.service_account("kube-system", "aws-node").is_some();
        World {
            users,
            groups,
            namespaces,
            pods_by_node,
            pods_by_namespace,
            token_secrets,
            privileged_namespaces,
            target_roles,
            eks,
        }
    }
}

/// Whether a state may make a request: RBAC for its own identity (system:masters before RBAC), and under
/// constrained impersonation also `impersonate-on:<mode>:<verb>` for the impersonator on the same attributes. The
/// rules of both are gathered once, since one state is asked many questions.
pub struct Actor<'a> {
    rules: IdentityRules<'a>,
    impersonator: Option<(UserInfo, IdentityRules<'a>, &'static str)>,
}

impl<'a> Actor<'a> {
    fn new(graph: &Graph<'a>, state: &State) -> Self {
        let impersonator = match state.held {
            Held::Impersonated { by: Some(by), mode } => mode.constrained_name().map(|m| {
                let user = graph.state(by).identity.user_info();
                let rules = IdentityRules::new(graph.cluster, &user);
                (user, rules, m)
            }),
            _ => None,
        };
        Actor { rules: IdentityRules::new(graph.cluster, &state.identity.user_info()), impersonator }
    }

    /// The exact decision for one request.
    pub fn allows(&self, request: &Request) -> bool {
        self.rules.allows(request)
            && match &self.impersonator {
                None => true,
                Some((_, rules, mode)) => rules.allows(&impersonate_on(mode, request)),
            }
    }

    /// The impersonator's decision for a request made under constrained impersonation; None when not impersonated
    /// in a constrained mode.
    pub fn impersonator_allows(&self, request: &Request) -> Option<bool> {
        self.impersonator.as_ref().map(|(_, rules, mode)| rules.allows(&impersonate_on(mode, request)))
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
        let world = World::of(cluster, &target.request());
        Graph {
            cluster,
            target,
            vertices: indexmap::IndexSet::new(),
            edges: Vec::new(),
            expanded: Vec::new(),
            holds: Vec::new(),
            world,
            last_actor: None,
        }
    }

    /// The vertex's number, added if new.
    pub fn intern(&mut self, vertex: Vertex) -> usize {
        let (i, added) = self.vertices.insert_full(vertex);
        if added {
            self.edges.push(Vec::new());
            self.expanded.push(false);
            self.holds.push(None);
        }
        i
    }

    /// The identity state of vertex `s`. Callers only pass identity vertices (hubs have no state).
    pub fn state(&self, s: usize) -> &State {
        match &self.vertices[s] {
            Vertex::Identity(state) => state,
            Vertex::Hub(hub) => unreachable!("vertex {s} is the hub {hub:?}, not an identity"),
        }
    }

    /// What an edge into `to` costs: a step into an identity, nothing into a hub.
    pub fn cost(&self, to: usize) -> usize {
        match self.vertices[to] {
            Vertex::Identity(_) => 1,
            Vertex::Hub(_) => 0,
        }
    }

    /// Explores forward from `starts` up to `max_steps` steps away (0-1 breadth first: hubs cost nothing).
    pub fn explore(&mut self, starts: &[usize], max_steps: usize) {
        let mut depth: HashMap<usize, usize> = starts.iter().map(|&s| (s, 0)).collect();
        let mut queue: VecDeque<(usize, usize)> = starts.iter().map(|&s| (s, 0)).collect();
        while let Some((s, d)) = queue.pop_front() {
            if depth[&s] < d || self.holds_target(s) {
                continue;
            }
            // Leaving any vertex takes a step (out of a hub too), so nothing at max_steps is expanded.
            if d >= max_steps {
                continue;
            }
            if !self.expanded[s] {
                self.expanded[s] = true;
                self.edges[s] = match self.vertices[s].clone() {
                    Vertex::Identity(_) => techniques::successors(self, s),
                    Vertex::Hub(hub) => techniques::hub_members(self, &hub),
                };
            }
            for i in 0..self.edges[s].len() {
                let to = self.edges[s][i].to;
                let cost = self.cost(to);
                let nd = d + cost;
                if depth.get(&to).is_none_or(|&old| nd < old) {
                    depth.insert(to, nd);
                    if cost == 0 { queue.push_front((to, nd)) } else { queue.push_back((to, nd)) }
                }
            }
        }
    }

    /// Whether a vertex holds the target (hubs never do), decided once.
    pub fn holds_target(&mut self, s: usize) -> bool {
        if let Some(h) = self.holds[s] {
            return h;
        }
        let h = match &self.vertices[s] {
            Vertex::Hub(_) => false,
            Vertex::Identity(state) => {
                let actor = Actor::new(self, state);
                let h = self.state_holds_target(state, &actor);
                self.last_actor = Some((s, actor));
                h
            }
        };
        self.holds[s] = Some(h);
        h
    }

    /// The rules of identity vertex `s`: those its target check gathered, when it was the last one checked.
    pub fn actor(&mut self, s: usize) -> Actor<'a> {
        match self.last_actor.take() {
            Some((v, actor)) if v == s => actor,
            _ => Actor::new(self, self.state(s)),
        }
    }

    fn state_holds_target(&self, state: &State, actor: &Actor) -> bool {
        if state.augmented.is_some() {
            return true;
        }
        let request = self.target.request();
        if !actor.allows(&request) {
            return false;
        }
        // Under constrained impersonation the probe's verb is `impersonate-on:<mode>:*`: only a rule granting every
        // verb (`*`) means every request, not a rule that lists that literal string.
        match (&self.target, &actor.impersonator) {
            (Target::ClusterAdmin, Some((by, _, mode))) => {
                rbac::authorize(self.cluster, by, &impersonate_on(mode, &request))
                    .grants
                    .iter()
                    .any(|g| g.rule.verbs.iter().any(|v| v == "*"))
            }
            _ => true,
        }
    }

    /// Distance (in steps) from every explored vertex to the target; None where it is out of reach.
    pub fn distances(&mut self) -> Vec<Option<usize>> {
        let n = self.vertices.len();
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
                queue.push_back((s, 0));
            }
        }
        while let Some((s, d)) = queue.pop_front() {
            if dist[s].is_some_and(|best| best < d) {
                continue;
            }
            let cost = self.cost(s);
            for &p in &reverse[s] {
                let nd = d + cost;
                if dist[p].is_none_or(|old| nd < old) {
                    dist[p] = Some(nd);
                    if cost == 0 { queue.push_front((p, nd)) } else { queue.push_back((p, nd)) }
                }
            }
        }
        dist
    }

    /// A shortest path from `start` (edges in order, hub edges included), if the target is reachable.
    pub fn shortest_path(&self, start: usize, dist: &[Option<usize>]) -> Option<Vec<(usize, Edge)>> {
        let mut at = start;
        let mut path = Vec::new();
        let mut left = dist[start]?;
        // A hub is never the start and never holds the target, so a walk ends on an identity.
        while left > 0 || matches!(self.vertices[at], Vertex::Hub(_)) {
            let e = self.edges[at].iter().find(|e| {
                let cost = self.cost(e.to);
                cost <= left && dist[e.to] == Some(left - cost)
            })?;
            path.push((at, e.clone()));
            left -= self.cost(e.to);
            at = e.to;
        }
        Some(path)
    }

    /// Every simple path from `start` to a target-holding identity of at most `max_steps` steps, shortest first,
    /// at most `limit` of them (the bool tells whether more were left out).
    pub fn all_paths(&mut self, start: usize, max_steps: usize, limit: usize) -> (Vec<Vec<(usize, Edge)>>, bool) {
        // Decide every vertex first: the walk only reads.
        for s in 0..self.vertices.len() {
            self.holds_target(s);
        }
        let mut walk = Walk {
            limit,
            stack: Vec::new(),
            on_path: vec![false; self.vertices.len()],
            out: Vec::new(),
            truncated: false,
        };
        self.walk(start, max_steps, &mut walk);
        let mut out = walk.out;
        out.sort_by_key(|p| p.iter().map(|(_, e)| self.cost(e.to)).sum::<usize>());
        (out, walk.truncated)
    }

    fn walk(&self, at: usize, left: usize, w: &mut Walk) {
        if self.holds[at] == Some(true) {
            if w.out.len() < w.limit {
                w.out.push(w.stack.clone());
            } else {
                w.truncated = true;
            }
            return;
        }
        if w.truncated {
            return;
        }
        w.on_path[at] = true;
        for e in &self.edges[at] {
            let cost = self.cost(e.to);
            if !w.on_path[e.to] && cost <= left {
                w.stack.push((at, e.clone()));
                self.walk(e.to, left - cost, w);
                w.stack.pop();
            }
        }
        w.on_path[at] = false;
    }

    /// The steps of a walk: each technique edge out of an identity, merged with the hub edges that follow it up to
    /// the next identity (the hub edge names the namespace and the object: which pod, which Secret).
    fn steps_of(&self, walk: &[(usize, Edge)]) -> Vec<Step> {
        let mut steps = Vec::new();
        let mut open: Option<(usize, Edge)> = None;
        for (from, e) in walk {
            let (origin, mut merged) = match open.take() {
                None => (*from, e.clone()),
                Some((origin, mut m)) => {
                    if !e.namespace.is_empty() {
                        m.namespace = e.namespace.clone();
                    }
                    if m.name.is_empty() {
                        m.name = e.name.clone();
                    }
                    m.to = e.to;
                    (origin, m)
                }
            };
            merged.to = e.to;
            match self.vertices[e.to] {
                Vertex::Hub(_) => open = Some((origin, merged)),
                Vertex::Identity(_) => steps.push(self.step(origin, &merged)),
            }
        }
        steps
    }
}

/// The state of [`Graph::all_paths`]'s depth-first walk.
struct Walk {
    limit: usize,
    stack: Vec<(usize, Edge)>,
    on_path: Vec<bool>,
    out: Vec<Vec<(usize, Edge)>>,
    truncated: bool,
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

/// The longest path searched unless `--max-steps` says otherwise.
pub const DEFAULT_MAX_STEPS: usize = 4;

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
    let mut search = Search::new(cluster, target, starts, max_steps);
    let mut warnings = Vec::new();
    if cluster.pods.is_empty() {
        warnings.push(
            "the input has no pods: techniques on running pods and nodes (exec, attach, nodes/proxy, node tokens) \
             were not evaluated"
                .to_string(),
        );
    }
    let paths = if all {
        let mut paths = Vec::new();
        for i in 0..search.starts.len() {
            let s = search.starts[i].1;
            let (found, truncated) = search.graph.all_paths(s, max_steps, ALL_PATHS_LIMIT);
            if truncated {
                warnings.push(format!("more than {ALL_PATHS_LIMIT} paths: the first {ALL_PATHS_LIMIT} are shown"));
            }
            for p in found {
                let steps = search.graph.steps_of(&p);
                paths.push(Path { from: search.graph.state(s).identity.clone(), length: steps.len(), steps });
            }
        }
        paths
    } else {
        search.shortest_paths(starts)
    };
    Report { target: target_text.to_string(), paths, warnings }
}

/// The number of steps from each ServiceAccount of `starts` to the target, for those that reach it within
/// `max_steps` (0: already held).
pub fn steps_to(
    cluster: &Cluster,
    target: Target,
    starts: &[(String, String)],
    max_steps: usize,
) -> HashMap<(String, String), usize> {
    Search::new(cluster, target, starts, max_steps).steps()
}

/// One search from many ServiceAccounts at once, kept to answer both "how many steps" for all of them and "which
/// path" for some, without exploring the graph twice.
pub struct Search<'a> {
    graph: Graph<'a>,
    /// (namespace, name) and its vertex, in the order given.
    starts: Vec<((String, String), usize)>,
    dist: Vec<Option<usize>>,
    max_steps: usize,
}

impl<'a> Search<'a> {
    pub fn new(cluster: &'a Cluster, target: Target, starts: &[(String, String)], max_steps: usize) -> Self {
        let mut graph = Graph::new(cluster, target);
        let starts: Vec<((String, String), usize)> = starts
            .iter()
            .map(|sa| {
                let id = graph.intern(Vertex::Identity(State {
                    identity: Identity::service_account(&sa.0, &sa.1),
                    held: Held::Credential,
                    augmented: None,
                }));
                (sa.clone(), id)
            })
            .collect();
        let ids: Vec<usize> = starts.iter().map(|(_, id)| *id).collect();
        graph.explore(&ids, max_steps);
        let dist = graph.distances();
        Search { graph, starts, dist, max_steps }
    }

    fn reaches(&self, id: usize) -> Option<usize> {
        self.dist[id].filter(|d| *d <= self.max_steps)
    }

    /// The steps of each start that reaches the target within the maximum.
    pub fn steps(&self) -> HashMap<(String, String), usize> {
        self.starts.iter().filter_map(|(sa, id)| self.reaches(*id).map(|d| (sa.clone(), d))).collect()
    }

    /// The shortest path of each of `of` (starts of this search) that reaches the target, in the order given.
    pub fn shortest_paths(&self, of: &[(String, String)]) -> Vec<Path> {
        let ids: HashMap<&(String, String), usize> = self.starts.iter().map(|(sa, id)| (sa, *id)).collect();
        let reaching: Vec<usize> =
            of.iter().filter_map(|sa| ids.get(sa).copied()).filter(|&id| self.reaches(id).is_some()).collect();
        // In parallel: a report asks for thousands, and each step authorizes its preconditions again.
        use rayon::prelude::*;
        reaching
            .par_iter()
            .filter_map(|&id| self.graph.shortest_path(id, &self.dist).map(|p| (id, p)))
            .map(|(id, p)| {
                let steps = self.graph.steps_of(&p);
                Path { from: self.graph.state(id).identity.clone(), length: steps.len(), steps }
            })
            .collect()
    }
}

impl Graph<'_> {
    /// A step for the report: the exact grants of its preconditions and the command that performs it.
    fn step(&self, from: usize, e: &Edge) -> Step {
        let state = self.state(from);
        let to = self.state(e.to);
        let technique = e.technique.expect("a step starts with a technique edge out of an identity");
        let user = state.identity.user_info();
        let grants: Vec<StepGrant> = techniques::preconditions(technique, to, e)
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
            technique,
            from: state.identity.clone(),
            to: to.identity.clone(),
            grant,
            grants: grants.collect(),
            command: techniques::command(self, from, e),
        }
    }
}
