//! Architecture Invariant: each stage imports only the stages before it.
//!
//! `LAYERS` is the one statement of the order (ARCHITECTURE.md quotes it). This test reads every file
//! under `src/`, collects each path into the crate that it names (`use
//! crate::…`, `crate::…` in code and in macro arguments, `super::…` that
//! leaves its top-level module, and names re-exported by `lib.rs`, resolved
//! to the module that defines them), and fails naming the file and the path
//! when a module reaches a later layer, or when the modules' imports form a
//! cycle.
//!
//! Exempt: `lib.rs` (the facade, which re-exports every layer) and test code,
//! that is, any item under `#[cfg(test)]` and the files of modules declared
//! `#[cfg(test)] mod …;` (`tests.rs`, `proptests.rs`), since unit tests build
//! whole rulesets through the public API to test a lower stage.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// The modules of `src/`, bottom first. A module may import the modules
/// before it in this list, never one after it.
const LAYERS: &[&str] = &[
    // Leaves: the vocabulary every stage speaks.
    "span",
    "printable",
    "limits",
    "budget",
    "model",
    "decimal",
    "diag",
    "suggest",
    // Fact schema and values, and the public error types over them.
    "facts",
    "error",
    // The pipeline.
    "syntax",
    "tri",
    "check",
    "compile",
    "engine",
    "eval",
    "explain",
    // `FromStr` for the public enums of the layers above: `model`,
    // `budget`, `diag` and `explain`.
    "names",
    "report",
    // The public facade and what is built on it (`transaction` is the
    // inline module of `lib.rs` that re-exports the parts of `Transaction`).
    "transaction",
    "info",
    "ruleset",
    "batch",
    "diff",
    "testing",
    "fuzzing",
];

/// The leaves: the first layers, which import nothing of the crate at all.
const LEAVES: &[&str] = &["span", "printable", "limits", "budget", "model"];

/// A module's name in `LAYERS` for its name in the crate (`lib.rs` declares
/// `fuzzing.rs` as `__fuzz`).
fn layer_name(module: &str) -> &str {
    match module {
        "__fuzz" => "fuzzing",
        m => m,
    }
}

/// One path into the crate, as written in one file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Edge {
    /// The file, relative to the package (`src/eval/outcome.rs`).
    file: String,
    /// The path as written, `super::` resolved (`crate::compile::Program`).
    import: String,
    /// The top-level module of the file.
    from: String,
    /// The top-level module that defines what the path names.
    to: String,
}

/// Every way `edges` breaks the layering of `layers`: an edge into a later
/// layer, or a module that is not in the table.
fn violations(layers: &[&str], edges: &[Edge]) -> Vec<String> {
    let rank = |m: &str| layers.iter().position(|l| *l == m);
    let mut out = Vec::new();
    for e in edges {
        match (rank(&e.from), rank(&e.to)) {
            (Some(from), Some(to)) if to > from => out.push(format!(
                "{} imports `{}`: `{}` (layer {from}) may import only the layers before it, \
                 and `{}` is layer {to}",
                e.file, e.import, e.from, e.to
            )),
            (Some(_), Some(_)) => {}
            (None, _) => out.push(format!("{}: module `{}` is not in LAYERS", e.file, e.from)),
            (_, None) => out.push(format!(
                "{} imports `{}`: module `{}` is not in LAYERS",
                e.file, e.import, e.to
            )),
        }
    }
    out
}

/// A cycle among the modules of `edges`, as the modules along it (the first
/// again at the end), if there is one.
fn cycle(edges: &[Edge]) -> Option<Vec<String>> {
    let mut graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for e in edges.iter().filter(|e| e.from != e.to) {
        graph.entry(&e.from).or_default().insert(&e.to);
    }
    // Depth-first search with an explicit stack; `on_path` is the current path.
    let mut done: BTreeSet<&str> = BTreeSet::new();
    for &start in graph.keys() {
        if done.contains(start) {
            continue;
        }
        let mut path: Vec<&str> = vec![start];
        let mut stack: Vec<Vec<&str>> = vec![graph[start].iter().copied().collect()];
        while let Some(next) = stack.last_mut() {
            match next.pop() {
                Some(m) if path.contains(&m) => {
                    let at = path.iter().position(|p| *p == m).unwrap();
                    let mut found: Vec<String> = path[at..].iter().map(|s| s.to_string()).collect();
                    found.push(m.to_string());
                    return Some(found);
                }
                Some(m) if done.contains(m) => {}
                Some(m) => {
                    path.push(m);
                    stack.push(
                        graph
                            .get(m)
                            .map(|s| s.iter().copied().collect())
                            .unwrap_or_default(),
                    );
                }
                None => {
                    stack.pop();
                    if let Some(m) = path.pop() {
                        done.insert(m);
                    }
                }
            }
        }
    }
    None
}

