//! Decoding a ServiceAccount token (a JWT) locally, for `token inspect`. Pure: no network, no signature check.
//! The signature and the raw token are never kept in the result, and errors never quote the input.
//!
//! Claims follow pkg/serviceaccount/claims.go (bound tokens: iss, sub, aud, iat, nbf, exp, jti and the private
//! `kubernetes.io` claim with namespace, serviceaccount, pod|secret|node and warnafter) and legacy.go (legacy Secret
//! tokens: iss `kubernetes/serviceaccount`, flat `kubernetes.io/serviceaccount/...` claims, no exp).

use anyhow::{Result, anyhow, bail};
use serde::Serialize;
use serde_json::{Map, Value};

pub const LEGACY_ISSUER: &str = "kubernetes/serviceaccount";

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Header {
    pub alg: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub typ: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct TokenServiceAccount {
    pub namespace: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct BoundObject {
    /// Pod, Secret or Node.
    pub kind: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inspection {
    /// `bound` (TokenRequest / projected), `legacy` (a kubernetes.io/service-account-token Secret) or `other`
    /// (a JWT that is not a ServiceAccount token).
    pub kind: String,
    pub header: Header,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub audiences: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_before: Option<i64>,
    /// Seconds since the epoch; absent for legacy tokens (they never expire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    pub expired: bool,
    /// Seconds until expiry (negative once expired); absent without exp.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds_left: Option<i64>,
    /// Lifetime exp - iat in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifetime_seconds: Option<i64>,
    /// After this the kubelet should have refreshed the token; the API server still accepts it (stale token).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warn_after: Option<i64>,
    pub past_warn_after: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_account: Option<TokenServiceAccount>,
    /// The object the token is bound to (bound tokens) or the Secret holding it (legacy tokens).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bound_object: Option<BoundObject>,
    /// The node of the pod a pod-bound token was issued for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<BoundObject>,
    /// The jti claim (the API server's credential-id is `JTI=<jti>`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_id: Option<String>,
    /// A signature part is present (it is neither verified nor printed).
    pub signature_present: bool,
    pub warnings: Vec<String>,
}

/// Standard base64url without padding (padding and the standard alphabet are tolerated).
pub fn base64url_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut buf: u32 = 0;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        buf = (buf << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Base64url without padding, for tests and tools that build tokens.
pub fn base64url_encode(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(data.len() * 4 / 3 + 2);
    for chunk in data.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (*b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn part(name: &str, s: &str) -> Result<Map<String, Value>> {
    let bytes = base64url_decode(s).ok_or_else(|| anyhow!("the token's {name} is not base64url"))?;
    let v: Value =
        serde_json::from_slice(&bytes).map_err(|_| anyhow!("the token's {name} is not JSON (is this a JWT?)"))?;
    match v {
        Value::Object(m) => Ok(m),
        _ => bail!("the token's {name} is not a JSON object"),
    }
}

fn string(m: &Map<String, Value>, k: &str) -> Option<String> {
    m.get(k).and_then(Value::as_str).map(String::from)
}

fn number(m: &Map<String, Value>, k: &str) -> Option<i64> {
    m.get(k).and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
}

fn named(v: Option<&Value>, kind: &str) -> Option<BoundObject> {
    let o = v?.as_object()?;
    Some(BoundObject { kind: kind.into(), name: string(o, "name")?, uid: string(o, "uid") })
}

/// Extracts the JWT from what a user pastes: surrounding whitespace, an `Authorization: Bearer` prefix.
pub fn clean_input(text: &str) -> Result<&str> {
    let mut t = text.trim();
    for prefix in ["Authorization:", "authorization:"] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.trim_start();
        }
    }
    for prefix in ["Bearer ", "bearer "] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.trim_start();
        }
    }
    if t.is_empty() {
        bail!("no token in the input: give a file holding a JWT, or pipe one into `token inspect -`");
    }
    if t.contains(char::is_whitespace) {
        bail!(
            "the input holds more than one word: give exactly one token (a JWT: three base64url parts joined by dots)"
        );
    }
    Ok(t)
}

/// Decodes a token. `now` is the current time in seconds since the epoch.
pub fn inspect(token: &str, now: i64) -> Result<Inspection> {
    let token = clean_input(token)?;
    let parts: Vec<&str> = token.split('.').collect();
    match parts.len() {
        3 => {}
        5 => bail!("the token is an encrypted JWT (JWE, five parts): it cannot be read without its key"),
        n => bail!("the input is not a JWT: expected three base64url parts joined by dots, found {n}"),
    }
    let header = part("header", parts[0])?;
    let claims = part("payload", parts[1])?;
    let header = Header {
        alg: string(&header, "alg").unwrap_or_default(),
        kid: string(&header, "kid"),
        typ: string(&header, "typ"),
    };
    let mut warnings = Vec::new();
    let issuer = string(&claims, "iss");
    let audiences = match claims.get("aud") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(String::from).collect(),
        _ => Vec::new(),
    };
    let (issued_at, not_before, expires_at) = (number(&claims, "iat"), number(&claims, "nbf"), number(&claims, "exp"));
    let private = claims.get("kubernetes.io").and_then(Value::as_object);
    let legacy_ns = string(&claims, "kubernetes.io/serviceaccount/namespace");
    let mut service_account = None;
    let mut bound_object = None;
    let mut node = None;
    let mut warn_after = None;
    let kind = if let Some(k) = private {
        if let (Some(ns), Some(sa)) = (string(k, "namespace"), k.get("serviceaccount").and_then(Value::as_object)) {
            service_account = Some(TokenServiceAccount {
                namespace: ns,
                name: string(sa, "name").unwrap_or_default(),
                uid: string(sa, "uid"),
            });
        }
        bound_object = named(k.get("pod"), "Pod").or_else(|| named(k.get("secret"), "Secret"));
        node = named(k.get("node"), "Node");
        if bound_object.is_none() && node.is_some() {
            bound_object = node.take();
        }
        warn_after = number(k, "warnafter");
        "bound"
    } else if issuer.as_deref() == Some(LEGACY_ISSUER) || legacy_ns.is_some() {
        if let (Some(ns), Some(name)) =
            (legacy_ns, string(&claims, "kubernetes.io/serviceaccount/service-account.name"))
        {
            service_account = Some(TokenServiceAccount {
                namespace: ns,
                name,
                uid: string(&claims, "kubernetes.io/serviceaccount/service-account.uid"),
            });
        }
        bound_object = string(&claims, "kubernetes.io/serviceaccount/secret.name").map(|name| BoundObject {
            kind: "Secret".into(),
            name,
            uid: None,
        });
        "legacy"
    } else {
        "other"
    };
    let subject = string(&claims, "sub");
    if service_account.is_none()
        && let Some((ns, name)) = subject.as_deref().and_then(crate::rbac::request::parse_sa_username)
    {
        service_account = Some(TokenServiceAccount { namespace: ns.into(), name: name.into(), uid: None });
    }
    let expired = expires_at.is_some_and(|e| e <= now);
    let seconds_left = expires_at.map(|e| e - now);
    let past_warn_after = warn_after.is_some_and(|w| w <= now);
    match kind {
        "legacy" => warnings.push(format!(
            "legacy token: it never expires and stays valid while its Secret{} exists; prefer bound tokens \
             (TokenRequest) and delete the Secret",
            bound_object.as_ref().map(|b| format!(" {:?}", b.name)).unwrap_or_default()
        )),
        "other" => warnings.push(
            "not a Kubernetes ServiceAccount token (no kubernetes.io claims and issuer is not kubernetes/serviceaccount)"
                .into(),
        ),
        _ => {}
    }
    if kind == "bound" && expires_at.is_none() {
        warnings.push("a bound token without exp: the API server rejects it".into());
    }
    if expired {
        warnings.push(format!(
            "expired {} ago: the API server rejects it",
            human_duration(now - expires_at.unwrap_or(now))
        ));
    }
    if let Some(nbf) = not_before
        && nbf > now
    {
        warnings.push(format!("not valid yet: valid from {}", rfc3339(nbf)));
    }
    if past_warn_after && !expired {
        warnings.push(
            "past warnafter: a stale token the kubelet should have refreshed; the API server still accepts it (and \
             logs it as stale)"
                .into(),
        );
    }
    if let (Some(iat), Some(exp)) = (issued_at, expires_at)
        && exp - iat > 86_400
        && warn_after.is_none()
        && kind == "bound"
    {
        warnings.push(format!("long-lived: valid for {} after issue", human_duration(exp - iat)));
    }
    if header.alg.eq_ignore_ascii_case("none") || parts[2].is_empty() {
        warnings.push("unsigned (alg none or no signature): the API server rejects it".into());
    }
    Ok(Inspection {
        kind: kind.into(),
        header,
        issuer,
        subject,
        audiences,
        issued_at,
        not_before,
        expires_at,
        expired,
        seconds_left,
        lifetime_seconds: issued_at.zip(expires_at).map(|(i, e)| e - i),
        warn_after,
        past_warn_after,
        service_account,
        bound_object,
        node,
        credential_id: string(&claims, "jti"),
        signature_present: !parts[2].is_empty(),
        warnings,
    })
}

/// `2026-11-20T10:00:00Z` for seconds since the epoch (UTC, proleptic Gregorian).
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// `364d 23h`, `2h 5m`, `59s`: the two largest units.
pub fn human_duration(secs: i64) -> String {
    let s = secs.abs();
    let (d, h, m, sec) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60, s % 60);
    let parts: Vec<String> = [(d, "d"), (h, "h"), (m, "m"), (sec, "s")]
        .iter()
        .skip_while(|(v, _)| *v == 0)
        .take(2)
        .filter(|(v, _)| *v > 0)
        .map(|(v, u)| format!("{v}{u}"))
        .collect();
    if parts.is_empty() { "0s".into() } else { parts.join(" ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips() {
        for data in [&b""[..], b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar", &[0xff, 0xfe, 0x00]] {
            assert_eq!(base64url_decode(&base64url_encode(data)).unwrap(), data);
        }
        assert_eq!(base64url_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url_decode("Zm9vYg==").unwrap(), b"foob");
        assert!(base64url_decode("a b").is_none());
    }

    #[test]
    fn dates_and_durations() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_168_800), "2026-11-20T10:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(human_duration(31_535_940), "364d 23h");
        assert_eq!(human_duration(3_540), "59m");
        assert_eq!(human_duration(7_505), "2h 5m");
        assert_eq!(human_duration(0), "0s");
    }
}
