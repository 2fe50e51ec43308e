//! Typed input (issue 12): facts of the bundled ruleset from a
//! `Transaction`, a `serde_json::Value` and the builder, against the JSON
//! text path and the JSON round trip that `facts_from_transaction` used to
//! take (write the transaction as JSON text, then load the text):
//!
//! - `typed/json_text`: `facts_from_json` on the transaction's JSON text;
//! - `typed/json_round_trip`: `serde_json::to_string` then `facts_from_json`;
//! - `typed/transaction`: `facts_from_transaction` (the typed serializer);
//! - `typed/value`: `facts_from_serialize` on the transaction as a `serde_json::Value`;
//! - `typed/builder`: `facts_builder`, one `set` per leaf fact (values given
//!   as `serde_json::Value`s, list elements field by field), then `build`.
//!
//! The transactions are the generated ones of `benches/common` (1,000,
//! cycled, one per iteration). See BENCHMARKS.md.

#[path = "common/mod.rs"]
mod common;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use dd_rules::{RuleSet, Transaction};
use serde_json::Value;

const POOL: usize = 1_000;

/// A transaction as the builder is given it: the id, and every leaf fact's path and value.
type Leaves = (Option<String>, Vec<(String, Value)>);

/// Runs `f` on the next item of `items` at each iteration.
fn cycle<T, R>(items: &[T], mut f: impl FnMut(&T) -> R) -> impl FnMut() -> R {
    let mut i = 0;
    move || {
        i = if i + 1 == items.len() { 0 } else { i + 1 };
        f(&items[i])
    }
}

/// The leaf facts of a document as (path, value): records field by field,
/// lists of records element by element, sets and provenance whole.
fn leaves(path: &str, value: &Value, out: &mut Vec<(String, Value)>) {
    let join = |name: &str| {
        if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    match value {
        Value::Object(map) if !map.contains_key("value") => {
            for (k, v) in map {
                leaves(&join(k), v, out);
            }
        }
        Value::Array(items) if items.first().is_some_and(Value::is_object) => {
            for (i, item) in items.iter().enumerate() {
                leaves(&format!("{path}[{i}]"), item, out);
            }
        }
        other => out.push((path.to_string(), other.clone())),
    }
}

fn typed(c: &mut Criterion) {
    let rules = RuleSet::bundled().unwrap();
    let mut rng = common::rng::Rng::new(1);
    let txs: Vec<Transaction> = (0..POOL)
        .map(|i| common::bundled::generate(&mut rng, i))
        .collect();
    let texts: Vec<String> = txs
        .iter()
        .map(|t| serde_json::to_string(t).unwrap())
        .collect();
    let values: Vec<Value> = txs
        .iter()
        .map(|t| serde_json::to_value(t).unwrap())
        .collect();
    let sets: Vec<Leaves> = values
        .iter()
        .map(|v| {
            let mut out = Vec::new();
            leaves("", v, &mut out);
            let id = out
                .iter()
                .position(|(p, _)| p == "id")
                .map(|i| out.remove(i).1.as_str().unwrap().to_string());
            (id, out)
        })
        .collect();
    // Every path loads the same facts.
    for (((tx, text), value), (id, leaves)) in txs.iter().zip(&texts).zip(&values).zip(&sets) {
        let expected = rules.facts_from_json(text).unwrap();
        assert_eq!(rules.facts_from_transaction(tx).unwrap(), expected);
        assert_eq!(rules.facts_from_serialize(value).unwrap(), expected);
        let mut b = rules.facts_builder();
        if let Some(id) = id {
            b = b.id(id.as_str());
        }
        for (path, v) in leaves {
            b = b.set(path, v);
        }
        assert_eq!(b.build().unwrap(), expected);
    }

    let mut g = c.benchmark_group("typed");
    g.bench_function("json_text", |b| {
        b.iter(cycle(&texts, |t| {
            rules.facts_from_json(black_box(t)).unwrap()
        }))
    });
    g.bench_function("json_round_trip", |b| {
        b.iter(cycle(&txs, |t| {
            let text = serde_json::to_string(black_box(t)).unwrap();
            rules.facts_from_json(&text).unwrap()
        }))
    });
    g.bench_function("transaction", |b| {
        b.iter(cycle(&txs, |t| {
            rules.facts_from_transaction(black_box(t)).unwrap()
        }))
    });
    g.bench_function("value", |b| {
        b.iter(cycle(&values, |v| {
            rules.facts_from_serialize(black_box(v)).unwrap()
        }))
    });
    g.bench_function("builder", |b| {
        b.iter(cycle(&sets, |(id, leaves)| {
            let mut b = rules.facts_builder();
            if let Some(id) = id {
                b = b.id(id.as_str());
            }
            for (path, v) in black_box(leaves) {
                b = b.set(path, v);
            }
            b.build().unwrap()
        }))
    });
    g.finish();
}

criterion_group!(benches, typed);
criterion_main!(benches);
