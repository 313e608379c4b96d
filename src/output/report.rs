//! `report -o html`: one self-contained page. Styles, script and data are inline and the page's Content Security
//! Policy forbids every request, so it works from a file:// URL, offline, and leaks nothing when opened.
//!
//! The data is embedded as JSON inside a `<script type="application/json">` element and inserted by the script with
//! `textContent` only, never as markup: names and annotations from the cluster cannot become HTML.
//!
//! A big cluster's findings repeat themselves: the same catalogue texts, the same roles and rules, the same
//! escalation targets. The page therefore carries the data packed (see [`Packer`]): every distinct scalar once,
//! every object's key list once, and every compound value that occurs more than once once. The page unpacks it into
//! exactly the values `report -o json` prints.

use std::fmt::Write as _;
use std::hash::BuildHasher;

use hashbrown::hash_table::Entry;
use hashbrown::{DefaultHashBuilder, HashMap, HashTable};

use anyhow::Result;
use serde::Serialize;
use serde_json::Value;

/// The page: `report.html` with the data in place of its `__REPORT_DATA__` marker.
const PAGE: &str = include_str!("report.html");
const MARKER: &str = "__REPORT_DATA__";

/// The page being packed: lists are added one by one (a caller may add some while it computes the others), then
/// [`Page::html`] writes the page.
#[derive(Default)]
pub struct Page {
    packer: Packer,
    lists: Vec<(&'static str, Vec<Item>)>,
}

impl Page {
    /// Packs the list `name` of `items`; each item becomes a JSON value only as it is packed.
    pub fn add<T: Serialize>(&mut self, name: &'static str, items: &[T]) -> Result<()> {
        let packed = items.iter().map(|i| Ok(self.packer.pack(serde_json::to_value(i)?))).collect::<Result<_>>()?;
        self.lists.push((name, packed));
        Ok(())
    }

    /// The report page: `header` as plain JSON beside the packed lists.
    pub fn html<H: Serialize>(self, header: &H) -> Result<String> {
        let lists: Vec<(&str, &[Item])> = self.lists.iter().map(|(n, items)| (*n, items.as_slice())).collect();
        let json = script_json(&self.packer.finish(&serde_json::to_string(header)?, &lists));
        let (head, tail) = PAGE.split_once(MARKER).expect("report.html holds the data marker once");
        let mut page = String::with_capacity(PAGE.len() + json.len());
        page.push_str(head);
        page.push_str(&json);
        page.push_str(tail);
        Ok(page)
    }
}

/// A packed value: a scalar's number (even) or a compound value's number (odd).
type Item = u64;
/// The shape number that marks an array (object shapes start at 1).
const ARRAY: u32 = 0;

#[derive(PartialEq, Eq, Hash)]
struct Node {
    shape: u32,
    items: Vec<Item>,
}

/// Packs JSON values into a DAG. The text it writes is
/// `{"header": H, "values": [scalars], "shapes": [null, [keys]...], "table": [shared nodes], LISTS...}` where a
/// packed value is a number `n >= 0` (`values[n]`), a number `n < 0` (`table[-n - 1]`), or an array
/// `[shape, item...]` (shape 0: an array of the items; else an object with `shapes[shape]` as its keys). A table
/// entry refers only to entries before it, so the page unpacks the table in one pass.
#[derive(Default)]
struct Packer {
    /// Strings by their content (escaped only when first seen), other scalars by their JSON text.
    string_ids: HashMap<String, u32>,
    scalar_ids: HashMap<String, u32>,
    /// JSON texts of the scalars.
    scalars: Vec<String>,
    /// Object keys by their number, so that a shape is looked up by numbers, not by strings.
    key_ids: HashMap<String, u32>,
    shape_ids: HashMap<Vec<u32>, u32>,
    shapes: Vec<Vec<String>>,
    /// Node numbers, found by the node's content (hashed with `hasher`).
    node_ids: HashTable<u32>,
    hasher: DefaultHashBuilder,
    nodes: Vec<Node>,
}

impl Packer {
    fn pack(&mut self, value: Value) -> Item {
        match value {
            Value::Array(values) => {
                let items = values.into_iter().map(|v| self.pack(v)).collect();
                self.node(ARRAY, items)
            }
            Value::Object(map) => {
                let mut keys = Vec::with_capacity(map.len());
                let mut names = Vec::new();
                let mut items = Vec::with_capacity(map.len());
                for (k, v) in map {
                    let next = self.key_ids.len() as u32;
                    keys.push(*self.key_ids.entry_ref(k.as_str()).or_insert(next));
                    names.push(k);
                    items.push(self.pack(v));
                }
                let shape = match self.shape_ids.get(&keys) {
                    Some(&id) => id,
                    None => {
                        let id = self.shapes.len() as u32 + 1;
                        self.shapes.push(names);
                        self.shape_ids.insert(keys, id);
                        id
                    }
                };
                self.node(shape, items)
            }
            Value::String(text) => {
                let id = match self.string_ids.get(text.as_str()) {
                    Some(&id) => id,
                    None => {
                        let id = self.scalars.len() as u32;
                        self.scalars.push(Value::String(text.clone()).to_string());
                        self.string_ids.insert(text, id);
                        id
                    }
                };
                (id as u64) << 1
            }
            scalar => {
                let text = scalar.to_string();
                let id = match self.scalar_ids.get(&text) {
                    Some(&id) => id,
                    None => {
                        let id = self.scalars.len() as u32;
                        self.scalars.push(text.clone());
                        self.scalar_ids.insert(text, id);
                        id
                    }
                };
                (id as u64) << 1
            }
        }
    }

