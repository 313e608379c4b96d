//! Cloud exports read beside a cluster's objects: IAM roles with their trust policies (`aws iam get-role`,
//! `aws iam list-roles`) and the EKS cluster's OIDC issuer (`aws eks describe-cluster`). Parsed here; evaluated by
//! `identity::aws`. A trust policy may be an object or, as IAM's API returns it, URL-encoded JSON text.

use anyhow::{Context, Result, anyhow, bail};
use serde::Serialize;
use serde_json::Value;

/// Everything the cloud exports among the inputs say.
#[derive(Debug, Clone, Default)]
pub struct CloudInputs {
    /// IAM roles with their trust policies (`aws iam get-role`, `list-roles`).
    pub aws_roles: Vec<IamRole>,
    /// The EKS cluster's OIDC issuer (`aws eks describe-cluster`).
    pub oidc_issuer: Option<String>,
    /// EKS Pod Identity associations (`aws eks describe-pod-identity-association`).
    pub pod_identity_associations: Vec<PodIdentityAssociation>,
    /// Azure managed identities (`az identity show`) and their federated credentials.
    pub azure_identities: Vec<AzureIdentity>,
    pub federated_credentials: Vec<FederatedCredential>,
    /// The AKS cluster's OIDC issuer (`az aks show`).
    pub aks_issuer: Option<String>,
    /// IAM policies of Google service accounts (`gcloud asset search-all-iam-policies`).
    pub gcp_policies: Vec<GcpServiceAccountPolicy>,
    /// The GKE cluster's workload pool, `PROJECT.svc.id.goog` (`gcloud container clusters describe`).
    pub gke_workload_pool: Option<String>,
}

impl CloudInputs {
    /// Whether any export can map a ServiceAccount (then every ServiceAccount is analysed, not only annotated ones).
    pub fn maps_service_accounts(&self) -> bool {
        (!self.aws_roles.is_empty() && self.oidc_issuer.is_some())
            || !self.pod_identity_associations.is_empty()
            || (!self.federated_credentials.is_empty() && self.aks_issuer.is_some())
            || (!self.gcp_policies.is_empty() && self.gke_workload_pool.is_some())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IamRole {
    pub arn: String,
    pub name: String,
    pub trust: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Statement {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    pub effect: Effect,
    /// `Principal: "*"` (or `{"AWS": "*"}`): anyone, federated tokens included.
    pub any_principal: bool,
    pub federated: Vec<String>,
    /// `Principal.Service` (e.g. `pods.eks.amazonaws.com` for EKS Pod Identity).
    pub services: Vec<String>,
    /// Patterns of `Action` (`*` and `?` wildcards, case-insensitive); empty with `NotAction`.
    pub actions: Vec<String>,
    /// `NotAction`: the statement covers every action but these.
    pub not_actions: Vec<String>,
    pub conditions: Vec<Condition>,
}

/// One operator on one key, with its values (any one of them may match).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// As written, e.g. `ForAnyValue:StringLike`.
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
}

fn strings(v: Option<&Value>) -> Result<Vec<String>> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| match x {
                Value::String(s) => Ok(s.clone()),
                Value::Bool(b) => Ok(b.to_string()),
                Value::Number(n) => Ok(n.to_string()),
                other => Err(anyhow!("expected a string, found {other}")),
            })
            .collect(),
        Some(Value::Bool(b)) => Ok(vec![b.to_string()]),
        Some(Value::Number(n)) => Ok(vec![n.to_string()]),
        Some(other) => bail!("expected a string or a list of strings, found {other}"),
    }
}

