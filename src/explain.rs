//! Explanations: which part of a flag's condition fired, and why.
//!
//! An explanation is the condition tree of a flag as written, each
//! sub-condition with its truth value, the facts it read and, when unknown,
//! the facts that are missing. It is computed by the reference interpreter on
//! the re-checked source of the flag: slow, and only on demand.

use serde::Serialize;

use crate::budget::ConditionKind;
use crate::check::Checked;
use crate::check::expr::ExprChecker;
use crate::check::ir::{Base, Cond, FactRef, Read};
use crate::eval::interp::{Binding, Interpreter};
use crate::facts::render::QuotedValue;
use crate::facts::schema::Type;
use crate::facts::{Facts, Value};
use crate::syntax::ast::{self, Decl, ExprKind, PropValue};
use crate::tri::Tri;

/// The truth value of a sub-condition.
///
/// `#[non_exhaustive]`, as [`Status`](crate::Status) is: a `match` on it
/// needs a `_` arm.
///
/// ```
/// use dd_rules::{RuleSet, Truth};
///
/// let rules = RuleSet::bundled()?;
/// let facts = rules.facts_from_json(r#"{"end_user": {"sanctioned": true}}"#)?;
/// let why = rules.explain(&facts, "S2.sanctioned")?.unwrap();
/// assert_eq!(why.value, Truth::True);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Truth {
    /// It holds.
    True,
    /// It does not hold.
    False,
    /// Missing facts leave it undecided.
    Unknown,
}

/// A fact read by a sub-condition, and its value.
///
/// Only the library builds one (in an [`Explanation`]); `#[non_exhaustive]`
/// so that it may say more of the fact later (its provenance, say).
///
/// ```
/// let rules = dd_rules::RuleSet::bundled()?;
/// let facts = rules.facts_from_json(r#"{"end_user": {"sanctioned": true}}"#)?;
/// let why = rules.explain(&facts, "S2.sanctioned")?.unwrap();
/// let read: Vec<_> = why.facts.iter().map(|f| (f.fact.as_str(), f.value.as_deref())).collect();
/// assert!(read.contains(&("end_user.sanctioned", Some("true"))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FactValue {
    /// The fact's path, with list indexes (`parties[1].listed`).
    pub fact: String,
    /// The value as JSON, or `None` when the fact is absent.
    pub value: Option<String>,
}

/// One node of an explanation tree, from [`RuleSet::explain`](crate::RuleSet::explain).
///
/// Only the library builds one; `#[non_exhaustive]` so that a node may
/// carry more later.
///
/// ```
/// use dd_rules::{RuleSet, Truth};
///
/// let rules = RuleSet::bundled()?;
/// let facts = rules.facts_from_json("{}")?;
/// let why = rules.explain(&facts, "S2.sanctioned")?.unwrap();
/// assert_eq!(why.value, Truth::Unknown);
/// assert!(why.missing.iter().any(|m| m == "end_user.sanctioned"));
/// assert!(rules.explain(&facts, "no.such_flag")?.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Explanation {
    /// The sub-condition as written (white space collapsed), or what it stands for.
    pub condition: String,
    /// Its truth value for this transaction.
    pub value: Truth,
    /// The facts it reads directly, with their values.
    pub facts: Vec<FactValue>,
    /// When unknown, the absent facts that keep it so.
    pub missing: Vec<String>,
    /// Its parts: the operands of `and`, `or` and `not`, one node per
    /// element of a quantified list.
    pub children: Vec<Explanation>,
    /// At the root only: the predicates the condition uses, directly or
    /// through other predicates, each explained once, in the order first
    /// met (`predicate NAME: body`). A predicate's node in a tree shows its
    /// value; its body is explained here, so that an explanation is never
    /// deeper than a condition can be, however predicates use each other.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub predicates: Vec<Explanation>,
    /// At the root only: whether the explanation reached its size limit
    /// (2,000 nodes expanded): later nodes keep their value and facts but
    /// not their parts, and later predicates are not listed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

fn truth(t: Tri) -> Truth {
    match t {
        Tri::True => Truth::True,
        Tri::False => Truth::False,
        Tri::Unknown => Truth::Unknown,
    }
}

