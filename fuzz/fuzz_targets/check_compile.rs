//! The whole front end on arbitrary text: parse, check, compile, render every
//! diagnostic in both styles, and evaluate an empty and a small document with
//! whatever compiles.
#![no_main]

use dd_rules::{RuleSet, Style};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let diagnostics = dd_rules::check_source(source, "fuzz.rules");
    // Rendering turns byte spans into lines and columns: any span must render.
    let _ = diagnostics.render(Style::Plain);
    let _ = diagnostics.to_json();
    if let Ok(rules) = RuleSet::compile(source, "fuzz.rules") {
        let _ = rules.warnings().render(Style::Plain);
        let _ = rules.json_schema();
        for doc in ["{}", r#"{"id": "x"}"#] {
            if let Ok(report) = rules.evaluate_json(doc) {
                let _ = report.to_json();
            }
        }
    }
});
