//! The cloud half of IRSA: which IAM roles a ServiceAccount's projected token may become, from the roles' trust
//! policies, evaluated as STS evaluates `AssumeRoleWithWebIdentity`. A statement admits the token when its
//! `Principal.Federated` is the cluster's OIDC provider, its `Action` covers `sts:AssumeRoleWithWebIdentity`, and
//! every condition holds for the token's `sub`, `aud` and `amr`; an explicit Deny that matches wins over every
//! Allow. The operators and the rule for absent keys are those of the IAM documentation (Condition operators:
//! "if the key is not present, the condition is false; for negated operators it is true; `...IfExists` is true").
//! The roles are read by `model::cloud`.

use anyhow::{Context, Result, bail};
use serde::Serialize;

pub use crate::model::cloud::{Condition, Effect, IamRole, Statement, roles_of};

/// The action a projected ServiceAccount token is exchanged with.
pub const WEB_IDENTITY_ACTION: &str = "sts:AssumeRoleWithWebIdentity";
/// The audience the EKS Pod Identity webhook puts in the tokens it projects (IRSA).
pub const STS_AUDIENCE: &str = "sts.amazonaws.com";

/// The claims of a projected token that a trust policy can test.
#[derive(Debug, Clone)]
pub struct WebIdentity {
    /// The issuer URL without its scheme: `oidc.eks.REGION.amazonaws.com/id/ID`.
    pub issuer: String,
    pub sub: String,
    pub aud: Vec<String>,
    pub amr: Vec<String>,
}

impl WebIdentity {
    /// The token the IRSA webhook projects for ServiceAccount NS/NAME of the cluster whose issuer this is.
    pub fn service_account(issuer: &str, namespace: &str, name: &str) -> Self {
        WebIdentity {
            issuer: issuer_host_path(issuer),
            sub: format!("system:serviceaccount:{namespace}:{name}"),
            aud: vec![STS_AUDIENCE.to_string()],
            amr: Vec::new(),
        }
    }

    /// The federated principal that names this issuer: `arn:aws:iam::ACCOUNT:oidc-provider/ISSUER`.
    fn is_provider(&self, principal: &str) -> bool {
        principal
            .split_once(":oidc-provider/")
            .is_some_and(|(prefix, host)| prefix.starts_with("arn:aws") && host.eq_ignore_ascii_case(&self.issuer))
    }

    /// The values of a condition key in this request (`None`: not in the request context).
    fn values_of(&self, key: &str) -> Option<Vec<&str>> {
        let (issuer, claim) = key.rsplit_once(':')?;
        if !issuer.eq_ignore_ascii_case(&self.issuer) {
            return None;
        }
        let values = match claim.to_ascii_lowercase().as_str() {
            "sub" => std::slice::from_ref(&self.sub),
            "aud" => self.aud.as_slice(),
            "amr" => self.amr.as_slice(),
            _ => return None,
        };
        (!values.is_empty()).then(|| values.iter().map(String::as_str).collect())
    }
}

/// `https://oidc.eks.../id/X` -> `oidc.eks.../id/X` (as IAM writes it in provider ARNs and condition keys).
pub fn issuer_host_path(issuer: &str) -> String {
    let s = issuer.strip_prefix("https://").unwrap_or(issuer);
    s.trim_end_matches('/').to_string()
}

/// IAM's `*` (any run) and `?` (one character) wildcards.
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Why a statement does or does not admit a token.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub allowed: bool,
    /// The index of the statement that decided (the first matching Deny, else the first matching Allow).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<usize>,
    pub reason: String,
}