    fn node(&mut self, shape: u32, items: Vec<Item>) -> Item {
        let node = Node { shape, items };
        let hasher = &self.hasher;
        let nodes = &self.nodes;
        let entry = self.node_ids.entry(
            hasher.hash_one(&node),
            |&id| nodes[id as usize] == node,
            |&id| hasher.hash_one(&nodes[id as usize]),
        );
        let id = match entry {
            Entry::Occupied(e) => *e.get(),
            Entry::Vacant(e) => {
                let id = nodes.len() as u32;
                e.insert(id);
                self.nodes.push(node);
                id
            }
        };
        ((id as u64) << 1) | 1
    }

    /// The packed text of `lists` (each a list of packed values) with `header` (JSON text) beside them.
    fn finish(self, header: &str, lists: &[(&str, &[Item])]) -> String {
        let nodes: Vec<&Node> = self.nodes.iter().collect();
        // How often each node is written: a node inside a shared node counts once, however often that one is used.
        let mut uses = vec![0u32; nodes.len()];
        fn count(item: Item, nodes: &[&Node], uses: &mut [u32]) {
            if item & 1 == 0 {
                return;
            }
            let n = (item >> 1) as usize;
            uses[n] += 1;
            if uses[n] == 1 {
                for &child in &nodes[n].items {
                    count(child, nodes, uses);
                }
            }
        }
        for (_, list) in lists {
            for &item in *list {
                count(item, &nodes, &mut uses);
            }
        }
        let mut writer =
            Writer { nodes: &nodes, uses: &uses, slots: vec![u32::MAX; nodes.len()], table: String::new(), entries: 0 };
        let mut bodies = Vec::new();
        for (name, list) in lists {
            let mut body = String::new();
            for (i, &item) in list.iter().enumerate() {
                if i > 0 {
                    body.push(',');
                }
                writer.write(item, &mut body);
            }
            bodies.push((name, body));
        }
        let mut out =
            String::with_capacity(writer.table.len() + bodies.iter().map(|b| b.1.len()).sum::<usize>() + 1024);
        out.push_str("{\"header\":");
        out.push_str(header);
        out.push_str(",\"values\":[");
        out.push_str(&self.scalars.join(","));
        out.push_str("],\"shapes\":[null");
        for keys in &self.shapes {
            out.push(',');
            out.push_str(&Value::from(keys.clone()).to_string());
        }
        out.push_str("],\"table\":[");
        out.push_str(&writer.table);
        out.push(']');
        for (name, body) in bodies {
            let _ = write!(out, ",\"{name}\":[{body}]");
        }
        out.push('}');
        out
    }
}

struct Writer<'a> {
    nodes: &'a [&'a Node],
    uses: &'a [u32],
    /// The table slot of each shared node once written.
    slots: Vec<u32>,
    table: String,
    entries: u32,
}

