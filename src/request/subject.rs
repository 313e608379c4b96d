//! Who asks: a ServiceAccount (`NAMESPACE:NAME`) or any user with groups and uid (kubectl's `--as`, `--as-group`,
//! `--as-uid`), made into the user the authorizer receives.

use anyhow::{Result, bail};

use crate::rbac::UserInfo;
use crate::rbac::request::{AUTHENTICATED_GROUP, MASTERS_GROUP, UNAUTHENTICATED_GROUP, parse_sa_username};

/// The identity a request is evaluated for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Username, groups and uid, exactly as evaluated and as sent in a SubjectAccessReview.
    pub user: UserInfo,
    /// The ServiceAccount the username names (`system:serviceaccount:NS:NAME`), if it does.
    pub service_account: Option<(String, String)>,
}

impl Identity {
    /// A ServiceAccount's token identity, with extra groups (as an authenticating proxy could add them).
    pub fn service_account(namespace: &str, name: &str, extra_groups: &[String], uid: Option<&str>) -> Identity {
        let mut user = UserInfo::service_account(namespace, name);
        for g in extra_groups {
            if !user.groups.contains(g) {
                user.groups.push(g.clone());
            }
        }
        user.uid = uid.unwrap_or_default().to_string();
        Identity { user, service_account: Some((namespace.to_string(), name.to_string())) }
    }

    /// The identity kubectl's `--as USER --as-group G... --as-uid U` gives a request, as kube-apiserver's
    /// impersonation filter builds it (staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go): a
    /// ServiceAccount username without groups gets its ServiceAccount groups; every user but system:anonymous gets
    /// system:authenticated unless the groups hold it or system:unauthenticated; system:anonymous gets
    /// system:unauthenticated.
    pub fn impersonated(username: &str, groups: &[String], uid: Option<&str>) -> Identity {
        let service_account = parse_sa_username(username).map(|(ns, name)| (ns.to_string(), name.to_string()));
        let mut all: Vec<String> = Vec::new();
        for g in groups {
            if !all.contains(g) {
                all.push(g.clone());
            }
        }
        if all.is_empty()
            && let Some((ns, name)) = &service_account
        {
            all = UserInfo::service_account(ns, name).groups;
            all.retain(|g| g != AUTHENTICATED_GROUP);
        }
        let has = |g: &str| all.iter().any(|x| x == g);
        if username == "system:anonymous" {
            if !has(UNAUTHENTICATED_GROUP) {
                all.push(UNAUTHENTICATED_GROUP.to_string());
            }
        } else if !has(AUTHENTICATED_GROUP) && !has(UNAUTHENTICATED_GROUP) {
            all.push(AUTHENTICATED_GROUP.to_string());
        }
        Identity {
            user: UserInfo { username: username.to_string(), groups: all, uid: uid.unwrap_or_default().to_string() },
            service_account,
        }
    }

    /// Whether the API server allows it everything before any authorizer (group system:masters).
    pub fn is_superuser(&self) -> bool {
        self.user.groups.iter().any(|g| g == MASTERS_GROUP)
    }

    /// `ServiceAccount ns/name` or `User "alice"`: how text output names it.
    pub fn describe(&self) -> String {
        match &self.service_account {
            Some((ns, name)) => format!("ServiceAccount {ns}/{name}"),
            None => format!("User {:?}", self.user.username),
        }
    }
}

/// The subject words and flags of explain, matrix and bindings: a ServiceAccount argument or `--as`.
#[derive(Debug, Clone, Default)]
pub struct SubjectSpec<'a> {
    pub service_account: Option<&'a str>,
    pub as_user: Option<&'a str>,
    pub as_groups: &'a [String],
    pub as_uid: Option<&'a str>,
}

/// Resolves the subject: `NS:NAME` (NAME alone takes `default_namespace`), or `--as USER`.
pub fn identity(spec: &SubjectSpec, default_namespace: &str) -> Result<Identity> {
    match (spec.service_account, spec.as_user) {
        (Some(sa), Some(user)) => bail!(
            "give either a ServiceAccount ({sa}) or --as {user}, not both (for a ServiceAccount with --as write \
             --as system:serviceaccount:NAMESPACE:NAME)"
        ),
        (Some(sa), None) => {
            let (ns, name) = parse_service_account(sa, default_namespace)?;
            Ok(Identity::service_account(&ns, &name, spec.as_groups, spec.as_uid))
        }
        (None, Some("")) => bail!("--as needs a user name, e.g. --as alice or --as system:serviceaccount:NS:NAME"),
        (None, Some(user)) => Ok(Identity::impersonated(user, spec.as_groups, spec.as_uid)),
        (None, None) if !spec.as_groups.is_empty() || spec.as_uid.is_some() => bail!(
            "--as-group and --as-uid need a user: give --as USER (as kubectl, which impersonates groups only with a \
             user) or a ServiceAccount NAMESPACE:NAME"
        ),
        (None, None) => bail!("give the subject: a ServiceAccount NAMESPACE:NAME, or --as USER [--as-group GROUP]"),
    }
}