/// The name each `pub use` of `lib.rs` makes, and the module it comes from.
fn reexports(lib: &syn::File) -> BTreeMap<String, String> {
    fn walk(tree: &syn::UseTree, module: Option<&str>, out: &mut BTreeMap<String, String>) {
        match tree {
            syn::UseTree::Path(p) => {
                let m = module.map_or_else(|| p.ident.to_string(), str::to_string);
                walk(&p.tree, Some(&m), out);
            }
            syn::UseTree::Name(n) => {
                if let Some(m) = module {
                    out.insert(n.ident.to_string(), m.to_string());
                }
            }
            syn::UseTree::Rename(r) => {
                if let Some(m) = module {
                    out.insert(r.rename.to_string(), m.to_string());
                }
            }
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| walk(t, module, out)),
            syn::UseTree::Glob(_) => {}
        }
    }
    let mut out = BTreeMap::new();
    for item in &lib.items {
        if let syn::Item::Use(u) = item {
            walk(&u.tree, None, &mut out);
        }
    }
    out
}

/// The modules `lib.rs` declares, in order.
fn declared_modules(lib: &syn::File) -> Vec<String> {
    lib.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Mod(m) => Some(m.ident.to_string()),
            _ => None,
        })
        .collect()
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "test")
    })
}

/// Collects the paths into the crate of one file.
struct Collector<'a> {
    file: &'a str,
    /// The module the visitor is in: the file's module, then inline modules.
    module: Vec<String>,
    reexports: &'a BTreeMap<String, String>,
    modules: &'a BTreeSet<String>,
    edges: Vec<Edge>,
    /// `#[cfg(test)] mod x;` declarations: the module paths of test-only files.
    test_modules: Vec<Vec<String>>,
}

impl Collector<'_> {
    /// Records a path given as its segments, if it leads out of `self`'s
    /// top-level module.
    fn path(&mut self, segments: &[String]) {
        let (base, rest): (Vec<String>, &[String]) = match segments.first().map(String::as_str) {
            Some("crate") => (Vec::new(), &segments[1..]),
            Some("super") => {
                let ups = segments.iter().take_while(|s| *s == "super").count();
                let keep = self.module.len().saturating_sub(ups);
                (self.module[..keep].to_vec(), &segments[ups..])
            }
            _ => return,
        };
        let from = layer_name(&self.module[0]).to_string();
        let import = format!(
            "crate::{}",
            base.iter()
                .chain(rest)
                .cloned()
                .collect::<Vec<_>>()
                .join("::")
        );
        let to = match (base.first(), rest.first()) {
            (Some(top), _) => top.clone(),
            (None, Some(name)) if self.modules.contains(name) => name.clone(),
            (None, Some(name)) => match self.reexports.get(name) {
                Some(m) => m.clone(),
                None => format!("<`crate::{name}` is neither a module nor a re-export>"),
            },
            (None, None) => return,
        };
        self.edges.push(Edge {
            file: self.file.to_string(),
            import,
            from,
            to: layer_name(&to).to_string(),
        });
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                prefix.push(n.ident.to_string());
                self.path(&prefix.clone());
                prefix.pop();
            }
            syn::UseTree::Rename(r) => {
                prefix.push(r.ident.to_string());
                self.path(&prefix.clone());
                prefix.pop();
            }
            syn::UseTree::Glob(_) => self.path(&prefix.clone()),
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| self.use_tree(prefix, t)),
        }
    }
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs: &[syn::Attribute] = match item {
            syn::Item::Const(i) => &i.attrs,
            syn::Item::Enum(i) => &i.attrs,
            syn::Item::Fn(i) => &i.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Macro(i) => &i.attrs,
            syn::Item::Mod(i) => &i.attrs,
            syn::Item::Static(i) => &i.attrs,
            syn::Item::Struct(i) => &i.attrs,
            syn::Item::Trait(i) => &i.attrs,
            syn::Item::Type(i) => &i.attrs,
            syn::Item::Use(i) => &i.attrs,
            _ => &[],
        };
        if is_cfg_test(attrs) {
            if let syn::Item::Mod(m) = item
                && m.content.is_none()
            {
                let mut path = self.module.clone();
                path.push(m.ident.to_string());
                self.test_modules.push(path);
            }
            return;
        }
        syn::visit::visit_item(self, item);
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        if let syn::ImplItem::Fn(f) = item
            && is_cfg_test(&f.attrs)
        {
            return;
        }
        syn::visit::visit_impl_item(self, item);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        self.module.push(m.ident.to_string());
        syn::visit::visit_item_mod(self, m);
        self.module.pop();
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &u.tree);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        self.path(&segments);
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        // Macro arguments are tokens, not syntax: look for `crate :: name`.
        let text = m.tokens.to_string();
        let tokens: Vec<&str> = text.split_whitespace().collect();
        for (i, t) in tokens.iter().enumerate() {
            if *t == "crate" {
                let mut segments = vec!["crate".to_string()];
                let mut j = i + 1;
                while tokens.get(j) == Some(&"::") {
                    match tokens.get(j + 1) {
                        Some(s) if s.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                            segments.push(s.to_string());
                        }
                        _ => break,
                    }
                    j += 2;
                }
                self.path(&segments);
            }
        }
        syn::visit::visit_macro(self, m);
    }
}