impl Writer<'_> {
    fn write(&mut self, item: Item, out: &mut String) {
        let id = (item >> 1) as usize;
        if item & 1 == 0 {
            let _ = write!(out, "{id}");
            return;
        }
        let node = self.nodes[id];
        // Shared when written more than once (an empty array is as short as a reference: always inline).
        if self.uses[id] < 2 || node.items.is_empty() {
            self.inline(node, out);
            return;
        }
        if self.slots[id] == u32::MAX {
            let mut text = String::new();
            self.inline(node, &mut text);
            if self.entries > 0 {
                self.table.push(',');
            }
            self.table.push_str(&text);
            self.slots[id] = self.entries;
            self.entries += 1;
        }
        let _ = write!(out, "-{}", self.slots[id] + 1);
    }

    fn inline(&mut self, node: &Node, out: &mut String) {
        let _ = write!(out, "[{}", node.shape);
        for &child in &node.items {
            out.push(',');
            self.write(child, out);
        }
        out.push(']');
    }
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
        let mut page = Page::default();
        page.add("findings", &[hostile]).unwrap();
        page.add("serviceAccounts", &[serde_json::json!({ "n": hostile })]).unwrap();
        let page = page.html(&serde_json::json!({ "name": hostile })).unwrap();
        let start = page.find("id=\"report-data\"").unwrap();
        let data = &page[start..];
        let body = &data[data.find('>').unwrap() + 1..data.find("</script>").unwrap()];
        assert!(!body.contains('<') && !body.contains('>') && !body.contains('&'), "{body}");
        let back: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(back["header"]["name"], hostile);
        assert_eq!(unpack(&back, "findings"), vec![serde_json::json!(hostile)]);
        assert_eq!(unpack(&back, "serviceAccounts"), vec![serde_json::json!({ "n": hostile })]);
        assert_eq!(page.matches(MARKER).count(), 0);
    }

    /// What the page's `unpack` does, in Rust: the values of `list`.
    fn unpack(packed: &Value, list: &str) -> Vec<Value> {
        fn value(x: &Value, packed: &Value, table: &[Value]) -> Value {
            if let Some(n) = x.as_i64() {
                return if n >= 0 { packed["values"][n as usize].clone() } else { table[(-n - 1) as usize].clone() };
            }
            let items = x.as_array().unwrap();
            let shape = items[0].as_u64().unwrap() as usize;
            let parts = items[1..].iter().map(|i| value(i, packed, table));
            if shape == 0 {
                return Value::Array(parts.collect());
            }
            let keys = packed["shapes"][shape].as_array().unwrap();
            Value::Object(keys.iter().map(|k| k.as_str().unwrap().to_string()).zip(parts).collect())
        }
        let mut table = Vec::new();
        for entry in packed["table"].as_array().unwrap() {
            let v = value(entry, packed, &table);
            table.push(v);
        }
        packed[list].as_array().unwrap().iter().map(|x| value(x, packed, &table)).collect()
    }

    #[test]
    fn packing_keeps_every_value_and_stores_repeats_once() {
        let rule = serde_json::json!({ "verbs": ["get", "list"], "resources": ["secrets"], "apiGroups": [""] });
        let findings: Vec<Value> = (0..50)
            .map(|i| {
                serde_json::json!({
                    "id": "SA-01", "why": "a long explanation that every SA-01 finding shares", "n": i,
                    "flag": i % 2 == 0, "none": null, "empty": [], "obj": {}, "nested": [[1, [2]], [], [[]]],
                    "grants": [{ "rule": rule, "scope": format!("ns-{}", i % 3) }, { "rule": rule, "scope": "cluster" }],
                })
            })
            .collect();
        let mut packer = Packer::default();
        let items: Vec<Item> = findings.iter().map(|f| packer.pack(f.clone())).collect();
        let text = packer.finish("{}", &[("findings", &items)]);
        let packed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(unpack(&packed, "findings"), findings);
        assert_eq!(text.matches("a long explanation").count(), 1, "{text}");
        assert_eq!(text.matches("\"secrets\"").count(), 1);
        assert!(text.len() * 5 < serde_json::to_string(&findings).unwrap().len(), "{} bytes", text.len());
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