/// Explains the condition of the flag or safeguard `id` (the scope's, for
/// `None`) with a budget of `budget` steps: `Ok(None)` if there is no such
/// flag, safeguard or scope, and `Err` with what was explained if the
/// budget ran out.
pub(crate) fn explain(
    checked: &Checked,
    source: &str,
    file: &ast::File,
    facts: &Facts,
    id: Option<&str>,
    budget: u64,
) -> Result<Option<Explanation>, ConditionKind> {
    let found = file.decls.iter().find_map(|d| {
        let (props, kind) = match (d, id) {
            (Decl::Flag(f), Some(id)) if f.id.dotted() == id => (&f.props, ConditionKind::Flag),
            (Decl::Safeguard(s), Some(id)) if s.id.dotted() == id => {
                (&s.props, ConditionKind::Safeguard)
            }
            (Decl::Scope(s), None) => (&s.props, ConditionKind::Scope),
            _ => return None,
        };
        props.iter().find_map(|p| match &p.value {
            PropValue::When(e) => Some((e, kind)),
            _ => None,
        })
    });
    let Some((when, kind)) = found else {
        return Ok(None);
    };
    let predicates: indexmap::IndexMap<String, (usize, crate::span::Span)> = checked
        .predicates
        .iter()
        .enumerate()
        .map(|(i, p)| (p.name.clone(), (i, p.span)))
        .collect();
    let bodies: Vec<Option<&ast::Expr>> = checked
        .predicates
        .iter()
        .map(|p| {
            file.decls.iter().find_map(|d| match d {
                Decl::Predicate(q) if q.name.name == p.name => Some(&q.body),
                _ => None,
            })
        })
        .collect();
    let interp = Interpreter::new(checked, facts, budget);
    let mut diags = Vec::new();
    let budget = std::cell::Cell::new(MAX_NODES);
    let mut met = vec![false; checked.predicates.len()];
    let mut queue = Vec::new();
    let mut ex = Explainer {
        budget: &budget,
        source,
        checked,
        interp: &interp,
        cx: ExprChecker::new(&checked.schema, &predicates, &mut diags),
        env: Vec::new(),
        met: &mut met,
        queue: &mut queue,
    };
    let mut explanation = ex.explain(when);
    // The predicates met, each once, then those they use, in a fresh scope
    // each (a predicate reads root facts only).
    let mut next = 0;
    // The explainer's scope is empty again after the root's tree.
    while let (Some(&p), Some(root)) = (ex.queue.get(next), explanation.as_mut()) {
        next += 1;
        if budget.get() == 0 || interp.over_budget() {
            break;
        }
        let Some(Some(body)) = bodies.get(p) else {
            continue;
        };
        if let Some(mut child) = ex.explain(body) {
            let name = checked.predicates.get(p).map_or("", |p| p.name.as_str());
            child.condition = format!("predicate {name}: {}", child.condition);
            root.predicates.push(child);
        }
    }
    if interp.over_budget() {
        return Err(kind);
    }
    if let Some(root) = explanation.as_mut() {
        root.truncated = budget.get() == 0;
    }
    Ok(explanation)
}

struct Explainer<'a, 'q> {
    source: &'a str,
    checked: &'a Checked,
    interp: &'a Interpreter<'a>,
    cx: ExprChecker<'a>,
    env: Vec<Binding<'a>>,
    /// The predicates met so far, by id, and in the order met: each is
    /// explained once, after the tree.
    met: &'q mut Vec<bool>,
    queue: &'q mut Vec<usize>,
    /// How many more nodes may be expanded, shared by the whole tree.
    budget: &'a std::cell::Cell<usize>,
}

/// Lists explained per quantified list, at most; the rest are summarised.
const MAX_ELEMENTS: usize = 50;
/// Nodes expanded in one explanation, at most: quantifiers nested over long
/// lists, or predicates used many times, would otherwise multiply its size.
/// Past it, nodes keep their value and facts but not their parts.
const MAX_NODES: usize = 2_000;
/// The longest condition text or fact value a node quotes, in bytes; past
/// it, the text is cut and ends with `…`. With [`MAX_NODES`], this bounds
/// the size of an explanation whatever the ruleset and the facts.
const MAX_QUOTE: usize = 512;

