//! Requests and identities as kube-apiserver's authorizer receives them.

use serde::Serialize;

/// The resource part of a request: what a SubjectAccessReview's resourceAttributes carry.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceAttributes {
    pub group: String,
    pub resource: String,
    pub subresource: String,
    pub name: String,
    /// Empty for cluster-scoped resources and for requests across all namespaces.
    pub namespace: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Request {
    Resource { verb: String, attrs: ResourceAttributes },
    NonResource { verb: String, path: String },
}

impl Request {
    /// A resource request; `""` leaves a part out (the core group, no subresource, no name, all namespaces).
    pub fn resource(verb: &str, group: &str, resource: &str, subresource: &str, name: &str, namespace: &str) -> Self {
        Request::Resource {
            verb: verb.into(),
            attrs: ResourceAttributes {
                group: group.into(),
                resource: resource.into(),
                subresource: subresource.into(),
                name: name.into(),
                namespace: namespace.into(),
            },
        }
    }

    pub fn verb(&self) -> &str {
        match self {
            Request::Resource { verb, .. } | Request::NonResource { verb, .. } => verb,
        }
    }

    /// The namespace whose RoleBindings count; `""` means only ClusterRoleBindings do.
    pub fn namespace(&self) -> &str {
        match self {
            Request::Resource { attrs, .. } => &attrs.namespace,
            Request::NonResource { .. } => "",
        }
    }

    /// The same request in another namespace (non-resource requests are unchanged).
    pub fn in_namespace(&self, namespace: &str) -> Request {
        match self {
            Request::Resource { verb, attrs } => Request::Resource {
                verb: verb.clone(),
                attrs: ResourceAttributes { namespace: namespace.to_string(), ..attrs.clone() },
            },
            other => other.clone(),
        }
    }

    /// `resource "pods/log" in API group ""`-style description used in the API server's 403 message.
    pub fn forbidden_message(&self, user: &str) -> String {
        match self {
            Request::Resource { verb, attrs } => {
                let res = if attrs.subresource.is_empty() {
                    attrs.resource.clone()
                } else {
                    format!("{}/{}", attrs.resource, attrs.subresource)
                };
                let scope = if attrs.namespace.is_empty() {
                    "at the cluster scope".to_string()
                } else {
                    format!("in the namespace \"{}\"", attrs.namespace)
                };
                format!("User \"{user}\" cannot {verb} resource \"{res}\" in API group \"{}\" {scope}", attrs.group)
            }
            Request::NonResource { verb, path } => format!("User \"{user}\" cannot {verb} path \"{path}\""),
        }
    }
}

impl std::fmt::Display for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Request::NonResource { verb, path } => write!(f, "{verb} {path}"),
            Request::Resource { verb, attrs } => {
                write!(f, "{verb} {}", attrs.resource)?;
                if !attrs.group.is_empty() {
                    write!(f, ".{}", attrs.group)?;
                }
                if !attrs.subresource.is_empty() {
                    write!(f, "/{}", attrs.subresource)?;
                }
                if !attrs.name.is_empty() {
                    write!(f, " {:?}", attrs.name)?;
                }
                if attrs.namespace.is_empty() {
                    write!(f, " (cluster-wide)")
                } else {
                    write!(f, " in namespace {:?}", attrs.namespace)
                }
            }
        }
    }
}

pub const SA_USER_PREFIX: &str = "system:serviceaccount:";
pub const SA_ALL_GROUP: &str = "system:serviceaccounts";
pub const AUTHENTICATED_GROUP: &str = "system:authenticated";
pub const MASTERS_GROUP: &str = "system:masters";
pub const UNAUTHENTICATED_GROUP: &str = "system:unauthenticated";

/// A user as the authorizer sees it: a name, groups and a uid.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct UserInfo {
    pub username: String,
    pub groups: Vec<String>,
    /// Sent in SubjectAccessReviews; RBAC does not look at it.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub uid: String,
}

impl UserInfo {
    /// The identity a ServiceAccount token authenticates as: its username and its three groups.
    pub fn service_account(namespace: &str, name: &str) -> Self {
        UserInfo {
            username: sa_username(namespace, name),
            groups: vec![SA_ALL_GROUP.to_string(), sa_namespace_group(namespace), AUTHENTICATED_GROUP.to_string()],
            uid: String::new(),
        }
    }

    /// A user with these groups and no uid.
    pub fn new(username: &str, groups: &[&str]) -> Self {
        UserInfo {
            username: username.into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
            uid: String::new(),
        }
    }

    /// Whether the API server allows it everything before any authorizer: the group system:masters.
    pub fn is_superuser(&self) -> bool {
        self.groups.iter().any(|g| g == MASTERS_GROUP)
    }
}

pub fn sa_username(namespace: &str, name: &str) -> String {
    format!("{SA_USER_PREFIX}{namespace}:{name}")
}

pub fn sa_namespace_group(namespace: &str) -> String {
    format!("{SA_ALL_GROUP}:{namespace}")
}

/// `system:serviceaccount:NS:NAME` -> (NS, NAME).
pub fn parse_sa_username(username: &str) -> Option<(&str, &str)> {
    let rest = username.strip_prefix(SA_USER_PREFIX)?;
    let (ns, name) = rest.split_once(':')?;
    (!ns.is_empty() && !name.is_empty()).then_some((ns, name))
}
