//! Checks on the repository itself: the module graph points down (docs/architecture.md), nothing large is
//! committed outside the test fixtures, every document the project refers to is in it, and relative links in the
//! Markdown files lead to files that exist.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Files under `dir` whose name ends with `suffix`, recursively.
fn files_under(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("cannot read {}: {e}", d.display())) {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(suffix) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The layer of each top-level module: a module may import modules of a lower layer, or of its own layer as long
/// as no cycle forms. `cli` is below `cmd` so that the flags never depend on the commands.
const LAYERS: &[(&str, u8)] = &[
    ("cmd", 5),
    ("cli", 4),
    ("output", 3),
    ("source", 2),
    ("rbac", 2),
    ("request", 2),
    ("audit", 2),
    ("admission", 2),
    ("usage", 2),
    ("identity", 2),
    ("paths", 2),
    ("diff", 2),
    ("model", 1),
    ("catalogue", 1),
];

/// The `crate::NAME` paths of one source file, comments left out (`use crate::{a, b::c}` counts a and b).
fn crate_references(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in text.lines() {
        let code = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                for item in group[..end].split(',') {
                    let ident: String =
                        item.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                    if !ident.is_empty() {
                        names.insert(ident);
                    }
                }
            } else {
                let ident: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                names.insert(ident);
            }
        }
    }
    names
}

/// Top-level module -> the other top-level modules it imports.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = root().join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files_under(&src, ".rs") {
        let relative = file.strip_prefix(&src).expect("under src");
        let top = relative.components().next().expect("a component").as_os_str().to_string_lossy();
        let module = top.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" {
            continue; // the crate root wires everything together
        }
        let text = std::fs::read_to_string(&file).expect("readable source");
        let deps = graph.entry(module.clone()).or_default();
        deps.extend(crate_references(&text).into_iter().filter(|d| *d != module));
    }
    graph
}

#[test]
fn module_imports_point_down_and_form_no_cycle() {
    let layer: BTreeMap<&str, u8> = LAYERS.iter().copied().collect();
    let graph = module_graph();
    let mut wrong = Vec::new();
    for (module, deps) in &graph {
        let Some(&from) = layer.get(module.as_str()) else {
            wrong.push(format!("src/{module} has no layer: add it to LAYERS and to docs/architecture.md"));
            continue;
        };
        for dep in deps {
            match layer.get(dep.as_str()) {
                Some(&to) if to <= from => {}
                Some(&to) => wrong.push(format!("{module} (layer {from}) imports {dep} (layer {to}): an arrow up")),
                None => wrong.push(format!("{module} imports crate::{dep}, which is not a top-level module")),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    for below in ["source", "rbac", "model", "catalogue", "output", "identity", "audit", "request"] {
        let deps = &graph[below];
        assert!(!deps.contains("cli") && !deps.contains("cmd"), "{below} imports cli or cmd: {deps:?}");
    }
    // Depth-first search: a module met again while still on the path closes a cycle.
    fn visit<'g>(
        m: &'g str,
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<&'g str>,
        done: &mut BTreeSet<&'g str>,
    ) {
        if let Some(i) = path.iter().position(|p| *p == m) {
            panic!("module cycle: {} -> {m}", path[i..].join(" -> "));
        }
        if !done.insert(m) {
            return;
        }
        path.push(m);
        for dep in graph.get(m).into_iter().flatten() {
            visit(dep, graph, path, done);
        }
        path.pop();
    }
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        visit(module, &graph, &mut Vec::new(), &mut done);
    }
    assert_eq!(done.len(), LAYERS.len(), "every layer names a module that exists: {done:?}");
}

#[test]
fn the_import_scanner_reads_grouped_and_commented_paths() {
    let refs = crate_references("use crate::{model::Cluster, rbac};\nlet x = crate::source::load(); // crate::cli\n");
    assert_eq!(refs, BTreeSet::from(["model".to_string(), "rbac".to_string(), "source".to_string()]));
}

/// The committed files (git's index), or `None` outside a git checkout (an unpacked source archive).
fn committed_files() -> Option<Vec<PathBuf>> {
    let out = Command::new("git").arg("-C").arg(root()).args(["ls-files", "-z"]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let list = String::from_utf8(out.stdout).expect("UTF-8 paths");
    Some(list.split('\0').filter(|p| !p.is_empty()).map(|p| root().join(p)).collect())
}

#[test]
fn no_file_over_one_megabyte_is_committed_outside_the_test_fixtures() {
    let Some(files) = committed_files() else {
        eprintln!("not a git checkout: nothing to check");
        return;
    };
    assert!(files.len() > 50, "git ls-files listed only {} files", files.len());
    let fixtures = root().join("tests").join("fixtures");
    let large: Vec<String> = files
        .iter()
        .filter(|f| !f.starts_with(&fixtures))
        .filter_map(|f| std::fs::metadata(f).ok().map(|m| (f, m.len())))
        .filter(|(_, len)| *len > 1_000_000)
        .map(|(f, len)| format!("{} ({len} bytes)", f.display()))
        .collect();
    assert!(large.is_empty(), "large files committed (move generated output out of git, see .gitignore): {large:?}");
}

/// Files that readers of a clone see: the README, docs, sources and tests.
fn project_texts() -> Vec<PathBuf> {
    let r = root();
    let mut files = vec![r.join("README.md"), r.join("CONTRIBUTING.md"), r.join("CHANGELOG.md")];
    for (dir, suffix) in [("docs", ".md"), ("src", ".rs"), ("tests", ".rs"), ("tests", ".sh"), ("benches", ".rs")] {
        files.extend(files_under(&r.join(dir), suffix));
    }
    files
}

#[test]
fn every_reference_points_inside_the_repository() {
    // Built from pieces so that this file does not match itself.
    let outside = [concat!("shared", "/docs"), concat!("/wo", "rk/")];
    let mut found = Vec::new();
    for file in project_texts() {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        for (n, line) in text.lines().enumerate() {
            if outside.iter().any(|o| line.contains(o)) {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "references to files a clone does not have:\n{}", found.join("\n"));
}

#[test]
fn relative_links_in_the_documentation_lead_to_files() {
    let r = root();
    let mut markdown = vec![r.join("README.md"), r.join("CONTRIBUTING.md"), r.join("CHANGELOG.md")];
    markdown.extend(files_under(&r.join("docs"), ".md"));
    let mut broken = Vec::new();
    let mut checked = 0;
    for file in &markdown {
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let mut rest = text.as_str();
        // Inline links: ](target) where target is not a URL or a bare anchor.
        while let Some(i) = rest.find("](") {
            rest = &rest[i + 2..];
            let end = rest.find(')').unwrap_or(rest.len());
            let target = rest[..end].split('#').next().unwrap_or_default().trim();
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") || target.contains(' ') {
                continue;
            }
            checked += 1;
            let path = file.parent().expect("a parent").join(target);
            if !path.exists() {
                broken.push(format!("{}: {target}", file.display()));
            }
        }
    }
    assert!(checked >= 10, "only {checked} relative links found: is the documentation there?");
    assert!(broken.is_empty(), "links to missing files:\n{}", broken.join("\n"));
}