impl Condition {
    /// Whether this condition holds for the request (see the module's note on absent keys).
    pub fn holds(&self, request: &WebIdentity) -> Result<bool> {
        let (set, op) = match self.operator.split_once(':') {
            Some((q, op)) if q.eq_ignore_ascii_case("ForAnyValue") => (Some(true), op),
            Some((q, op)) if q.eq_ignore_ascii_case("ForAllValues") => (Some(false), op),
            Some((q, _)) => bail!("unknown condition qualifier {q:?} in {:?}", self.operator),
            None => (None, self.operator.as_str()),
        };
        let (op, if_exists) = match op.strip_suffix("IfExists") {
            Some(base) => (base, true),
            None => (op, false),
        };
        let (negated, matches): (bool, fn(&str, &str) -> bool) = match op {
            "StringEquals" => (false, |p, v| p == v),
            "StringNotEquals" => (true, |p, v| p == v),
            "StringEqualsIgnoreCase" => (false, |p, v| p.eq_ignore_ascii_case(v)),
            "StringNotEqualsIgnoreCase" => (true, |p, v| p.eq_ignore_ascii_case(v)),
            "StringLike" => (false, glob_matches),
            "StringNotLike" => (true, glob_matches),
            other => bail!("condition operator {other:?} is not evaluated (only the String operators apply to tokens)"),
        };
        let Some(present) = request.values_of(&self.key) else {
            // Absent key: IfExists and negated operators hold, others do not; ForAllValues of nothing holds.
            return Ok(if_exists || set == Some(false) || (set.is_none() && negated));
        };
        let value_matches = |v: &str| self.values.iter().any(|p| matches(p, v));
        Ok(match set {
            // ForAnyValue: some request value matches (negated: some value matches none of the policy's).
            Some(true) => present.iter().any(|v| value_matches(v) != negated),
            // ForAllValues: every request value matches (negated: none matches).
            Some(false) => present.iter().all(|v| value_matches(v) != negated),
            // A single-valued key (sub); for a list without a qualifier IAM compares each value: any.
            None => {
                if negated {
                    present.iter().all(|v| !value_matches(v))
                } else {
                    present.iter().any(|v| value_matches(v))
                }
            }
        })
    }
}

impl Statement {
    fn covers_web_identity(&self) -> bool {
        self.covers(WEB_IDENTITY_ACTION)
    }

