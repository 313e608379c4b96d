//! The authentication stage of a ServiceAccount's request: can a token authenticate as it, how do its pods get
//! tokens, and which cloud identity does it map to (docs/identity.md). Pure: works on the
//! cluster in memory. Never reads or prints token or Secret data.

use serde::Serialize;

use crate::model::{Cluster, Pod, ServiceAccount};
use crate::rbac::UserInfo;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccountView {
    pub namespace: String,
    pub name: String,
    pub exists: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodToken {
    pub name: String,
    /// Whether the API server mounts the token (pod field if set, else the SA's, else true).
    pub automount: bool,
    /// Which setting decided: "pod", "serviceAccount" or "default".
    pub automount_source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// Extra projected serviceAccountToken volumes (audience, expirationSeconds).
    pub projected_tokens: Vec<ProjectedToken>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectedToken {
    pub audience: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_seconds: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyToken {
    pub secret: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invalid_since: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CloudIdentity {
    /// aws-irsa, aws-eks-pod-identity, gcp-workload-identity, azure-workload-identity, aws-kube2iam,
    /// azure-aad-pod-identity.
    pub provider: String,
    /// The role ARN, Google service account, Azure client id, ... ("" when only traces are seen).
    pub identity: String,
    /// Where it was found.
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticationReport {
    /// The ServiceAccount the identity is; None for a user that is not one.
    pub service_account: Option<ServiceAccountView>,
    pub user: UserInfo,
    /// false when the SA does not exist (no token can authenticate as it); None when the input cannot tell.
    pub can_authenticate: Option<bool>,
    /// automountServiceAccountToken on the ServiceAccount (None = unset = true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_account_automount: Option<bool>,
    /// Pods running as this SA; None when pods were not read.
    pub pods: Option<Vec<PodToken>>,
    /// Secrets of type kubernetes.io/service-account-token for this SA: long-lived tokens.
    pub legacy_tokens: Option<Vec<LegacyToken>>,
    pub cloud_identities: Vec<CloudIdentity>,
    pub warnings: Vec<String>,
    pub verdict: String,
    /// The cloud-side problems among `warnings`, sorted for the audit (SA-28, SA-29).
    #[serde(skip)]
    pub cloud_trust: TrustProblems,
}

/// What the cloud exports say against the cluster's mapping of one ServiceAccount.
#[derive(Debug, Clone, Default)]
pub struct TrustProblems {
    /// A trust admits it too broadly: every ServiceAccount, or any audience (SA-28).
    pub broad: Vec<String>,
    /// The two sides disagree: an annotation the cloud does not back, a trust that refuses the association (SA-29).
    pub broken: Vec<String>,
    /// Trust policies that could not be evaluated.
    pub notes: Vec<String>,
}

/// What the input tells about the SA's tokens. `live` says whether absence of the SA object means it does not exist;
/// `workloads_known` whether pods and token Secrets of its namespace were read.
pub fn analyse(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    live: bool,
    workloads_known: bool,
) -> AuthenticationReport {
    let sa = cluster.service_account(namespace, name);
    let user = UserInfo::service_account(namespace, name);
    let mut warnings = Vec::new();
    let pods: Vec<&Pod> =
        cluster.pods.iter().filter(|p| p.namespace == namespace && p.service_account == name).collect();
    let pod_tokens: Vec<PodToken> = pods.iter().map(|p| pod_token(p, sa)).collect();
    let legacy: Vec<LegacyToken> = cluster
        .token_secrets
        .iter()
        .filter(|s| s.namespace == namespace && s.service_account == name)
        .map(|s| LegacyToken {
            secret: s.name.clone(),
            last_used: s.last_used.clone(),
            invalid_since: s.invalid_since.clone(),
            created: s.created.clone(),
        })
        .collect();
    for t in &legacy {
        if t.invalid_since.is_none() {
            warnings.push(format!(
                "Secret {:?} holds a legacy token that never expires{}; prefer bound tokens (TokenRequest) and delete it",
                t.secret,
                t.last_used.as_deref().map(|d| format!(" (last used {d})")).unwrap_or_default()
            ));
        }
    }
    let mut cloud_identities = cloud_identities(sa, &pods, &mut warnings);
    let mut trust = TrustProblems::default();
    irsa_trust(cluster, namespace, name, &mut cloud_identities, &mut trust);
    warnings.extend(trust.broad.iter().chain(&trust.broken).chain(&trust.notes).cloned());
    if name == "default" && !pods.is_empty() {
        warnings.push(format!(
            "{} pod(s) run as the namespace's default ServiceAccount: a shared identity (CIS 5.1.5)",
            pods.len()
        ));
    }
    let can_authenticate = match (sa.is_some(), live) {
        (true, _) => Some(true),
        (false, true) => Some(false),
        (false, false) => None,
    };
    let verdict = match can_authenticate {
        Some(false) => format!(
            "ServiceAccount {namespace}/{name} does not exist: no token can authenticate as it (the token \
             authenticator checks the SA and its UID); RBAC is evaluated anyway"
        ),
        None => format!(
            "ServiceAccount {namespace}/{name} is not in the snapshot: if it does not exist, no token can \
             authenticate as it; RBAC is evaluated anyway"
        ),
        Some(true) => {
            let mounted = pod_tokens.iter().filter(|p| p.automount).count();
            let pods_text = if workloads_known {
                format!("{} pod(s) run as it, {mounted} with a mounted token", pod_tokens.len())
            } else {
                "its pods were not read".to_string()
            };
            format!("authenticates as {} ({pods_text}; {} legacy token Secret(s))", user.username, legacy.len())
        }
    };
    AuthenticationReport {
        service_account: Some(ServiceAccountView {
            namespace: namespace.to_string(),
            name: name.to_string(),
            exists: sa.is_some(),
            uid: sa.and_then(|s| s.uid.clone()),
        }),
        user,
        can_authenticate,
        service_account_automount: sa.and_then(|s| s.automount),
        pods: workloads_known.then_some(pod_tokens),
        legacy_tokens: workloads_known.then_some(legacy),
        cloud_identities,
        warnings,
        verdict,
        cloud_trust: trust,
    }
}

/// One ServiceAccount mapped to a cloud identity, and why.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MappedServiceAccount {
    pub namespace: String,
    pub name: String,
    pub provider: String,
    pub source: String,
    /// Warnings about this mapping (broken trust, precedence).
    pub warnings: Vec<String>,
}

/// `who-can assume IDENTITY` for a Google service account or an Azure client id (and any identity `list` shows):
/// every ServiceAccount whose cloud identities, from annotations and from the cloud exports, include it.
pub fn mapped_to(cluster: &Cluster, identity: &str, workloads_known: bool) -> Vec<MappedServiceAccount> {
    let mut out = Vec::new();
    for (ns, name) in cluster.service_accounts.keys() {
        let report = analyse(cluster, ns, name, false, workloads_known);
        for c in report.cloud_identities.iter().filter(|c| c.identity.eq_ignore_ascii_case(identity)) {
            out.push(MappedServiceAccount {
                namespace: ns.clone(),
                name: name.clone(),
                provider: c.provider.clone(),
                source: c.source.clone(),
                warnings: report.warnings.iter().filter(|w| w.contains(identity)).cloned().collect(),
            });
        }
    }
    out
}

/// The authentication stage of a user that is not a ServiceAccount: its credentials (client certificate, OIDC,
/// webhook token, authenticating proxy) are outside the cluster's objects, so nothing is known but what was given.
pub fn analyse_user(user: &UserInfo) -> AuthenticationReport {
    AuthenticationReport {
        service_account: None,
        user: user.clone(),
        can_authenticate: None,
        service_account_automount: None,
        pods: None,
        legacy_tokens: None,
        cloud_identities: Vec::new(),
        warnings: Vec::new(),
        cloud_trust: TrustProblems::default(),
        verdict: format!(
            "user {:?} is not a ServiceAccount: how it authenticates (client certificate, OIDC, webhook token, \
             authenticating proxy) is outside the cluster's objects; the request is evaluated for the user and groups \
             given",
            user.username
        ),
    }
}

fn pod_token(p: &Pod, sa: Option<&ServiceAccount>) -> PodToken {
    // The pod's field wins, then the ServiceAccount's, else true.
    let (automount, source) = match (p.automount, sa.and_then(|s| s.automount)) {
        (Some(v), _) => (v, "pod"),
        (None, Some(v)) => (v, "serviceAccount"),
        (None, None) => (true, "default"),
    };
    PodToken {
        name: p.name.clone(),
        automount,
        automount_source: source.to_string(),
        node: p.node_name.clone(),
        projected_tokens: p
            .projected_tokens
            .iter()
            .map(|(aud, exp)| ProjectedToken { audience: aud.clone().unwrap_or_default(), expiration_seconds: *exp })
            .collect(),
    }
}

/// The cloud half of IRSA, when IAM roles and the cluster's issuer are among the inputs: the roles whose trust
/// policy admits this ServiceAccount's IRSA token (with or without an annotation), and a warning for an annotation
/// whose role does not admit it.
fn irsa_trust(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    identities: &mut Vec<CloudIdentity>,
    problems: &mut TrustProblems,
) {
    use crate::identity::aws::{WebIdentity, roles_admitting};
    pod_identity(cluster, namespace, name, identities, problems);
    azure_trust(cluster, namespace, name, identities, problems);
    gcp_trust(cluster, namespace, name, identities, problems);
    let Some(issuer) = &cluster.cloud.oidc_issuer else { return };
    if cluster.cloud.aws_roles.is_empty() {
        return;
    }
    let token = WebIdentity::service_account(issuer, namespace, name);
    let admitting = match roles_admitting(&cluster.cloud.aws_roles, &token) {
        Ok(a) => a,
        Err(e) => {
            problems.notes.push(format!("IAM trust policies could not be evaluated: {e:#}"));
            return;
        }
    };
    for c in identities.iter_mut().filter(|c| c.provider == "aws-irsa") {
        match admitting.iter().find(|(arn, _)| *arn == c.identity) {
            Some((_, reason)) => c.source.push_str(&format!("; its trust policy admits the token ({reason})")),
            None if cluster.cloud.aws_roles.iter().any(|r| r.arn == c.identity) => problems.broken.push(format!(
                "broken IRSA: the trust policy of {} does not admit {namespace}/{name}; AssumeRoleWithWebIdentity \
                 fails for its pods",
                c.identity
            )),
            None => {}
        }
    }
    for (arn, _) in &admitting {
        let Some(role) = cluster.cloud.aws_roles.iter().find(|r| r.arn == *arn) else { continue };
        if crate::identity::aws::admits_any_service_account_in(role, issuer, namespace) {
            problems.broad.push(format!(
                "the trust policy of {arn} admits any ServiceAccount of namespace {namespace} (a wildcard or no \
                 condition on sub): whoever can create a ServiceAccount there can assume the role"
            ));
        } else if !crate::identity::aws::tests_audience(role) {
            problems.broad.push(format!(
                "the trust policy of {arn} admits {namespace}/{name} without a condition on aud: a token of it minted \
                 for any audience the OIDC provider accepts is enough"
            ));
        }
    }
    for (arn, reason) in admitting {
        if !identities.iter().any(|c| c.provider == "aws-irsa" && c.identity == arn) {
            identities.push(CloudIdentity {
                provider: "aws-irsa".into(),
                identity: arn,
                source: format!(
                    "IAM trust policy ({reason}) admits its token without any annotation: a pod that projects a \
                     token with audience sts.amazonaws.com can assume the role"
                ),
            });
        }
    }
}

/// The federated credentials that trust this ServiceAccount's Azure token (issuer, subject and audience exactly, as
/// Entra ID compares them), when the AKS issuer and the credentials are among the inputs.
fn azure_trust(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    identities: &mut Vec<CloudIdentity>,
    problems: &mut TrustProblems,
) {
    use crate::model::cloud::AZURE_AUDIENCE;
    let Some(issuer) = &cluster.cloud.aks_issuer else { return };
    let subject = format!("system:serviceaccount:{namespace}:{name}");
    let trusting: Vec<_> = cluster
        .cloud
        .federated_credentials
        .iter()
        .filter(|c| c.issuer == *issuer && c.subject == subject && c.audiences.iter().any(|a| a == AZURE_AUDIENCE))
        .collect();
    let identity_of = |id: &str| cluster.cloud.azure_identities.iter().find(|i| i.id.eq_ignore_ascii_case(id));
    for c in identities.iter_mut().filter(|c| c.provider == "azure-workload-identity") {
        let Some(identity) =
            cluster.cloud.azure_identities.iter().find(|i| i.client_id.eq_ignore_ascii_case(&c.identity))
        else {
            continue;
        };
        match trusting.iter().find(|f| f.identity_id.eq_ignore_ascii_case(&identity.id)) {
            Some(f) => {
                c.source.push_str(&format!("; federated credential {} of {} trusts its token", f.name, identity.name))
            }
            None => problems.broken.push(format!(
                "no federated credential of managed identity {} (client id {}) trusts {namespace}/{name} (issuer \
                 {issuer}, audience {AZURE_AUDIENCE}): the token exchange fails",
                identity.name, identity.client_id
            )),
        }
    }
    for f in trusting {
        let identity = identity_of(&f.identity_id);
        let client = identity.map_or(f.identity_id.clone(), |i| i.client_id.clone());
        if !identities
            .iter()
            .any(|c| c.provider == "azure-workload-identity" && c.identity.eq_ignore_ascii_case(&client))
        {
            identities.push(CloudIdentity {
                provider: "azure-workload-identity".into(),
                identity: client,
                source: format!(
                    "federated credential {} of {} trusts its token without the client-id annotation",
                    f.name,
                    identity.map_or(f.identity_id.as_str(), |i| i.name.as_str())
                ),
            });
        }
    }
}

/// The Google service accounts whose IAM policy lets this ServiceAccount act as them (`roles/iam.workloadIdentityUser`
/// for `serviceAccount:POOL[NS/NAME]`, or a `principal://` / `principalSet://` member of the pool naming it or its
/// namespace), when the GKE workload pool and the policies are among the inputs.
fn gcp_trust(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    identities: &mut Vec<CloudIdentity>,
    problems: &mut TrustProblems,
) {
    const ROLE: &str = "roles/iam.workloadIdentityUser";
    let Some(pool) = &cluster.cloud.gke_workload_pool else { return };
    let member = format!("serviceAccount:{pool}[{namespace}/{name}]");
    let pool_path = format!("/workloadIdentityPools/{pool}/");
    let principal = format!("subject/ns/{namespace}/sa/{name}");
    let principal_set = format!("namespace/{namespace}");
    let names_it = |m: &str| {
        m == member
            || (m.starts_with("principal://iam.googleapis.com/") && m.ends_with(&format!("{pool_path}{principal}")))
            || (m.starts_with("principalSet://iam.googleapis.com/")
                && m.ends_with(&format!("{pool_path}{principal_set}")))
    };
    let granting: Vec<(&str, bool)> = cluster
        .cloud
        .gcp_policies
        .iter()
        .filter_map(|p| {
            p.bindings
                .iter()
                .find(|(role, members, _)| role == ROLE && members.iter().any(|m| names_it(m)))
                .map(|(_, _, conditional)| (p.email.as_str(), *conditional))
        })
        .collect();
    for c in identities.iter_mut().filter(|c| c.provider == "gcp-workload-identity") {
        match granting.iter().find(|(email, _)| email.eq_ignore_ascii_case(&c.identity)) {
            Some((_, conditional)) => c.source.push_str(&format!(
                "; its IAM policy grants {ROLE}{}",
                if *conditional { " under a condition (not evaluated)" } else { "" }
            )),
            None if cluster.cloud.gcp_policies.iter().any(|p| p.email.eq_ignore_ascii_case(&c.identity)) => {
                problems.broken.push(format!(
                    "the IAM policy of {} grants {namespace}/{name} no {ROLE}: pods get no Google credentials from it",
                    c.identity
                ))
            }
            None => {}
        }
    }
    for (email, _) in granting {
        if !identities.iter().any(|c| c.provider == "gcp-workload-identity" && c.identity.eq_ignore_ascii_case(email)) {
            identities.push(CloudIdentity {
                provider: "gcp-workload-identity".into(),
                identity: email.to_string(),
                source: format!(
                    "the IAM policy of {email} grants it {ROLE} without the iam.gke.io/gcp-service-account annotation"
                ),
            });
        }
    }
}

/// EKS Pod Identity associations of this ServiceAccount (from `aws eks` exports): the role they give its pods,
/// whether the role's trust allows EKS Pod Identity, and an IRSA annotation they override.
fn pod_identity(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    identities: &mut Vec<CloudIdentity>,
    problems: &mut TrustProblems,
) {
    for a in
        cluster.cloud.pod_identity_associations.iter().filter(|a| a.namespace == namespace && a.service_account == name)
    {
        let role = a.role_arn.clone().unwrap_or_default();
        let mut source = format!("EKS Pod Identity association {}", a.association_id);
        match cluster.cloud.aws_roles.iter().find(|r| Some(&r.arn) == a.role_arn.as_ref()) {
            Some(r) => {
                let v = r.admits_pod_identity();
                if v.allowed {
                    source.push_str(&format!("; its trust policy: {}", v.reason));
                } else {
                    problems.broken.push(format!(
                        "the trust policy of {role} does not allow EKS Pod Identity ({}): the association's pods get no \
                         credentials",
                        v.reason
                    ));
                }
            }
            None if a.role_arn.is_none() => source.push_str(
                " (its role is not in list-pod-identity-associations output: add describe-pod-identity-association)",
            ),
            None => {}
        }
        // The traces of a pod (agent credentials) say the same: one entry per role.
        identities.retain(|c| !(c.provider == "aws-eks-pod-identity" && c.identity.is_empty()));
        if let Some(annotated) = cluster
            .service_account(namespace, name)
            .and_then(|s| s.annotations.get(crate::identity::aws::ROLE_ARN_ANNOTATION))
            .filter(|arn| a.role_arn.as_ref().is_some_and(|r| r != *arn))
        {
            problems.broken.push(format!(
                "an EKS Pod Identity association gives its pods {role}, which takes precedence over the IRSA \
                 annotation {annotated}"
            ));
        }
        identities.push(CloudIdentity { provider: "aws-eks-pod-identity".into(), identity: role, source });
    }
}

fn cloud_identities(sa: Option<&ServiceAccount>, pods: &[&Pod], warnings: &mut Vec<String>) -> Vec<CloudIdentity> {
    let mut out = Vec::new();
    let empty = Default::default();
    let (annotations, labels) = sa.map(|s| (&s.annotations, &s.labels)).unwrap_or((&empty, &empty));
    if let Some(arn) = annotations.get("eks.amazonaws.com/role-arn") {
        out.push(CloudIdentity {
            provider: "aws-irsa".into(),
            identity: arn.clone(),
            source: "ServiceAccount annotation eks.amazonaws.com/role-arn".into(),
        });
        if let Some(exp) = annotations.get("eks.amazonaws.com/token-expiration")
            && exp.parse::<i64>().is_ok_and(|s| s < 600)
        {
            warnings.push(format!("eks.amazonaws.com/token-expiration {exp} is below the minimum of 600 seconds"));
        }
    }
    if let Some(gsa) = annotations.get("iam.gke.io/gcp-service-account") {
        out.push(CloudIdentity {
            provider: "gcp-workload-identity".into(),
            identity: gsa.clone(),
            source: "ServiceAccount annotation iam.gke.io/gcp-service-account".into(),
        });
    }
    if let Some(client) = annotations.get("azure.workload.identity/client-id") {
        out.push(CloudIdentity {
            provider: "azure-workload-identity".into(),
            identity: client.clone(),
            source: "ServiceAccount annotation azure.workload.identity/client-id".into(),
        });
        let unlabeled: Vec<&str> = pods
            .iter()
            .filter(|p| p.labels.get("azure.workload.identity/use").map(String::as_str) != Some("true"))
            .map(|p| p.name.as_str())
            .collect();
        if !unlabeled.is_empty() {
            warnings.push(format!(
                "pods {} lack the label azure.workload.identity/use: \"true\"; no Azure token is injected into them",
                unlabeled.join(", ")
            ));
        }
    }
    if labels.contains_key("azure.workload.identity/use") {
        warnings
            .push("the label azure.workload.identity/use is on the ServiceAccount; it belongs on the pods".to_string());
    }
    for p in pods {
        if p.annotations.contains_key("eks.amazonaws.com/role-arn") {
            warnings.push(format!(
                "pod {} carries eks.amazonaws.com/role-arn; IRSA reads it from the ServiceAccount, not the pod",
                p.name
            ));
        }
        if p.env_names.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI")
            || p.projected_tokens.iter().any(|(a, _)| a.as_deref() == Some("pods.eks.amazonaws.com"))
        {
            out.push(CloudIdentity {
                provider: "aws-eks-pod-identity".into(),
                identity: String::new(),
                source: format!(
                    "pod {} (EKS Pod Identity agent credentials; the association lives in the EKS API)",
                    p.name
                ),
            });
        }
        if let Some(role) = p.annotations.get("iam.amazonaws.com/role") {
            out.push(CloudIdentity {
                provider: "aws-kube2iam".into(),
                identity: role.clone(),
                source: format!("pod {} annotation iam.amazonaws.com/role", p.name),
            });
        }
        if let Some(binding) = p.labels.get("aadpodidbinding") {
            out.push(CloudIdentity {
                provider: "azure-aad-pod-identity".into(),
                identity: binding.clone(),
                source: format!("pod {} label aadpodidbinding (deprecated)", p.name),
            });
        }
    }
    out.dedup_by(|a, b| a.provider == b.provider && a.identity == b.identity);
    out
}
