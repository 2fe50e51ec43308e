//! `dd-rules doc`: the generated documentation of the bundled rulesets is
//! committed and current, it lists every fact the conditions read with the
//! flags that read it, its HTML is self-contained and escaped, and a facts
//! document written from it alone decides what it meant to.

mod common;

use common::{Run, TempDir, arg, dd, workspace};
use dd_rules::RuleSet;

/// The committed documents and the rulesets they are generated from.
const DOCS: &[(&str, &str)] = &[
    (
        "rulesets/us-state-2020.rules",
        "docs/rulesets/us-state-2020.md",
    ),
    (
        "rulesets/eu-2021-821-art5.rules",
        "docs/rulesets/eu-2021-821-art5.md",
    ),
];

#[track_caller]
fn doc(args: &[&str]) -> Run {
    let out = dd(args);
    out.code(0);
    out
}

fn compile(rel: &str) -> RuleSet {
    let source = std::fs::read_to_string(workspace().join(rel)).unwrap();
    RuleSet::compile(&source, rel).unwrap()
}

#[test]
fn committed_ruleset_docs_are_current() {
    let mut stale = Vec::new();
    for (rules, doc_path) in DOCS {
        let want = doc(&["doc", "--rules", rules]).stdout.clone();
        let have = std::fs::read_to_string(workspace().join(doc_path)).unwrap_or_default();
        if have != want {
            stale.push(format!(
                "{doc_path} is not what `dd-rules doc` generates from {rules}; regenerate it with\n    \
                 cargo run -p dd-rules-cli -- doc --rules {rules} -o {doc_path}"
            ));
        }
    }
    assert!(stale.is_empty(), "{}", stale.join("\n"));
}

/// The text of a document from the anchor `id` to the next anchor.
fn section<'d>(doc: &'d str, id: &str) -> &'d str {
    let start = doc
        .find(&format!("<a id=\"{id}\"></a>"))
        .unwrap_or_else(|| panic!("no section `{id}`"));
    let rest = &doc[start + 1..];
    let end = rest.find("<a id=").map_or(rest.len(), |e| e);
    &rest[..end]
}

#[test]
fn every_fact_a_condition_reads_is_listed_with_its_readers() {
    for (rules_path, _) in DOCS {
        let rules = compile(rules_path);
        let md = doc(&["doc", "--rules", rules_path]).stdout.clone();
        let mut read = 0;
        for fact in rules.facts() {
            let anchor = format!("fact-{}", fact.path.replace("[]", ""));
            let text = section(&md, &anchor);
            assert!(text.contains(&format!("`{}`", fact.path)), "{text}");
            if let Some(question) = fact.docs {
                let first = question
                    .split_whitespace()
                    .take(3)
                    .collect::<Vec<_>>()
                    .join(" ");
                assert!(
                    text.contains(&first),
                    "{}: no question in {text}",
                    fact.path
                );
            }
            for id in &fact.read_by_flags {
                read += 1;
                assert!(
                    text.contains(&format!("[`{id}`](#flag-{id})")),
                    "{rules_path}: `{}` does not name the flag {id} that reads it:\n{text}",
                    fact.path
                );
                // And the flag's section links back to the fact.
                let flag = section(&md, &format!("flag-{id}"));
                assert!(
                    flag.contains(&format!("(#{anchor})")),
                    "{rules_path}: {id} does not link to `{}`",
                    fact.path
                );
            }
            for id in &fact.read_by_safeguards {
                assert!(
                    text.contains(&format!("[`{id}`](#safeguard-{id})")),
                    "{text}"
                );
            }
            if fact.read_by_scope {
                assert!(text.contains("[the scope](#scope)"), "{text}");
            }
        }
        assert!(read > 30, "{rules_path}: only {read} reads");
        // Every condition is quoted.
        for f in rules.flags() {
            let text = section(&md, &format!("flag-{}", f.id));
            assert!(
                text.contains(&format!("```\n{}\n```", f.condition)),
                "{text}"
            );
        }
    }
}

#[test]
fn html_is_one_escaped_file_with_contents() {
    let html = doc(&["doc", "--format", "html"]).stdout.clone();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    for banned in [
        "<script", "<link", "<img", "src=", "http://", "https://", "@import",
    ] {
        assert!(!html.contains(banned), "the HTML holds `{banned}`");
    }
    assert!(html.contains("<nav class=\"toc\">"));
    assert!(html.contains("<h4 id=\"flag-S2.sanctioned\">"));
    assert!(
        html.contains("<a href=\"#fact-end_user.sanctioned\"><code>end_user.sanctioned</code></a>")
    );
    // Every link has its target.
    for link in html.split("href=\"#").skip(1) {
        let target = &link[..link.find('"').unwrap()];
        assert!(
            html.contains(&format!("id=\"{target}\"")),
            "no target for #{target}"
        );
    }
    assert_eq!(html.matches("<ul>").count(), html.matches("</ul>").count());
    assert_eq!(html.matches("<li>").count(), html.matches("</li>").count());
}

