//! SubjectAccessReviews: the judge of every live test.

use serde_json::{Value, json};

/// A runtime for the async clients of a test.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("tokio runtime")
}

/// A SubjectAccessReview for a ServiceAccount (its username and three groups). `attributes` is either
/// `{"resourceAttributes": ...}` or `{"nonResourceAttributes": ...}`.
pub fn sa_review(ns: &str, name: &str, attributes: Value) -> Value {
    let mut spec = json!({
        "user": format!("system:serviceaccount:{ns}:{name}"),
        "groups": ["system:serviceaccounts", format!("system:serviceaccounts:{ns}"), "system:authenticated"],
    });
    if let (Some(spec), Value::Object(attrs)) = (spec.as_object_mut(), attributes) {
        spec.extend(attrs);
    }
    json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "spec": spec})
}

/// A SubjectAccessReview for exactly this user: username, groups and uid.
pub fn user_review(user: &kubectl_sa::rbac::UserInfo, attributes: Value) -> Value {
    let mut spec = json!({"user": user.username, "groups": user.groups});
    if !user.uid.is_empty() {
        spec["uid"] = json!(user.uid);
    }
    if let (Some(spec), Value::Object(attrs)) = (spec.as_object_mut(), attributes) {
        spec.extend(attrs);
    }
    json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "spec": spec})
}

/// The API server's answer to one review.
pub async fn allowed(client: &kube::Client, review: &Value) -> bool {
    let req = http::Request::post("/apis/authorization.k8s.io/v1/subjectaccessreviews")
        .header("content-type", "application/json")
        .body(serde_json::to_vec(review).expect("json"))
        .expect("request");
    let v: Value = client.request(req).await.expect("SubjectAccessReview");
    v["status"]["allowed"].as_bool().unwrap_or(false)
}

/// Many reviews, 32 in flight at a time; answers in input order.
pub async fn allowed_all(client: &kube::Client, reviews: Vec<Value>) -> Vec<bool> {
    let mut answers = vec![false; reviews.len()];
    for (chunk_index, chunk) in reviews.chunks(32).enumerate() {
        let mut set = tokio::task::JoinSet::new();
        for (i, review) in chunk.iter().cloned().enumerate() {
            let client = client.clone();
            set.spawn(async move { (i, allowed(&client, &review).await) });
        }
        while let Some(r) = set.join_next().await {
            let (i, a) = r.expect("review task");
            answers[chunk_index * 32 + i] = a;
        }
    }
    answers
}

/// The existing ServiceAccounts a `who-can -o json` answer lists, as `namespace/name`.
pub fn listed_service_accounts(who_can_json: &Value) -> std::collections::BTreeSet<String> {
    who_can_json["serviceAccounts"]
        .as_array()
        .expect("serviceAccounts is an array")
        .iter()
        .filter(|s| s["exists"] == true)
        .map(|s| format!("{}/{}", s["namespace"].as_str().unwrap_or_default(), s["name"].as_str().unwrap_or_default()))
        .collect()
}