/// Parses `NAMESPACE:NAME`, `NAMESPACE/NAME`, `system:serviceaccount:NAMESPACE:NAME` or `NAME`.
pub fn parse_service_account(arg: &str, default_namespace: &str) -> Result<(String, String)> {
    let (ns, name) = if arg.starts_with("system:serviceaccount:") {
        match parse_sa_username(arg) {
            Some((ns, name)) => (ns.to_string(), name.to_string()),
            None => bail!("invalid ServiceAccount {arg:?}: expected system:serviceaccount:NAMESPACE:NAME"),
        }
    } else if let Some((ns, name)) = arg.split_once('/').or_else(|| arg.split_once(':')) {
        (ns.to_string(), name.to_string())
    } else {
        (default_namespace.to_string(), arg.to_string())
    };
    if ns.is_empty() || name.is_empty() || name.contains([':', '/']) {
        bail!(
            "invalid ServiceAccount {arg:?}: use NAMESPACE:NAME, NAMESPACE/NAME, system:serviceaccount:NAMESPACE:NAME \
             or NAME with -n (for a user, use --as USER)"
        );
    }
    Ok((ns, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(i: &Identity) -> Vec<&str> {
        i.user.groups.iter().map(String::as_str).collect()
    }

    #[test]
    fn impersonation_adds_groups_as_the_api_server_does() {
        let alice = Identity::impersonated("alice", &[], None);
        assert_eq!(groups(&alice), ["system:authenticated"]);
        assert_eq!(alice.service_account, None);
        let devs = Identity::impersonated("alice", &["devs".into(), "devs".into()], Some("u-1"));
        assert_eq!(groups(&devs), ["devs", "system:authenticated"]);
        assert_eq!(devs.user.uid, "u-1");
        let anon = Identity::impersonated("system:anonymous", &[], None);
        assert_eq!(groups(&anon), ["system:unauthenticated"]);
        let unauth = Identity::impersonated("bob", &["system:unauthenticated".into()], None);
        assert_eq!(groups(&unauth), ["system:unauthenticated"]);
        let sa = Identity::impersonated("system:serviceaccount:ci:deployer", &[], None);
        assert_eq!(groups(&sa), ["system:serviceaccounts", "system:serviceaccounts:ci", "system:authenticated"]);
        assert_eq!(sa.service_account, Some(("ci".into(), "deployer".into())));
        let sa_groups = Identity::impersonated("system:serviceaccount:ci:deployer", &["x".into()], None);
        assert_eq!(groups(&sa_groups), ["x", "system:authenticated"], "given groups replace the SA's");
        assert!(Identity::impersonated("root", &["system:masters".into()], None).is_superuser());
    }

    #[test]
    fn a_service_account_argument_keeps_its_groups_and_adds_the_extra_ones() {
        let spec = SubjectSpec {
            service_account: Some("ci:deployer"),
            as_groups: &["system:masters".into()],
            ..Default::default()
        };
        let i = identity(&spec, "default").unwrap();
        assert_eq!(
            groups(&i),
            ["system:serviceaccounts", "system:serviceaccounts:ci", "system:authenticated", "system:masters"]
        );
        assert!(i.is_superuser());
        assert_eq!(
            identity(&SubjectSpec { service_account: Some("bot"), ..Default::default() }, "team")
                .unwrap()
                .user
                .username,
            "system:serviceaccount:team:bot"
        );
    }

    #[test]
    fn subject_errors_say_what_to_type() {
        let e = |spec: SubjectSpec| identity(&spec, "default").unwrap_err().to_string();
        assert!(
            e(SubjectSpec { service_account: Some("a:b"), as_user: Some("c"), ..Default::default() })
                .contains("not both")
        );
        assert!(e(SubjectSpec { as_groups: &["g".into()], ..Default::default() }).contains("--as USER"));
        assert!(e(SubjectSpec::default()).contains("give the subject"));
        assert!(
            e(SubjectSpec { service_account: Some("a:b:c"), ..Default::default() }).contains("invalid ServiceAccount")
        );
    }
}
