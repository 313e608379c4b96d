//! How a request is shown to users and in JSON.

use serde::Serialize;

use crate::rbac::Request;

/// The request in JSON output: resource attributes as a SubjectAccessReview has them, or a non-resource path.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum RequestView {
    #[serde(rename_all = "camelCase")]
    Resource {
        verb: String,
        group: String,
        resource: String,
        subresource: String,
        name: String,
        namespace: String,
    },
    NonResource {
        verb: String,
        path: String,
    },
}

impl From<&Request> for RequestView {
    fn from(r: &Request) -> Self {
        match r {
            Request::Resource { verb, attrs } => RequestView::Resource {
                verb: verb.clone(),
                group: attrs.group.clone(),
                resource: attrs.resource.clone(),
                subresource: attrs.subresource.clone(),
                name: attrs.name.clone(),
                namespace: attrs.namespace.clone(),
            },
            Request::NonResource { verb, path } => RequestView::NonResource { verb: verb.clone(), path: path.clone() },
        }
    }
}

/// `get pods.apps/scale "x"` without the namespace part.
pub fn describe_without_namespace(r: &Request) -> String {
    let s = r.in_namespace("").to_string();
    s.strip_suffix(" (cluster-wide)").map(str::to_string).unwrap_or(s)
}
