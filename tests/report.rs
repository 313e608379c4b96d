//! `report`: the page opened in a real browser (Debian's headless Chromium, driven over the DevTools protocol),
//! checked against the report's own JSON data: every finding and ServiceAccount appears, filters and search
//! narrow the rows exactly, links land on their section, nothing is requested from the network and nothing is
//! logged as an error. Screenshots are kept under the test's output directory (`report-screenshots/`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

#[path = "support/browser.rs"]
mod browser;
use browser::{Session, launch};

fn ksa() -> Command {
    let mut c = Command::cargo_bin("kubectl-sa").unwrap();
    c.env("NO_COLOR", "1").env_remove("KUBECONFIG");
    c
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The report of `input` (-A; a path in the repository): the page's path and the JSON data it embeds.
fn report(input: &str, dir: &Path, name: &str) -> (PathBuf, Value) {
    let page = dir.join(format!("{name}.html"));
    let root = env!("CARGO_MANIFEST_DIR");
    ksa()
        .current_dir(root)
        .args(["report", "-A", "-f", input, "--output-file", page.to_str().unwrap()])
        .assert()
        .success();
    let out = ksa().current_dir(root).args(["report", "-A", "-f", input, "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (page, serde_json::from_slice(&out.stdout).unwrap())
}

fn sa_of(f: &Value) -> String {
    format!("{}/{}", f["serviceAccount"]["namespace"].as_str().unwrap(), f["serviceAccount"]["name"].as_str().unwrap())
}

fn finding_ids(findings: impl Iterator<Item = Value>) -> BTreeSet<String> {
    findings.map(|f| format!("finding-{}", f["fingerprint"].as_str().unwrap())).collect()
}

fn findings(data: &Value) -> Vec<Value> {
    data["findings"].as_array().unwrap().clone()
}

fn sa_hash(s: &Session, ns: &str, name: &str) -> String {
    let hash = s.eval(&format!(
        "'#sa/' + encodeURIComponent({}) + '/' + encodeURIComponent({})",
        Value::String(ns.into()),
        Value::String(name.into())
    ));
    hash.as_str().unwrap().to_string()
}

/// The text of the element with this id inside the view ('' when there is none).
fn text_of(s: &Session, id: &str) -> String {
    let js = format!("(document.getElementById({}) || {{}}).innerText || ''", Value::String(id.into()));
    s.eval(&js).as_str().unwrap().to_string()
}

fn ref_text(o: &Value) -> String {
    let ns = o["namespace"].as_str().map(|n| format!("{n}/")).unwrap_or_default();
    format!("{} {ns}{}", o["kind"].as_str().unwrap(), o["name"].as_str().unwrap())
}

/// One ServiceAccount's page against its details: a matrix row per allowed resource with the letters' labels,
/// every binding that names it and every binding of its groups, and each step of its path to cluster-admin.
fn check_service_account_details(s: &Session, data: &Value, index: usize) {
    let d = &data["serviceAccountDetails"][index];
    let (ns, name) = (d["namespace"].as_str().unwrap(), d["name"].as_str().unwrap());
    assert_eq!(data["serviceAccounts"][index]["name"], d["name"], "details are in the rows' order");
    s.go(&sa_hash(s, ns, name));
    let cells = s.eval(
        "JSON.stringify([...document.querySelectorAll('#matrix table.matrix tbody tr')].map(tr => \
         [...tr.children].map(td => td.textContent)))",
    );
    let cells: Vec<Vec<String>> = serde_json::from_str(cells.as_str().unwrap()).unwrap();
    let rows = d["matrix"].as_array().unwrap();
    assert_eq!(cells.len(), rows.len(), "{ns}/{name}: one matrix row per allowed resource");
    let label = |c: char| match c {
        'c' => "\u{2714} cluster",
        'n' => "\u{2714} ns",
        's' => "\u{25d0} names",
        '-' => "\u{2013}",
        _ => "",
    };
    for (row, shown) in rows.iter().zip(&cells) {
        let group = row["group"].as_str().unwrap();
        let resource = row["resource"].as_str().unwrap();
        let want = if group.is_empty() { resource.to_string() } else { format!("{resource}.{group}") };
        assert_eq!(shown[0], want);
        let letters: Vec<&str> = row["cells"].as_str().unwrap().chars().map(label).collect();
        assert_eq!(&shown[1..], letters.as_slice(), "{ns}/{name} {want}");
    }
    let bindings = text_of(s, "bindings");
    let mut edges: Vec<&Value> = d["bindings"].as_array().unwrap().iter().collect();
    for g in d["groups"].as_array().unwrap() {
        let of = data["groupBindings"].as_array().unwrap().iter().find(|x| x["group"] == *g).unwrap();
        edges.extend(of["bindings"].as_array().unwrap());
    }
    // Each binding once, however many ways it reaches the ServiceAccount: as many as its list row counts.
    let distinct: BTreeSet<String> = edges.iter().map(|e| ref_text(&e["binding"])).collect();
    let counted = data["serviceAccounts"][index]["bindings"].as_u64().unwrap() as usize;
    assert_eq!(distinct.len(), counted, "{ns}/{name}: its bindings are those its row counts");
    assert!(bindings.starts_with(&format!("Bindings ({counted}:")), "{bindings}");
    for e in &edges {
        assert!(bindings.contains(&ref_text(&e["binding"])), "{ns}/{name}: {} listed", e["binding"]);
        assert!(bindings.contains(&ref_text(&e["role"])), "{ns}/{name}: {} listed", e["role"]);
    }
    let graph_boxes = s.eval("document.querySelectorAll('#bindings svg.graph rect').length").as_u64().unwrap();
    if !edges.is_empty() {
        assert!(graph_boxes as usize > edges.len().min(60), "{ns}/{name}: the graph draws the bindings");
    }
    let path = text_of(s, "path");
    match d["pathToClusterAdmin"].as_object() {
        None => assert!(path.contains("None within 4 steps"), "{path}"),
        Some(p) => {
            for step in p["steps"].as_array().unwrap() {
                assert!(path.contains(step["technique"].as_str().unwrap()), "{path}");
                assert!(path.contains(step["command"].as_str().unwrap()), "{path}");
            }
        }
    }
}

/// The who-can view lists every risky request; a link to one lands on its answer, which names each ServiceAccount
/// and each user or group the JSON has.
fn check_who_can(s: &Session, data: &Value) {
    s.go("#who-can");
    let risky = data["riskyRequests"].as_array().unwrap();
    let rows: BTreeSet<String> = s.all_row_ids().into_iter().collect();
    let want: BTreeSet<String> = risky.iter().map(|q| format!("who-can-{}", q["id"].as_str().unwrap())).collect();
    assert_eq!(rows, want);
    let q = risky.iter().max_by_key(|q| q["serviceAccounts"].as_array().unwrap().len()).unwrap();
    let id = q["id"].as_str().unwrap();
    s.go(&format!("#who-can/{id}"));
    s.all_row_ids();
    let detail = text_of(s, &format!("who-can/{id}"));
    assert!(detail.contains(q["command"].as_str().unwrap()), "{detail}");
    let rows: BTreeSet<String> = s
        .eval(&format!(
            "JSON.stringify([...document.getElementById({}).querySelectorAll('tbody tr')].map(tr => \
             tr.children[0].textContent + '/' + tr.children[1].textContent))",
            Value::String(format!("who-can/{id}"))
        ))
        .as_str()
        .map(|t| serde_json::from_str(t).unwrap())
        .unwrap();
    for sa in q["serviceAccounts"].as_array().unwrap() {
        let missing = if sa["exists"] == true { "" } else { " (missing)" };
        let row = format!("{}/{}{missing}", sa["namespace"].as_str().unwrap(), sa["name"].as_str().unwrap());
        assert!(rows.contains(&row), "{id}: {row} listed");
    }
    for subject in q["subjects"].as_array().unwrap() {
        assert!(detail.contains(subject["name"].as_str().unwrap()), "{id}: {subject} listed");
    }
}

/// Opens `page` and checks it against `data`: every finding and ServiceAccount appears; with `every_view`, also
/// the filters, the search and the links, with a screenshot of each view. Returns the screenshots taken.
fn check_page(s: &Session, page: &Path, data: &Value, name: &str, every_view: bool) -> Vec<PathBuf> {
    s.visit(page, "");
    let mut shots = vec![s.screenshot(&format!("{name}-overview"))];
    let mut shot = |s: &Session, view: &str| {
        if every_view {
            shots.push(s.screenshot(&format!("{name}-{view}")));
        }
    };
    let all = findings(data);
    let text = s.eval("document.body.innerText").as_str().unwrap().to_string();
    assert!(text.contains(&format!("{}\nServiceAccounts", data["counts"]["serviceAccounts"])), "{text}");
    assert!(text.contains(&format!("{}\nfindings", all.len())), "{text}");

    // Every finding, each once.
    s.go("#findings");
    let rows = s.all_row_ids();
    assert_eq!(rows.len(), all.len(), "one row per finding");
    assert_eq!(rows.iter().cloned().collect::<BTreeSet<_>>(), finding_ids(all.iter().cloned()));
    shot(s, "findings");

    // The filters narrow the rows to exactly the findings they select.
    // SA-25 concerns a group of every identity, not one ServiceAccount.
    if let Some(f) = all.iter().find(|f| f["serviceAccount"]["namespace"] != "*").filter(|_| every_view) {
        let set = |selector: &str, value: &str| {
            s.eval(&format!(
                "(() => {{ const e = document.querySelector({}); e.value = {}; e.dispatchEvent(new Event({})); }})()",
                Value::String(selector.into()),
                Value::String(value.into()),
                Value::String(if selector.starts_with("input") { "input" } else { "change" }.into())
            ));
        };
        let severity = f["severity"].as_str().unwrap();
        set("select[aria-label=severity]", severity);
        let want = finding_ids(all.iter().filter(|x| x["severity"] == severity).cloned());
        assert_eq!(s.all_row_ids().into_iter().collect::<BTreeSet<_>>(), want, "severity {severity}");
        set("select[aria-label=severity]", "");
        let ns = f["serviceAccount"]["namespace"].as_str().unwrap();
        set("select[aria-label=namespace]", ns);
        let want = finding_ids(all.iter().filter(|x| x["serviceAccount"]["namespace"] == ns).cloned());
        assert_eq!(s.all_row_ids().into_iter().collect::<BTreeSet<_>>(), want, "namespace {ns}");
        set("select[aria-label=namespace]", "");
        let id = f["id"].as_str().unwrap();
        set("select[aria-label=ID]", id);
        let want = finding_ids(all.iter().filter(|x| x["id"] == id).cloned());
        assert_eq!(s.all_row_ids().into_iter().collect::<BTreeSet<_>>(), want, "ID {id}");
        set("select[aria-label=ID]", "");
        // A search for a ServiceAccount finds its findings (and, at most, findings that mention it elsewhere).
        let sa = sa_of(f);
        set("input[type=search]", &sa);
        let shown: BTreeSet<String> = s.all_row_ids().into_iter().collect();
        let own = finding_ids(all.iter().filter(|x| sa_of(x) == sa).cloned());
        assert!(own.is_subset(&shown), "a search for {sa} shows its findings");
        if all.iter().any(|x| !serde_json::to_string(x).unwrap().contains(&sa)) {
            assert!(shown.len() < all.len(), "a search for {sa} narrows the rows");
        }
        set("input[type=search]", "no finding says this 7f3e");
        assert!(s.all_row_ids().is_empty(), "a search without a match shows no row");
        shot(s, "search");

        // A link to one finding lands on it.
        let fp = f["fingerprint"].as_str().unwrap();
        let hash = format!(
            "#finding/{}",
            s.eval(&format!("encodeURIComponent({})", Value::String(fp.into()))).as_str().unwrap()
        );
        s.go(&hash);
        let detail = s.eval(&format!(
            "(document.getElementById({}) || {{}}).innerText || ''",
            Value::String(format!("finding/{fp}"))
        ));
        let detail = detail.as_str().unwrap();
        assert!(detail.contains(id) && detail.contains(f["why"].as_str().unwrap()), "{hash}: {detail}");
        shot(s, "finding");
    }

    // Every ServiceAccount, each once, and its own page with its findings.
    s.go("#service-accounts");
    let rows = s.all_row_ids();
    let want: BTreeSet<String> = data["serviceAccounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("sa-{}/{}", r["namespace"].as_str().unwrap(), r["name"].as_str().unwrap()))
        .collect();
    assert_eq!(rows.len(), want.len());
    assert_eq!(rows.into_iter().collect::<BTreeSet<_>>(), want);
    shot(s, "service-accounts");
    if let Some(f) = all.iter().find(|f| f["serviceAccount"]["namespace"] != "*").filter(|_| every_view) {
        let (ns, sa) =
            (f["serviceAccount"]["namespace"].as_str().unwrap(), f["serviceAccount"]["name"].as_str().unwrap());
        let hash = s.eval(&format!(
            "'#sa/' + encodeURIComponent({}) + '/' + encodeURIComponent({})",
            Value::String(ns.into()),
            Value::String(sa.into())
        ));
        s.go(hash.as_str().unwrap());
        let title = s.eval("document.querySelector('main h2').textContent");
        assert_eq!(title.as_str().unwrap(), format!("ServiceAccount {ns}/{sa}"));
        let want = finding_ids(all.iter().filter(|x| sa_of(x) == format!("{ns}/{sa}")).cloned());
        assert_eq!(s.all_row_ids().into_iter().collect::<BTreeSet<_>>(), want);
        shot(s, "service-account");
    }
    if every_view {
        // Every ServiceAccount's matrix, bindings and path (the demo and fixtures are small).
        for i in 0..data["serviceAccountDetails"].as_array().unwrap().len() {
            check_service_account_details(s, data, i);
        }
        let with_path = data["serviceAccountDetails"]
            .as_array()
            .unwrap()
            .iter()
            .position(|d| d["pathToClusterAdmin"]["length"].as_u64().is_some_and(|n| n > 0));
        if let Some(i) = with_path {
            check_service_account_details(s, data, i);
            shot(s, "service-account-path");
        }
        check_who_can(s, data);
        shot(s, "who-can");
    }
    s.assert_clean();
    shots
}

#[test]
fn the_demo_report_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let (page, data) = report("examples/demo-cluster.yaml", dir.path(), "demo");
    assert!(findings(&data).len() > 20 && data["serviceAccounts"].as_array().unwrap().len() > 5);
    // Every request of the report's risky list is answered (none is dropped), and the answers are who-can's.
    let risky = data["riskyRequests"].as_array().unwrap();
    assert_eq!(risky.len(), 25);
    for q in risky {
        let words: Vec<&str> = q["command"].as_str().unwrap().split(' ').skip(3).collect();
        let out = ksa()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["who-can"])
            .args(&words)
            .args(["-f", "examples/demo-cluster.yaml", "-o", "json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{words:?}: {}", String::from_utf8_lossy(&out.stderr));
        let who: Value = serde_json::from_slice(&out.stdout).unwrap();
        let sas = who["serviceAccounts"].as_array().unwrap();
        assert_eq!(q["serviceAccountCount"].as_u64().unwrap() as usize, sas.len(), "{words:?}");
        for sa in q["serviceAccounts"].as_array().unwrap() {
            let same = sas.iter().find(|x| x["namespace"] == sa["namespace"] && x["name"] == sa["name"]).unwrap();
            assert_eq!(same["scopes"], sa["scopes"], "{words:?} {sa}");
        }
    }
    // Each ServiceAccount's matrix is `matrix NS/NAME -A --verbs all --subresources` in letters.
    let verbs: Vec<&str> = data["matrixVerbs"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    for d in data["serviceAccountDetails"].as_array().unwrap() {
        let sa = format!("{}/{}", d["namespace"].as_str().unwrap(), d["name"].as_str().unwrap());
        let out = ksa()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["matrix", &sa, "-A", "--verbs", "all", "--subresources", "-f", "examples/demo-cluster.yaml"])
            .args(["-o", "json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{sa}: {}", String::from_utf8_lossy(&out.stderr));
        let m: Value = serde_json::from_slice(&out.stdout).unwrap();
        let want: Vec<(String, String, String)> = m["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let cells: String = verbs
                    .iter()
                    .map(|v| match (r["verbs"][v].as_str(), r["where"][v].as_array()) {
                        (None, _) => '.',
                        (Some("yes"), Some(w)) if w.len() == 1 && w[0] == "cluster" => 'c',
                        (Some("yes"), _) => 'n',
                        (Some("some"), _) => 's',
                        _ => '-',
                    })
                    .collect();
                (r["group"].as_str().unwrap().into(), r["resource"].as_str().unwrap().into(), cells)
            })
            .filter(|(_, _, cells)| cells.contains(['c', 'n', 's']))
            .collect();
        let got: Vec<(String, String, String)> = d["matrix"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let f = |k: &str| r[k].as_str().unwrap().to_string();
                (f("group"), f("resource"), f("cells"))
            })
            .collect();
        assert_eq!(got, want, "{sa}");
        assert_eq!(
            d["nonResourceUrls"].as_object().unwrap().len(),
            m["nonResourceUrls"].as_array().unwrap().len(),
            "{sa}"
        );
    }
    let chromium = launch();
    let shots = check_page(&Session::new(&chromium), &page, &data, "demo", true);
    eprintln!("report screenshots: {}", shots.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "));
}

#[test]
fn every_audit_fixture_report_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(repo("tests/fixtures/audit"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    fixtures.sort();
    assert!(fixtures.len() > 20);
    let mut with_findings = 0;
    let chromium = launch();
    let session = Session::new(&chromium);
    for fixture in fixtures {
        let name = fixture.file_stem().unwrap().to_str().unwrap().to_string();
        let (page, data) = report(&format!("tests/fixtures/audit/{name}.yaml"), dir.path(), &name);
        with_findings += usize::from(!findings(&data).is_empty());
        check_page(&session, &page, &data, &format!("audit-{name}"), false);
        for i in 0..data["serviceAccountDetails"].as_array().unwrap().len() {
            check_service_account_details(&session, &data, i);
        }
        check_who_can(&session, &data);
        session.assert_clean();
    }
    assert!(with_findings > 20, "most audit fixtures have findings");
}

/// Names are text: a ServiceAccount, a namespace and roles named like markup show as written and run nothing.
#[test]
fn hostile_names_are_shown_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let (page, data) = report("tests/fixtures/report/hostile.yaml", dir.path(), "hostile");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(!html.contains("<img src=x"), "a name reached the page as markup");
    let chromium = launch();
    let s = Session::open(&chromium, &page, "#service-accounts");
    let names = s.eval("JSON.stringify([...document.querySelectorAll('main tbody td')].map(td => td.textContent))");
    let names: Vec<String> = serde_json::from_str(names.as_str().unwrap()).unwrap();
    for r in data["serviceAccounts"].as_array().unwrap() {
        assert!(names.iter().any(|n| n == r["name"].as_str().unwrap()), "{} shown as written", r["name"]);
    }
    s.go("#findings");
    s.all_row_ids();
    let injected = s.eval(
        "JSON.stringify([window.__ksaInjected === undefined, document.querySelectorAll('img, b, i').length, \
         document.scripts.length])",
    );
    assert_eq!(injected.as_str().unwrap(), "[true,0,2]", "markup from names ran or was parsed");
    s.screenshot("hostile-findings");
    // Each ServiceAccount's page (bindings graph, matrix, path) and the who-can answers show the names as text too.
    for r in data["serviceAccounts"].as_array().unwrap() {
        s.go(&sa_hash(&s, r["namespace"].as_str().unwrap(), r["name"].as_str().unwrap()));
        let svg = s.eval("[...document.querySelectorAll('#bindings svg title')].map(t => t.textContent).join('\\n')");
        assert!(svg.as_str().unwrap().contains(r["name"].as_str().unwrap()), "{} in its graph", r["name"]);
        let injected = s.eval(
            "JSON.stringify([window.__ksaInjected === undefined, document.querySelectorAll('main img, main b, main \
             i').length])",
        );
        assert_eq!(injected.as_str().unwrap(), "[true,0]", "markup from names ran on {}'s page", r["name"]);
    }
    s.go("#who-can");
    for q in data["riskyRequests"].as_array().unwrap() {
        s.go(&format!("#who-can/{}", q["id"].as_str().unwrap()));
        let injected = s.eval("JSON.stringify([window.__ksaInjected === undefined, document.scripts.length])");
        assert_eq!(injected.as_str().unwrap(), "[true,2]");
    }
    s.screenshot("hostile-who-can");
    // A link that is not valid percent-encoding opens a page that says so, without an error.
    s.go("#sa/%E0/x");
    assert_eq!(s.eval("document.querySelector('main p').textContent").as_str().unwrap(), "Not in this report.");
    s.assert_clean();
}

/// Without pods and token Secrets the first screen says the data is partial.
#[test]
fn partial_data_is_marked_on_the_first_screen() {
    let dir = tempfile::tempdir().unwrap();
    let (page, data) = report("tests/fixtures/audit/sa-01.yaml", dir.path(), "partial");
    assert_eq!(data["partial"], true, "the fixture has no pods");
    let chromium = launch();
    let s = Session::open(&chromium, &page, "");
    let banner =
        s.eval("(() => { const b = document.getElementById('partial'); return b.hidden ? '' : b.innerText; })()");
    assert!(banner.as_str().unwrap().starts_with("Partial data"), "{banner}");
    let top = s.eval("document.getElementById('partial').getBoundingClientRect().top");
    assert!(top.as_f64().unwrap() < 300.0, "the banner is on the first screen");
    s.screenshot("partial-overview");
    s.assert_clean();
}

/// The checks above would see a page that logs an error, throws, or makes a request (to loopback's discard port).
#[test]
fn the_browser_checks_see_errors_and_requests() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("noisy.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><body><script>console.error('boom'); fetch('http://127.0.0.1:9/x').catch(() => {}); \
         setTimeout(() => { document.body.dataset.ready = '#overview'; null.x; }, 50);</script></body></html>",
    )
    .unwrap();
    let chromium = launch();
    let s = Session::open(&chromium, &page, "");
    // The request and the log entries arrive as events, after the page is ready: give them a moment.
    std::thread::sleep(Duration::from_millis(300));
    let problems = s.problems.lock().unwrap().clone();
    assert!(problems.iter().any(|p| p.contains("boom")), "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("exception")), "{problems:?}");
    let requests = s.requests.lock().unwrap().clone();
    assert!(requests.iter().any(|u| u == "http://127.0.0.1:9/x"), "{requests:?}");
}

#[allow(dead_code)]
#[path = "support/review.rs"]
mod review;
#[allow(dead_code)]
#[path = "support/world.rs"]
mod world;

/// The benchmarks' 1x world (20,000 ServiceAccounts, 55,000 bindings, about 100,000 findings): the page opens on
/// its overview, unpacks every finding for the findings view, and its filters, search and links work at that size.
/// (How fast is measured by benches/report_page.rs, not here.)
#[test]
fn the_1x_world_report_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let mut world = world::World::generate_sized(1, &world::Size::scaled(1.0));
    for ns in &world.namespaces {
        world.objects.push(serde_json::json!({"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": "default", "namespace": ns}}));
    }
    let input = dir.path().join("world-1x.json");
    let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": world.objects});
    std::fs::write(&input, serde_json::to_vec(&list).unwrap()).unwrap();
    let page = dir.path().join("world-1x.html");
    let input = input.to_str().unwrap();
    ksa().args(["report", "-A", "-f", input, "--output-file", page.to_str().unwrap()]).assert().success();
    let out = ksa().args(["report", "-A", "-f", input, "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let data: Value = serde_json::from_slice(&out.stdout).unwrap();
    let all = findings(&data);
    let rows = data["serviceAccounts"].as_array().unwrap();
    assert!(all.len() > 50_000 && rows.len() >= 20_000, "{} findings, {} rows", all.len(), rows.len());
    let bytes = std::fs::metadata(&page).unwrap().len();
    assert!(bytes < 30_000_000, "the 1x page weighs {bytes} bytes");

    let chromium = launch();
    let s = Session::open(&chromium, &page, "");
    let text = s.eval("document.body.innerText").as_str().unwrap().to_string();
    assert!(text.contains(&format!("{}\nfindings", all.len())), "{text}");
    s.screenshot("world-1x-overview");

    // The findings view: a page of rows, the count of all, and every finding unpacked exactly as -o json has it.
    s.go("#findings");
    let count = s.eval("document.querySelector('main [role=status]').textContent");
    assert_eq!(count.as_str().unwrap(), format!("Showing 200 of {}", all.len()));
    let fingerprints = s.eval("JSON.stringify(DATA.findings.map(f => f.fingerprint))");
    let want: Vec<&str> = all.iter().map(|f| f["fingerprint"].as_str().unwrap()).collect();
    assert_eq!(serde_json::from_str::<Vec<String>>(fingerprints.as_str().unwrap()).unwrap(), want);
    // Unpacked values equal the JSON's, field for field (a sample spread over the list).
    for i in (0..all.len()).step_by(all.len() / 97) {
        let unpacked = s.eval(&format!("JSON.stringify(DATA.findings[{i}])"));
        let unpacked: Value = serde_json::from_str(unpacked.as_str().unwrap()).unwrap();
        assert_eq!(unpacked, all[i], "finding {i}");
    }
    let unpacked = s.eval("JSON.stringify(DATA.serviceAccounts)");
    assert_eq!(&serde_json::from_str::<Value>(unpacked.as_str().unwrap()).unwrap(), &data["serviceAccounts"]);

    // The ID filter and a search narrow the count to exactly the findings they select.
    let f = all.iter().find(|f| f["serviceAccount"]["namespace"] != "*").unwrap();
    let id = f["id"].as_str().unwrap();
    s.eval(&format!(
        "(() => {{ const e = document.querySelector('select[aria-label=ID]'); e.value = {}; \
         e.dispatchEvent(new Event('change')); }})()",
        Value::String(id.into())
    ));
    let selected = all.iter().filter(|x| x["id"] == id).count();
    let count = s.eval("document.querySelector('main [role=status]').textContent");
    assert_eq!(
        count.as_str().unwrap(),
        format!("Showing {} of {selected} (of {} in all)", selected.min(200), all.len())
    );
    s.screenshot("world-1x-findings-by-id");

    // A link to one ServiceAccount lands on its page, with its findings.
    let (ns, sa) = (f["serviceAccount"]["namespace"].as_str().unwrap(), f["serviceAccount"]["name"].as_str().unwrap());
    s.go(&format!("#sa/{ns}/{sa}"));
    let title = s.eval("document.querySelector('main h2').textContent");
    assert_eq!(title.as_str().unwrap(), format!("ServiceAccount {ns}/{sa}"));
    let own = finding_ids(all.iter().filter(|x| sa_of(x) == format!("{ns}/{sa}")).cloned());
    assert_eq!(s.all_row_ids().into_iter().collect::<BTreeSet<_>>(), own);
    s.screenshot("world-1x-service-account");
    // Pages of ServiceAccounts spread over the list, one with a path to cluster-admin, and the who-can view.
    let details = data["serviceAccountDetails"].as_array().unwrap();
    assert_eq!(details.len(), rows.len());
    for i in (0..details.len()).step_by(details.len() / 9) {
        check_service_account_details(&s, &data, i);
    }
    let with_path = details.iter().position(|d| d["pathToClusterAdmin"]["length"].as_u64().is_some_and(|n| n > 0));
    check_service_account_details(&s, &data, with_path.expect("some ServiceAccount of the 1x world has a path"));
    s.screenshot("world-1x-service-account-path");
    check_who_can(&s, &data);
    s.screenshot("world-1x-who-can");
    s.assert_clean();
}