impl<'a> Explainer<'a, '_> {
    /// The source text of a span, white space collapsed, cut at [`MAX_QUOTE`].
    fn text(&self, span: crate::span::Span) -> String {
        let raw = self.source.get(span.start..span.end).unwrap_or("");
        let mut out = String::new();
        for word in raw.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
            if out.len() > MAX_QUOTE {
                break;
            }
        }
        cut(out)
    }

    fn explain(&mut self, e: &'a ast::Expr) -> Option<Explanation> {
        let cond = self.cx.cond(e)?;
        let traced = self.interp.cond(&cond, &mut self.env);
        let mut node = Explanation {
            condition: self.text(e.span),
            value: truth(traced.value),
            facts: Vec::new(),
            missing: traced.missing.into_iter().collect(),
            children: Vec::new(),
            predicates: Vec::new(),
            truncated: false,
        };
        if self.budget.get() == 0 {
            node.facts = self.facts_read(&cond);
            return Some(node);
        }
        self.budget.set(self.budget.get() - 1);
        match (&e.kind, &cond) {
            (ExprKind::Not(inner), _) => node.children.extend(self.explain(inner)),
            (ExprKind::And(items) | ExprKind::Or(items), _) => {
                for item in items {
                    node.children.extend(self.explain(item));
                }
            }
            (_, Cond::Pred(p)) => {
                if let Some(seen) = self.met.get_mut(*p)
                    && !*seen
                {
                    *seen = true;
                    self.queue.push(*p);
                }
            }
            (ExprKind::Quant(_, binder, list, body), Cond::Quant(_, list_ref, _, _)) => {
                self.elements(binder, list, list_ref, body, &mut node);
            }
            _ => node.facts = self.facts_read(&cond),
        }
        Some(node)
    }

    /// One child per element of a quantified list.
    fn elements(
        &mut self,
        binder: &ast::Ident,
        _list: &ast::Path,
        list_ref: &FactRef,
        body: &'a ast::Expr,
        node: &mut Explanation,
    ) {
        let (value, path) = self.interp.read(list_ref, &self.env);
        let Some(Value::List(frames)) = value else {
            node.facts.push(FactValue {
                fact: path,
                value: None,
            });
            return;
        };
        let Type::List(record) = list_ref.ty else {
            return;
        };
        for (i, frame) in frames.iter().enumerate().take(MAX_ELEMENTS) {
            let element = format!("{path}[{i}]");
            self.env.push(Binding {
                name: binder.name.clone(),
                frame,
                record,
                path: element.clone(),
            });
            self.cx.bind(&binder.name, record);
            let child = self.explain(body);
            self.cx.unbind();
            self.env.pop();
            if let Some(mut child) = child {
                child.condition = format!("{} = {element}: {}", binder.name, child.condition);
                node.children.push(child);
            }
        }
        if frames.len() > MAX_ELEMENTS {
            node.facts.push(FactValue {
                fact: path,
                value: Some(format!(
                    "\"{} more elements not shown\"",
                    frames.len() - MAX_ELEMENTS
                )),
            });
        }
    }

    /// The facts a leaf condition reads, with their values.
    fn facts_read(&self, cond: &Cond) -> Vec<FactValue> {
        // Every fact the condition reads outside quantifier bodies, a
        // quantifier variable's fields included. (Default evidence, from the
        // same walk, keeps root facts only and looks through predicates; here
        // predicates are explained as children of their own.)
        let mut refs: Vec<&FactRef> = Vec::new();
        cond.visit_reads(|read| {
            if let Read::Fact(f) = read {
                refs.push(f);
            }
            std::ops::ControlFlow::Continue(())
        });
        let mut out: Vec<FactValue> = Vec::new();
        for f in refs {
            // Facts of variables bound inside this condition (a `count` body) have no single value.
            if let Base::Binder { name, .. } = &f.base
                && !self.env.iter().any(|b| &b.name == name)
            {
                continue;
            }
            let Some((frame, slot, path)) = self.interp.locate(f, &self.env) else {
                continue;
            };
            if out.iter().any(|o| o.fact == path) {
                continue;
            }
            let value = match (frame.value(slot), f.ty) {
                (Value::Absent, _) => None,
                (Value::List(items), _) => Some(format!("\"{} element(s)\"", items.len())),
                _ => Some(cut(QuotedValue::new(
                    &self.checked.schema,
                    f.ty,
                    frame,
                    slot,
                )
                .to_json_prefix(MAX_QUOTE + 1))),
            };
            out.push(FactValue { fact: path, value });
        }
        out
    }
}

/// `text` cut to at most [`MAX_QUOTE`] bytes (at a character boundary),
/// with `…` when something was cut.
fn cut(mut text: String) -> String {
    if text.len() > MAX_QUOTE {
        let end = (0..=MAX_QUOTE)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        text.truncate(end);
        text.push('…');
    }
    text
}