/// A source file's module path in the crate (`src/eval/mod.rs` is `eval`,
/// `src/syntax/format/print.rs` is `syntax::format::print`).
fn module_path(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The paths into the crate of one file's text, and the test-only modules it
/// declares.
fn scan(
    file: &str,
    module: Vec<String>,
    text: &str,
    reexports: &BTreeMap<String, String>,
    modules: &BTreeSet<String>,
) -> (Vec<Edge>, Vec<Vec<String>>) {
    let ast = syn::parse_file(text).unwrap_or_else(|e| panic!("{file} does not parse: {e}"));
    let mut c = Collector {
        file,
        module,
        reexports,
        modules,
        edges: Vec::new(),
        test_modules: Vec::new(),
    };
    c.visit_file(&ast);
    (c.edges, c.test_modules)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

struct Crate {
    edges: Vec<Edge>,
    declared: Vec<String>,
    files: usize,
}

/// Every path into the crate of every non-test file of `src/`.
fn read_crate() -> Crate {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let lib = syn::parse_file(&std::fs::read_to_string(src.join("lib.rs")).unwrap()).unwrap();
    let reexports = reexports(&lib);
    let declared = declared_modules(&lib);
    let modules: BTreeSet<String> = declared.iter().cloned().collect();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut scanned = Vec::new();
    let mut test_modules: Vec<Vec<String>> = Vec::new();
    for path in &files {
        let relative = path.strip_prefix(&src).unwrap();
        if relative == Path::new("lib.rs") {
            continue;
        }
        let name = format!("src/{}", relative.display());
        let module = module_path(relative);
        let text = std::fs::read_to_string(path).unwrap();
        let (edges, tests) = scan(&name, module.clone(), &text, &reexports, &modules);
        test_modules.extend(tests);
        scanned.push((module, edges));
    }
    let edges = scanned
        .into_iter()
        .filter(|(module, _)| !test_modules.iter().any(|t| module.starts_with(t)))
        .flat_map(|(_, edges)| edges)
        .collect();
    Crate {
        edges,
        declared,
        files: files.len(),
    }
}

#[test]
fn each_stage_imports_only_the_stages_before_it() {
    let krate = read_crate();
    // Not vacuous: the crate is read, and its stages do import each other.
    assert!(krate.files > 50, "only {} files under src/", krate.files);
    assert!(
        krate.edges.iter().filter(|e| e.from != e.to).count() > 100,
        "too few imports between modules found: {:?}",
        krate.edges
    );
    let bad = violations(LAYERS, &krate.edges);
    assert!(
        bad.is_empty(),
        "imports against the layer order:\n{}",
        bad.join("\n")
    );
    assert_eq!(cycle(&krate.edges), None);
    assert_eq!(LEAVES, &LAYERS[..LEAVES.len()]);
    let leaf_imports: Vec<&Edge> = krate
        .edges
        .iter()
        .filter(|e| LEAVES.contains(&e.from.as_str()) && e.from != e.to)
        .collect();
    assert!(
        leaf_imports.is_empty(),
        "leaves import the crate: {leaf_imports:#?}"
    );
}

#[test]
fn the_layer_table_names_every_module_of_lib_rs_once() {
    let krate = read_crate();
    let declared: BTreeSet<&str> = krate.declared.iter().map(|m| layer_name(m)).collect();
    let table: BTreeSet<&str> = LAYERS.iter().copied().collect();
    assert_eq!(table.len(), LAYERS.len(), "a module is in LAYERS twice");
    assert_eq!(declared, table, "lib.rs declares the modules of LAYERS");
}

fn edge(file: &str, import: &str, from: &str, to: &str) -> Edge {
    Edge {
        file: file.into(),
        import: import.into(),
        from: from.into(),
        to: to.into(),
    }
}

#[test]
fn a_made_up_back_edge_is_named_with_its_file_and_import() {
    let down = edge("src/check/mod.rs", "crate::syntax::ast", "check", "syntax");
    assert_eq!(
        violations(LAYERS, std::slice::from_ref(&down)),
        Vec::<String>::new()
    );
    let up = edge(
        "src/syntax/mod.rs",
        "crate::check::Checked",
        "syntax",
        "check",
    );
    let bad = violations(LAYERS, &[down, up]);
    assert_eq!(
        bad,
        [
            "src/syntax/mod.rs imports `crate::check::Checked`: `syntax` (layer 10) may import \
          only the layers before it, and `check` is layer 12"
        ]
    );
    let unknown = edge("src/nowhere.rs", "crate::span::Span", "nowhere", "span");
    assert_eq!(
        violations(LAYERS, &[unknown]),
        ["src/nowhere.rs: module `nowhere` is not in LAYERS"]
    );
}

#[test]
fn a_made_up_cycle_is_found() {
    let edges = [
        edge("src/a.rs", "crate::b::X", "a", "b"),
        edge("src/b.rs", "crate::c::Y", "b", "c"),
        edge("src/c.rs", "crate::a::Z", "c", "a"),
        edge("src/c.rs", "crate::d::W", "c", "d"),
    ];
    assert_eq!(
        cycle(&edges),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    assert_eq!(cycle(&edges[..2]), None);
    // In layers a, b, c, d, the one edge that goes up is the cycle's.
    let bad = violations(&["d", "c", "b", "a"], &edges);
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(
        bad[0].starts_with("src/c.rs imports `crate::a::Z`"),
        "{bad:?}"
    );
}

#[test]
fn a_made_up_source_that_reaches_up_is_caught_by_the_whole_scan() {
    let reexports = BTreeMap::from([("RuleSet".to_string(), "ruleset".to_string())]);
    let modules: BTreeSet<String> = LAYERS.iter().map(|m| m.to_string()).collect();
    let source = r#"
        use crate::span::Span;
        use super::ast::{self, Expr};
        pub(crate) fn f() -> usize {
            let _ = crate::RuleSet::bundled();
            format!("{}", crate::compile::X).len()
        }
        #[cfg(test)]
        mod tests {
            use crate::eval::outcome::Outcome;
        }
    "#;
    let module = vec!["syntax".to_string(), "lower".to_string()];
    let (edges, _) = scan("src/syntax/lower.rs", module, source, &reexports, &modules);
    let bad = violations(LAYERS, &edges);
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert!(
        bad[0].starts_with("src/syntax/lower.rs imports `crate::RuleSet::bundled`"),
        "{bad:?}"
    );
    assert!(
        bad[1].starts_with("src/syntax/lower.rs imports `crate::compile::X`"),
        "{bad:?}"
    );
    // `super::ast` stays in `syntax`, and the test module is exempt.
    let targets: BTreeSet<&str> = edges.iter().map(|e| e.to.as_str()).collect();
    assert_eq!(
        targets,
        BTreeSet::from(["compile", "ruleset", "span", "syntax"])
    );
}

#[test]
fn test_only_files_are_found_from_their_declaration() {
    let (_, tests) = scan(
        "src/eval/mod.rs",
        vec!["eval".into()],
        "pub(crate) mod machine;\n#[cfg(test)]\nmod proptests;\n",
        &BTreeMap::new(),
        &BTreeSet::new(),
    );
    assert_eq!(tests, [vec!["eval".to_string(), "proptests".to_string()]]);
}