#[test]
fn text_from_the_ruleset_is_escaped() {
    let dir = TempDir::new("doc-escape");
    let rules = dir.write(
        "x.rules",
        r#"/// Docs with <b>markup</b> & *stars* | pipes.
ruleset "x" { version: "1" title: "A <script>alert('x')</script> | title" source: "S & T" }
/// Is it *so*? <i>Yes</i>
record R { ok: bool }
facts { r: R }
flag S1.x { step: 1 severity: low title: "T <em>" when: r.ok }
outcomes { proceed }
disposition { otherwise => proceed }
"#,
    );
    let html = doc(&["doc", "--format", "html", "--rules", &arg(&rules)])
        .stdout
        .clone();
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(html.contains("A &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; | title"));
    assert!(html.contains("Docs with &lt;b&gt;markup&lt;/b&gt; &amp; *stars*"));
    assert!(!html.contains("<em>"));
    let md = doc(&["doc", "--rules", &arg(&rules)]).stdout.clone();
    assert!(
        md.contains(r"# A \<script\>alert('x')\</script\> \| title"),
        "{md}"
    );
    assert!(md.contains(r"Is it \*so\*? \<i\>Yes\</i\>"), "{md}");
    assert!(md.contains(r"Source:** S \& T"), "{md}");
}

#[test]
fn output_goes_to_a_file_with_o() {
    let dir = TempDir::new("doc-output");
    let out = dir.join("doc.md");
    let run = dd(["doc", "-o", &arg(&out)]);
    run.code(0).stdout_empty();
    let stdout = doc(&["doc"]).stdout.clone();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), stdout);
    // Written again over itself, the same.
    dd(["doc", "-o", &arg(&out)]).code(0);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), stdout);
    let missing = dir.join("no/such/dir/doc.md");
    dd(["doc", "-o", &arg(&missing)])
        .code(1)
        .stderr_has("cannot write");
}

/// A new user's transaction, written from the generated document alone: its
/// minimal example, then facts found by their paths in the fact reference
/// and values found in their `Values:` lines. The flags meant are decided.
#[test]
fn a_facts_document_written_from_the_doc_alone_decides_its_flags() {
    let md = std::fs::read_to_string(workspace().join("docs/rulesets/us-state-2020.md")).unwrap();
    let example = md.split("A minimal document").nth(1).unwrap();
    let example = example.split("```").nth(1).unwrap();
    let mut facts: serde_json::Value = serde_json::from_str(example).unwrap();
    // What the document says each path holds.
    let says = |path: &str, what: &str| {
        let text = section(&md, &format!("fact-{}", path.replace("[]", "")));
        assert!(text.contains(what), "the doc says of `{path}`:\n{text}");
    };
    says("end_user.kind", "`intelligence`");
    says("end_user.sanctioned", "true");
    says("country.civic_space", "`closed`");
    says("product.capabilities", "`spyware`");
    says("parties[].listed", "`true` or `false`");
    says("chain.complete", "`true` or `false`");
    facts["end_user"]["kind"] = "intelligence".into();
    facts["end_user"]["sanctioned"] = false.into();
    facts["country"] = serde_json::json!({"civic_space": "closed"});
    facts["product"] = serde_json::json!({"capabilities": ["spyware"]});
    facts["chain"] = serde_json::json!({"complete": true});
    let dir = TempDir::new("doc-new-user");
    let path = dir.write("t.json", facts.to_string());
    let report = dd(["eval", "--format", "json", &arg(&path)]);
    let report = report.json();
    assert_eq!(report["scope"]["status"], "in");
    let status = |id: &str| {
        report["flags"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .map(|f| f["status"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(status("S2.sanctioned"), "clear");
    assert_eq!(status("S4.listed_party"), "clear");
    assert_eq!(status("S1.named_capability"), "raised");
    assert_eq!(status("S2.security_sector_end_user"), "raised");
}

#[test]
fn every_named_condition_is_defined_and_linked_from_the_conditions_that_use_it() {
    for (rules_path, _) in DOCS {
        let rules = compile(rules_path);
        let text = doc(&["doc", "--rules", rules_path]).stdout.clone();
        for p in rules.predicates() {
            let anchor = format!("<a id=\"pred-{}\"></a>", p.name);
            assert!(
                text.contains(&anchor) && text.contains(&format!("### `{}`", p.name)),
                "{rules_path}: `{}` is not defined in the doc",
                p.name
            );
            // Every flag whose condition names it links to its definition.
            for f in rules.flags().filter(|f| {
                f.condition
                    .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                    .any(|w| w == p.name)
            }) {
                let body = section(&text, &format!("flag-{}", f.id));
                assert!(
                    body.contains(&format!("[`{}`](#pred-{})", p.name, p.name)),
                    "{rules_path}: {} uses `{}` without a link to it",
                    f.id,
                    p.name
                );
            }
        }
    }
}
