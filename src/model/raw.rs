//! Wire shapes of the objects kubectl-sa reads, as the API server and `kubectl get -o yaml|json` print them.
//!
//! Only the fields the engine uses are kept: large lists (tens of thousands of bindings) are decoded without
//! retaining managedFields and other bulk. The RBAC value types come from k8s-openapi.

use std::collections::BTreeMap;

use k8s_openapi::api::rbac::v1::{AggregationRule, PolicyRule, RoleRef, Subject};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Meta {
    pub name: String,
    pub namespace: Option<String>,
    pub uid: Option<String>,
    pub labels: Option<BTreeMap<String, String>>,
    pub annotations: Option<BTreeMap<String, String>>,
    pub creation_timestamp: Option<String>,
    pub deletion_timestamp: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawRole {
    #[serde(default)]
    pub metadata: Meta,
    #[serde(default)]
    pub rules: Option<Vec<PolicyRule>>,
    #[serde(default)]
    pub aggregation_rule: Option<AggregationRule>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawBinding {
    #[serde(default)]
    pub metadata: Meta,
    pub role_ref: RoleRef,
    #[serde(default)]
    pub subjects: Option<Vec<Subject>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NameRef {
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawServiceAccount {
    #[serde(default)]
    pub metadata: Meta,
    #[serde(default)]
    pub automount_service_account_token: Option<bool>,
    #[serde(default)]
    pub secrets: Option<Vec<NameRef>>,
    #[serde(default)]
    pub image_pull_secrets: Option<Vec<NameRef>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NamespaceStatus {
    pub phase: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawNamespace {
    #[serde(default)]
    pub metadata: Meta,
    #[serde(default)]
    pub status: Option<NamespaceStatus>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CrdNames {
    pub plural: String,
    pub singular: Option<String>,
    pub kind: String,
    pub short_names: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CrdSubresources {
    pub status: Option<serde_json::Value>,
    pub scale: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CrdVersion {
    pub name: String,
    pub served: bool,
    pub storage: bool,
    pub subresources: Option<CrdSubresources>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CrdSpec {
    pub group: String,
    pub names: CrdNames,
    pub scope: String,
    pub versions: Vec<CrdVersion>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawCrd {
    #[serde(default)]
    pub metadata: Meta,
    pub spec: CrdSpec,
}

/// A Pod, reduced to what the token and identity analysis needs.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawPod {
    #[serde(default)]
    pub metadata: Meta,
    #[serde(default)]
    pub spec: PodSpecLite,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodSpecLite {
    pub service_account_name: Option<String>,
    /// Deprecated alias of serviceAccountName, still honoured by the API server.
    pub service_account: Option<String>,
    pub automount_service_account_token: Option<bool>,
    pub node_name: Option<String>,
    pub volumes: Option<Vec<VolumeLite>>,
    pub containers: Vec<ContainerLite>,
    pub init_containers: Option<Vec<ContainerLite>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VolumeLite {
    pub name: String,
    pub projected: Option<ProjectedLite>,
    pub secret: Option<SecretVolumeLite>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SecretVolumeLite {
    pub secret_name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProjectedLite {
    pub sources: Option<Vec<ProjectionLite>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProjectionLite {
    pub service_account_token: Option<ServiceAccountTokenProjection>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceAccountTokenProjection {
    pub audience: Option<String>,
    pub expiration_seconds: Option<i64>,
    pub path: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerLite {
    pub name: String,
    pub env: Option<Vec<EnvLite>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EnvLite {
    pub name: String,
}

/// A Secret's metadata and type. Its data is never read into memory (serde skips it).
#[derive(Debug, Clone, Deserialize)]
pub struct RawSecret {
    #[serde(default)]
    pub metadata: Meta,
    #[serde(default, rename = "type")]
    pub secret_type: Option<String>,
}

/// Any object of a snapshot, decoded in one pass: the fields of every kind kubectl-sa reads, all optional.
/// Fields it does not read (managedFields, data, status of most kinds, ...) are skipped without being built, which
/// keeps large snapshots fast and small in memory.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RawAny {
    pub kind: Option<String>,
    pub api_version: Option<String>,
    pub metadata: Option<Meta>,
    pub items: Option<Vec<RawAny>>,
    // RBAC
    pub rules: Option<Vec<PolicyRule>>,
    pub aggregation_rule: Option<AggregationRule>,
    pub role_ref: Option<RoleRef>,
    pub subjects: Option<Vec<Subject>>,
    // ServiceAccount
    pub automount_service_account_token: Option<bool>,
    pub secrets: Option<Vec<NameRef>>,
    pub image_pull_secrets: Option<Vec<NameRef>>,
    // Secret
    #[serde(rename = "type")]
    pub secret_type: Option<String>,
    // Namespace, Pod, CRD, admission objects
    pub status: Option<serde_json::Value>,
    pub spec: Option<serde_json::Value>,
    pub webhooks: Option<serde_json::Value>,
    // Cloud exports (no `kind`): `aws iam get-role`, `aws iam list-roles`, `aws eks describe-cluster`.
    #[serde(rename = "Role")]
    pub aws_role: Option<serde_json::Value>,
    #[serde(rename = "Roles")]
    pub aws_roles: Option<serde_json::Value>,
    pub cluster: Option<serde_json::Value>,
    pub association: Option<serde_json::Value>,
    pub associations: Option<serde_json::Value>,
    /// Azure CLI objects (their `type` is in `secret_type`).
    pub id: Option<String>,
    pub name: Option<String>,
    pub client_id: Option<String>,
    pub issuer: Option<String>,
    pub subject: Option<String>,
    pub audiences: Option<serde_json::Value>,
    pub oidc_issuer_profile: Option<serde_json::Value>,
    /// GCP: asset search results and `gcloud container clusters describe`.
    pub resource: Option<String>,
    pub policy: Option<serde_json::Value>,
    pub workload_identity_config: Option<serde_json::Value>,
}