    /// Whether the statement applies to this token (its effect aside).
    pub fn applies(&self, request: &WebIdentity) -> Result<bool> {
        if !self.covers_web_identity() {
            return Ok(false);
        }
        if !(self.any_principal || self.federated.iter().any(|p| request.is_provider(p))) {
            return Ok(false);
        }
        for c in &self.conditions {
            if !c.holds(request)? {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

impl IamRole {
    /// Whether the token may assume the role: an applying Deny wins, else an applying Allow admits it.
    pub fn admits(&self, request: &WebIdentity) -> Result<Verdict> {
        let mut allow = None;
        for (i, s) in self.trust.iter().enumerate() {
            if !s.applies(request).with_context(|| format!("role {}: statement {i}", self.arn))? {
                continue;
            }
            match s.effect {
                Effect::Deny => {
                    return Ok(Verdict {
                        allowed: false,
                        statement: Some(i),
                        reason: format!("statement {i} denies it"),
                    });
                }
                Effect::Allow => {
                    allow.get_or_insert(i);
                }
            }
        }
        Ok(match allow {
            Some(i) => Verdict { allowed: true, statement: Some(i), reason: format!("statement {i} allows it") },
            None => Verdict {
                allowed: false,
                statement: None,
                reason: "no statement allows it (principal, action or a condition does not match)".into(),
            },
        })
    }
}

impl WebIdentity {
    /// A token's own claims: its issuer (with or without scheme), subject and audiences.
    pub fn from_claims(issuer: &str, sub: &str, aud: &[String]) -> Self {
        WebIdentity { issuer: issuer_host_path(issuer), sub: sub.to_string(), aud: aud.to_vec(), amr: Vec::new() }
    }
}

/// The roles among `roles` whose trust policy admits this token, with the deciding statement's reason.
pub fn roles_admitting(roles: &[IamRole], token: &WebIdentity) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for r in roles {
        let v = r.admits(token)?;
        if v.allowed {
            out.push((r.arn.clone(), v.reason));
        }
    }
    Ok(out)
}

/// The service principal EKS Pod Identity assumes roles as, and the actions its trust must allow.
pub const POD_IDENTITY_SERVICE: &str = "pods.eks.amazonaws.com";
const POD_IDENTITY_ACTIONS: [&str; 2] = ["sts:AssumeRole", "sts:TagSession"];

impl Statement {
    /// Whether `Action` (or `NotAction`) covers `action`; IAM action names are case-insensitive.
    fn covers(&self, action: &str) -> bool {
        let a = action.to_ascii_lowercase();
        let m = |p: &String| glob_matches(&p.to_ascii_lowercase(), &a);
        if self.not_actions.is_empty() { self.actions.iter().any(m) } else { !self.not_actions.iter().any(m) }
    }

    fn names_pod_identity(&self) -> bool {
        self.any_principal || self.services.iter().any(|s| s == POD_IDENTITY_SERVICE)
    }
}

impl IamRole {
    /// Whether EKS Pod Identity can assume the role: some Allow for `pods.eks.amazonaws.com` covering
    /// `sts:AssumeRole` and `sts:TagSession`, and no unconditional Deny of it. Conditions of these statements test
    /// keys EKS sets (`aws:SourceAccount`, `aws:SourceArn`, session tags) that the exports do not hold: they are named
    /// in the reason, not evaluated.
    pub fn admits_pod_identity(&self) -> Verdict {
        let applies = |s: &Statement| s.names_pod_identity() && POD_IDENTITY_ACTIONS.iter().all(|a| s.covers(a));
        if let Some(i) =
            self.trust.iter().position(|s| s.effect == Effect::Deny && s.conditions.is_empty() && applies(s))
        {
            return Verdict { allowed: false, statement: Some(i), reason: format!("statement {i} denies it") };
        }
        match self.trust.iter().position(|s| s.effect == Effect::Allow && applies(s)) {
            Some(i) => {
                let keys: Vec<&str> = self.trust[i].conditions.iter().map(|c| c.key.as_str()).collect();
                let reason = if keys.is_empty() {
                    format!("statement {i} allows {POD_IDENTITY_SERVICE}")
                } else {
                    format!("statement {i} allows {POD_IDENTITY_SERVICE} if {} match (not evaluated)", keys.join(", "))
                };
                Verdict { allowed: true, statement: Some(i), reason }
            }
            None => Verdict {
                allowed: false,
                statement: None,
                reason: format!("no statement allows {POD_IDENTITY_SERVICE} sts:AssumeRole and sts:TagSession"),
            },
        }
    }
}

/// Whether the role's trust admits a ServiceAccount of `namespace` that no cluster has (a wildcard on the name or
/// the namespace, or no condition on `sub`).
pub fn admits_any_service_account_in(role: &IamRole, issuer: &str, namespace: &str) -> bool {
    role.admits(&WebIdentity::service_account(issuer, namespace, PROBE.1)).is_ok_and(|v| v.allowed)
}

/// Whether every statement of the role's trust that may admit a web-identity token tests its audience.
pub fn tests_audience(role: &IamRole) -> bool {
    role.trust.iter().filter(|s| s.effect == Effect::Allow && s.covers_web_identity()).all(|s| {
        s.conditions.iter().any(|c| c.key.rsplit_once(':').is_some_and(|(_, k)| k.eq_ignore_ascii_case("aud")))
    })
}

/// The annotation that tells the IRSA webhook which role a ServiceAccount's pods assume.
pub const ROLE_ARN_ANNOTATION: &str = "eks.amazonaws.com/role-arn";

/// A ServiceAccount and what its token may do with one role.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Assumer {
    pub namespace: String,
    pub name: String,
    /// Its `eks.amazonaws.com/role-arn` annotation names the role.
    pub annotated: bool,
    /// The trust policy admits its IRSA token.
    pub admitted: bool,
    /// An EKS Pod Identity association gives its pods the role (`podIdentityAdmitted`: the trust allows it).
    pub pod_identity: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_identity_admitted: Option<bool>,
    pub reason: String,
}

/// `who-can assume ROLE-ARN`: the ServiceAccounts whose token the role's trust policy admits, and those annotated
/// with the role that it does not admit (their pods get the role's ARN but `AssumeRoleWithWebIdentity` fails).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AssumeAnswer {
    pub role: String,
    pub issuer: String,
    /// Admitted, or annotated with the role, in namespace and name order.
    pub service_accounts: Vec<Assumer>,
    /// The trust policy also admits ServiceAccounts that do not exist (a wildcard): any one created later.
    pub admits_any_service_account: bool,
}

/// A ServiceAccount no cluster has: when the trust admits it, the trust admits names not yet created.
const PROBE: (&str, &str) = ("kubectl-sa-probe-7f3e", "kubectl-sa-probe-7f3e");

pub fn who_can_assume(cluster: &crate::model::Cluster, arn: &str) -> Result<AssumeAnswer> {
    let Some(role) = cluster.cloud.aws_roles.iter().find(|r| r.arn == arn) else {
        let known = cluster.cloud.aws_roles.len();
        bail!(
            "role {arn} is not in the input ({known} IAM roles read): add the output of `aws iam get-role --role-name \
             NAME` (or `aws iam list-roles`) with -f, beside a snapshot of the cluster (`kubectl get \
             serviceaccounts -A -o yaml`)"
        );
    };
    let Some(issuer) = &cluster.cloud.oidc_issuer else {
        bail!(
            "the cluster's OIDC issuer is unknown: add the output of `aws eks describe-cluster --name CLUSTER` with -f \
             (trust policies name the issuer)"
        );
    };
    let mut service_accounts = Vec::new();
    let pod_identity = role.admits_pod_identity();
    for ((ns, name), sa) in cluster.service_accounts.iter() {
        let verdict = role.admits(&WebIdentity::service_account(issuer, ns, name))?;
        let annotated = sa.annotations.get(ROLE_ARN_ANNOTATION).is_some_and(|a| a == arn);
        let associated = cluster
            .cloud
            .pod_identity_associations
            .iter()
            .any(|a| a.namespace == *ns && a.service_account == *name && a.role_arn.as_deref() == Some(arn));
        if verdict.allowed || annotated || associated {
            let mut reason = verdict.reason;
            if associated {
                reason = format!("{reason}; Pod Identity: {}", pod_identity.reason);
            }
            service_accounts.push(Assumer {
                namespace: ns.clone(),
                name: name.clone(),
                annotated,
                admitted: verdict.allowed,
                pod_identity: associated,
                pod_identity_admitted: associated.then_some(pod_identity.allowed),
                reason,
            });
        }
    }
    let probe = role.admits(&WebIdentity::service_account(issuer, PROBE.0, PROBE.1))?;
    Ok(AssumeAnswer {
        role: arn.to_string(),
        issuer: issuer.clone(),
        service_accounts,
        admits_any_service_account: probe.allowed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    const ISSUER: &str = "https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF";

    fn trust(statements: Value) -> IamRole {
        roles_of(&json!({"Role": {"Arn": "arn:aws:iam::111122223333:role/r", "RoleName": "r",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": statements}}}))
        .unwrap()
        .unwrap()
        .remove(0)
    }

    fn irsa(condition: Value) -> Value {
        json!([{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF"},
            "Condition": condition}])
    }

    fn admits(role: &IamRole, ns: &str, name: &str) -> bool {
        role.admits(&WebIdentity::service_account(ISSUER, ns, name)).unwrap().allowed
    }

    const K: &str = "oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF";

    #[test]
    fn string_equals_admits_exactly_the_named_service_account() {
        let r = trust(irsa(json!({"StringEquals": {format!("{K}:sub"): "system:serviceaccount:web:api",
            format!("{K}:aud"): "sts.amazonaws.com"}})));
        assert!(admits(&r, "web", "api"));
        for (ns, name) in [("web", "api2"), ("web2", "api"), ("Web", "api"), ("web", "ap")] {
            assert!(!admits(&r, ns, name), "{ns}/{name}");
        }
    }

    #[test]
    fn string_like_wildcards_and_look_alikes() {
        let r = trust(irsa(json!({"StringLike": {format!("{K}:sub"): "system:serviceaccount:team-?:*"}})));
        assert!(admits(&r, "team-a", "x") && admits(&r, "team-b", "anything"));
        assert!(!admits(&r, "team-ab", "x") && !admits(&r, "team", "x"));
        let every = trust(irsa(json!({"StringLike": {format!("{K}:sub"): "system:serviceaccount:*:*"}})));
        assert!(admits(&every, "kube-system", "default"));
        // StringEquals takes `*` literally.
        let literal = trust(irsa(json!({"StringEquals": {format!("{K}:sub"): "system:serviceaccount:*:*"}})));
        assert!(!admits(&literal, "a", "b"));
    }

    #[test]
    fn the_federated_principal_must_be_this_clusters_issuer() {
        let mut other = irsa(json!({}));
        other[0]["Principal"]["Federated"] =
            json!("arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/OTHER");
        assert!(!admits(&trust(other), "a", "b"));
        let mut prefix = irsa(json!({}));
        prefix[0]["Principal"]["Federated"] =
            json!("arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDE");
        assert!(!admits(&trust(prefix), "a", "b"));
        // A key of another issuer is absent from this request: the condition is false.
        let keyed = trust(irsa(
            json!({"StringEquals": {"oidc.eks.eu-west-1.amazonaws.com/id/OTHER:sub": "system:serviceaccount:a:b"}}),
        ));
        assert!(!admits(&keyed, "a", "b"));
    }

    #[test]
    fn absent_keys_and_if_exists_and_negation() {
        // amr is not in an IRSA token: StringEquals on it fails, StringNotEquals and IfExists hold.
        assert!(!admits(&trust(irsa(json!({"StringEquals": {format!("{K}:amr"): "x"}}))), "a", "b"));
        assert!(admits(&trust(irsa(json!({"StringNotEquals": {format!("{K}:amr"): "x"}}))), "a", "b"));
        assert!(admits(&trust(irsa(json!({"StringEqualsIfExists": {format!("{K}:amr"): "x"}}))), "a", "b"));
        assert!(admits(&trust(irsa(json!({"ForAllValues:StringEquals": {format!("{K}:amr"): "x"}}))), "a", "b"));
        assert!(!admits(&trust(irsa(json!({"ForAnyValue:StringEquals": {format!("{K}:amr"): "x"}}))), "a", "b"));
        // Present and negated.
        let not_kube = trust(irsa(json!({"StringNotLike": {format!("{K}:sub"): "system:serviceaccount:kube-*:*"}})));
        assert!(admits(&not_kube, "web", "api") && !admits(&not_kube, "kube-system", "x"));
    }

    #[test]
    fn set_qualifiers_on_the_audience() {
        let any = trust(irsa(json!({"ForAnyValue:StringEquals": {format!("{K}:aud"): ["x", "sts.amazonaws.com"]}})));
        assert!(admits(&any, "a", "b"));
        let all = trust(irsa(json!({"ForAllValues:StringLike": {format!("{K}:aud"): "sts.*"}})));
        assert!(admits(&all, "a", "b"));
        let wrong = trust(irsa(json!({"StringEquals": {format!("{K}:aud"): "sts.amazonaws.com.evil"}})));
        assert!(!admits(&wrong, "a", "b"));
    }

    #[test]
    fn actions_deny_and_encoded_documents() {
        let mut s = irsa(json!({}));
        s[0]["Action"] = json!("sts:AssumeRole");
        assert!(!admits(&trust(s.clone()), "a", "b"), "AssumeRole is not the web-identity action");
        s[0]["Action"] = json!(["sts:AssumeRole*"]);
        assert!(admits(&trust(s.clone()), "a", "b"));
        let mut deny = irsa(json!({}));
        deny.as_array_mut().unwrap().push(json!({"Effect": "Deny", "Principal": "*", "Action": "sts:*",
            "Condition": {"StringEquals": {format!("{K}:sub"): "system:serviceaccount:a:b"}}}));
        let r = trust(deny);
        assert!(!admits(&r, "a", "b") && admits(&r, "a", "c"));
        let text = serde_json::to_string(&json!({"Statement": irsa(json!({}))})).unwrap();
        let encoded: String =
            percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC).to_string();
        let roles =
            roles_of(&json!({"Roles": [{"Arn": "arn:aws:iam::1:role/x", "AssumeRolePolicyDocument": encoded}]}))
                .unwrap()
                .unwrap();
        assert!(admits(&roles[0], "a", "b"));
        assert!(roles_of(&json!({"kind": "Role"})).is_none());
        assert!(
            roles_of(&json!({"Role": {"Arn": "x", "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Maybe"}]}}}))
                .unwrap()
                .is_err()
        );
    }

    #[test]
    fn globs() {
        for (p, t, want) in [
            ("*", "", true),
            ("a*c", "abbbc", true),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("*:*", "x:y", true),
            ("*:*", "xy", false),
            ("a*", "b", false),
        ] {
            assert_eq!(glob_matches(p, t), want, "{p} {t}");
        }
    }
}