fn statement(v: &Value) -> Result<Statement> {
    let effect = match v.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        other => bail!("statement Effect must be Allow or Deny, found {other:?}"),
    };
    if v.get("NotPrincipal").is_some() {
        bail!("NotPrincipal in a trust policy is not evaluated");
    }
    let (any_principal, federated, services) = match v.get("Principal") {
        Some(Value::String(s)) if s == "*" => (true, Vec::new(), Vec::new()),
        Some(Value::Object(p)) => {
            let aws_any = strings(p.get("AWS"))?.iter().any(|a| a == "*");
            (aws_any, strings(p.get("Federated"))?, strings(p.get("Service"))?)
        }
        None => (false, Vec::new(), Vec::new()),
        Some(other) => bail!("unexpected Principal {other}"),
    };
    let mut conditions = Vec::new();
    if let Some(c) = v.get("Condition") {
        let ops = c.as_object().ok_or_else(|| anyhow!("Condition must be an object"))?;
        for (operator, keys) in ops {
            let keys = keys.as_object().ok_or_else(|| anyhow!("Condition {operator} must map keys to values"))?;
            for (key, values) in keys {
                conditions.push(Condition {
                    operator: operator.clone(),
                    key: key.clone(),
                    values: strings(Some(values))?,
                });
            }
        }
    }
    Ok(Statement {
        sid: v.get("Sid").and_then(Value::as_str).map(str::to_string),
        effect,
        any_principal,
        federated,
        services,
        actions: strings(v.get("Action"))?,
        not_actions: strings(v.get("NotAction"))?,
        conditions,
    })
}

/// A policy document: an object, or URL-encoded JSON text as IAM's API returns it.
pub fn policy_document(v: &Value) -> Result<Vec<Statement>> {
    let doc = match v {
        Value::String(text) => {
            let decoded =
                percent_encoding::percent_decode_str(text).decode_utf8().context("trust policy is not UTF-8")?;
            serde_json::from_str(&decoded).context("trust policy is not JSON")?
        }
        other => other.clone(),
    };
    match doc.get("Statement") {
        Some(Value::Array(list)) => {
            list.iter().enumerate().map(|(i, s)| statement(s).with_context(|| format!("Statement {i}"))).collect()
        }
        Some(s @ Value::Object(_)) => Ok(vec![statement(s)?]),
        _ => bail!("policy document has no Statement"),
    }
}

fn role(v: &Value) -> Result<IamRole> {
    let arn = v.get("Arn").and_then(Value::as_str).ok_or_else(|| anyhow!("role without Arn"))?;
    let name = v.get("RoleName").and_then(Value::as_str).unwrap_or_else(|| arn.rsplit('/').next().unwrap_or(arn));
    let trust = v
        .get("AssumeRolePolicyDocument")
        .ok_or_else(|| anyhow!("role {arn} has no AssumeRolePolicyDocument"))
        .and_then(|d| policy_document(d).with_context(|| format!("role {arn}: trust policy")))?;
    Ok(IamRole { arn: arn.to_string(), name: name.to_string(), trust })
}

/// The roles of `aws iam get-role` (`{"Role": ...}`) or `aws iam list-roles` (`{"Roles": [...]}`) output; `None`
/// when the document is neither.
pub fn roles_of(doc: &Value) -> Option<Result<Vec<IamRole>>> {
    if let Some(r) = doc.get("Role") {
        return Some(role(r).map(|r| vec![r]));
    }
    let list = doc.get("Roles")?.as_array()?;
    Some(list.iter().map(role).collect())
}

/// The OIDC issuer of `aws eks describe-cluster` output (`{"cluster": {"identity": {"oidc": {"issuer"}}}}`); `None`
/// when the document is not that output.
pub fn eks_issuer_of(doc: &Value) -> Option<Result<String>> {
    let cluster = doc.get("cluster")?.as_object()?;
    cluster.get("arn")?;
    Some(
        cluster
            .get("identity")
            .and_then(|i| i.pointer("/oidc/issuer"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| anyhow!("EKS cluster description without identity.oidc.issuer")),
    )
}

/// An EKS Pod Identity association: pods of ServiceAccount NAMESPACE/NAME get credentials of the role.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodIdentityAssociation {
    pub namespace: String,
    pub service_account: String,
    /// Absent in `list-pod-identity-associations` output (only `describe-pod-identity-association` has it).
    pub role_arn: Option<String>,
    pub association_id: String,
}

fn association(v: &Value) -> Result<PodIdentityAssociation> {
    let field = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    Ok(PodIdentityAssociation {
        namespace: field("namespace").ok_or_else(|| anyhow!("association without namespace"))?,
        service_account: field("serviceAccount").ok_or_else(|| anyhow!("association without serviceAccount"))?,
        role_arn: field("roleArn"),
        association_id: field("associationId").or_else(|| field("associationArn")).unwrap_or_default(),
    })
}

