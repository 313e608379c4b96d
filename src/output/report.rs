//! `report -o html`: one self-contained page. Styles, script and data are inline and the page's Content Security
//! Policy forbids every request, so it works from a file:// URL, offline, and leaks nothing when opened.
//!
//! The data is embedded as JSON inside a `<script type="application/json">` element and inserted by the script with
//! `textContent` only, never as markup: names and annotations from the cluster cannot become HTML.

use anyhow::Result;
use serde::Serialize;

/// The page: `report.html` with the data in place of its `__REPORT_DATA__` marker.
const PAGE: &str = include_str!("report.html");
const MARKER: &str = "__REPORT_DATA__";

/// The report page of `data` (whatever `report -o json` prints).
pub fn html<T: Serialize>(data: &T) -> Result<String> {
    let json = script_json(&serde_json::to_string(data)?);
    let (head, tail) = PAGE.split_once(MARKER).expect("report.html holds the data marker once");
    let mut page = String::with_capacity(PAGE.len() + json.len());
    page.push_str(head);
    page.push_str(&json);
    page.push_str(tail);
    Ok(page)
}

/// JSON text that can sit inside a `<script>` element: `<`, `>` and `&` become `\u` escapes (so no `</script>`
/// or `<!--` can end or change the element), as do U+2028 and U+2029. The JSON value is unchanged.
fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_stays_data() {
        let hostile = "</script><script>alert(1)</script><!-- & \u{2028}\"'";
        let page = html(&serde_json::json!({ "name": hostile })).unwrap();
        let start = page.find("id=\"report-data\"").unwrap();
        let data = &page[start..];
        let body = &data[data.find('>').unwrap() + 1..data.find("</script>").unwrap()];
        assert!(!body.contains('<') && !body.contains('>') && !body.contains('&'), "{body}");
        let back: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(back["name"], hostile);
        assert_eq!(page.matches(MARKER).count(), 0);
    }

    #[test]
    fn the_page_allows_no_request() {
        let csp = PAGE.find("Content-Security-Policy").expect("the page sets a Content Security Policy");
        assert!(PAGE[csp..].starts_with("Content-Security-Policy\" content=\"default-src 'none'"));
        // The one URL in the page is SVG's namespace name, which is never fetched.
        let rest = PAGE.replace("\"http://www.w3.org/2000/svg\"", "");
        for scheme in ["http:", "https:", "://", "src=", "url(", "@import", "fetch(", "XMLHttpRequest", "WebSocket"] {
            assert!(!rest.contains(scheme), "the page names {scheme}");
        }
    }
}
