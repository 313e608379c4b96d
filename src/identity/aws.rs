//! The cloud half of IRSA: which IAM roles a ServiceAccount's projected token may become, from the roles' trust
//! policies, evaluated as STS evaluates `AssumeRoleWithWebIdentity`. A statement admits the token when its
//! `Principal.Federated` is the cluster's OIDC provider, its `Action` covers `sts:AssumeRoleWithWebIdentity`, and
//! every condition holds for the token's `sub`, `aud` and `amr`; an explicit Deny that matches wins over every
//! Allow. The operators and the rule for absent keys are those of the IAM documentation (Condition operators:
//! "if the key is not present, the condition is false; for negated operators it is true; `...IfExists` is true").
//!
//! Input: the JSON of `aws iam get-role` (`{"Role": {...}}`) or `aws iam list-roles` (`{"Roles": [...]}`); a
//! trust policy may be an object or, as the raw API returns it, URL-encoded JSON text.

use anyhow::{Context, Result, anyhow, bail};
use serde::Serialize;
use serde_json::Value;

/// The action a projected ServiceAccount token is exchanged with.
pub const WEB_IDENTITY_ACTION: &str = "sts:AssumeRoleWithWebIdentity";
/// The audience the EKS Pod Identity webhook puts in the tokens it projects (IRSA).
pub const STS_AUDIENCE: &str = "sts.amazonaws.com";

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
        let action = |p: &String| glob_matches(&p.to_ascii_lowercase(), &WEB_IDENTITY_ACTION.to_ascii_lowercase());
        if self.not_actions.is_empty() { self.actions.iter().any(action) } else { !self.not_actions.iter().any(action) }
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
    let (any_principal, federated) = match v.get("Principal") {
        Some(Value::String(s)) if s == "*" => (true, Vec::new()),
        Some(Value::Object(p)) => {
            let aws_any = strings(p.get("AWS"))?.iter().any(|a| a == "*");
            (aws_any, strings(p.get("Federated"))?)
        }
        None => (false, Vec::new()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