/// The associations of `aws eks describe-pod-identity-association` (`{"association": ...}`) or `aws eks
/// list-pod-identity-associations` (`{"associations": [...]}`) output; `None` when the document is neither.
pub fn associations_of(doc: &Value) -> Option<Result<Vec<PodIdentityAssociation>>> {
    if let Some(a) = doc.get("association") {
        return Some(association(a).map(|a| vec![a]));
    }
    let list = doc.get("associations")?.as_array()?;
    Some(list.iter().map(association).collect())
}

/// The audience Azure Workload Identity's webhook projects, and a federated credential must list.
pub const AZURE_AUDIENCE: &str = "api://AzureADTokenExchange";

/// A user-assigned managed identity (`az identity show`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AzureIdentity {
    /// The resource id, `/subscriptions/.../userAssignedIdentities/NAME`.
    pub id: String,
    pub name: String,
    pub client_id: String,
}

/// A federated identity credential of a managed identity (`az identity federated-credential list`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FederatedCredential {
    /// The resource id of the identity it belongs to (its own id without `/federatedIdentityCredentials/NAME`).
    pub identity_id: String,
    pub name: String,
    pub issuer: String,
    pub subject: String,
    pub audiences: Vec<String>,
}

/// What one Azure export document is.
pub enum AzureExport {
    Identity(AzureIdentity),
    Credential(FederatedCredential),
    /// `az aks show`: the cluster's OIDC issuer.
    ClusterIssuer(String),
}

/// One Azure CLI object, by its `type`; `None` when it is not one kubectl-sa reads.
pub fn azure_export_of(doc: &Value) -> Option<Result<AzureExport>> {
    let kind = doc.get("type")?.as_str()?.to_ascii_lowercase();
    let text = |k: &str| doc.get(k).and_then(Value::as_str).map(str::to_string);
    let need = |k: &str| text(k).ok_or_else(|| anyhow!("Azure object of type {kind} without {k}"));
    Some((|| match kind.as_str() {
        "microsoft.managedidentity/userassignedidentities" => Ok(AzureExport::Identity(AzureIdentity {
            id: need("id")?,
            name: need("name")?,
            client_id: need("clientId")?,
        })),
        "microsoft.managedidentity/userassignedidentities/federatedidentitycredentials" => {
            let id = need("id")?;
            let identity_id = match id.to_ascii_lowercase().rfind("/federatedidentitycredentials/") {
                Some(i) => id[..i].to_string(),
                None => bail!("federated credential id {id} does not name its identity"),
            };
            Ok(AzureExport::Credential(FederatedCredential {
                identity_id,
                name: need("name")?,
                issuer: need("issuer")?,
                subject: need("subject")?,
                audiences: strings(doc.get("audiences"))?,
            }))
        }
        "microsoft.containerservice/managedclusters" => doc
            .pointer("/oidcIssuerProfile/issuerUrl")
            .and_then(Value::as_str)
            .map(|u| AzureExport::ClusterIssuer(u.to_string()))
            .ok_or_else(|| anyhow!("AKS cluster without oidcIssuerProfile.issuerUrl (is the OIDC issuer enabled?)")),
        _ => bail!("Azure objects of type {kind} are not read"),
    })())
}

/// A Google service account's IAM policy, from `gcloud asset search-all-iam-policies` output (one result per
/// resource: `{"resource": "//iam.googleapis.com/projects/P/serviceAccounts/EMAIL", "policy": {"bindings": ...}}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GcpServiceAccountPolicy {
    pub email: String,
    /// (role, members, has a condition).
    pub bindings: Vec<(String, Vec<String>, bool)>,
}

/// A GSA's policy from one asset search result; `None` when the document is not one.
pub fn gcp_policy_of(resource: &str, policy: &Value) -> Option<Result<GcpServiceAccountPolicy>> {
    let email = resource.strip_prefix("//iam.googleapis.com/")?.split("/serviceAccounts/").nth(1)?;
    Some((|| {
        let mut bindings = Vec::new();
        for b in policy.get("bindings").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
            let role = b.get("role").and_then(Value::as_str).ok_or_else(|| anyhow!("IAM binding without role"))?;
            bindings.push((role.to_string(), strings(b.get("members"))?, b.get("condition").is_some()));
        }
        Ok(GcpServiceAccountPolicy { email: email.to_string(), bindings })
    })())
}
