//! The absent facts that keep an unknown result undecided, as printed paths
//! (`parties[2].sanctioned`): what the report lists under `missing` and ranks
//! as `missing_facts`.
//!
//! The walk follows the compiled program like [`Machine::eval`], but goes
//! only into the parts that evaluate to unknown. Paths are written straight
//! into the report's text buffer, and the prefixes of list elements into
//! buffers reused from one flag to the next, so a report costs no allocation
//! per path.

use std::fmt::Write as _;
use std::ops::Range;

use super::machine::{FRAMES, Machine};
use super::tri::Tri;
use crate::compile::{At, List, Mask, Node, NodeId, Operand};
use crate::facts::Value;

/// Where the paths go: appended to `text`, each one's range pushed to `spans`.
pub(crate) struct PathSink<'r> {
    pub text: &'r mut String,
    pub spans: &'r mut Vec<Range<usize>>,
}

impl PathSink<'_> {
    fn emit(&mut self, prefix: &str, name: &str) {
        let start = self.text.len();
        if !prefix.is_empty() {
            self.text.push_str(prefix);
            self.text.push('.');
        }
        self.text.push_str(name);
        self.spans.push(start..self.text.len());
    }
}

/// The printed path of the list element bound at each frame level, and the
/// record it is an instance of. Frame 0 is the root: an empty prefix.
///
/// A predicate numbers its quantifier levels from the root again, so the
/// levels of the condition that uses it must survive its walk: each
/// predicate met works [`FRAMES`] entries further on (`base`). The buffers
/// are kept from one flag to the next, so the element paths of a whole
/// report cost a few allocations at most.
pub(crate) struct Scope {
    levels: Vec<(String, u32)>,
    base: usize,
    root: u32,
}

impl Scope {
    /// A scope at the root, whose record is `root`.
    pub fn new(root: u32) -> Scope {
        Scope {
            // The root's entry is made when a list element first needs one,
            // so that a report whose unknowns are all root facts allocates nothing here.
            levels: Vec::new(),
            base: 0,
            root,
        }
    }

    /// Where frame `frame` of the current condition is kept.
    fn index(&self, frame: usize) -> usize {
        if frame == 0 { 0 } else { self.base + frame }
    }
}

impl<'a> Machine<'a, '_> {
    /// Writes the absent facts that keep node `id` undecided to `out`, in the
    /// order met (the caller sorts them). Call only for a node that
    /// evaluates to unknown; `scope` must be at the root.
    pub fn missing(&mut self, id: NodeId, scope: &mut Scope, out: &mut PathSink<'_>) {
        self.missing_in(id, scope, out);
    }

    fn name<'s>(&self, at: At, scope: &'s Scope) -> (&'s str, &'a str) {
        let (prefix, record) = scope
            .levels
            .get(scope.index(at.frame as usize))
            .map_or(("", scope.root), |(p, r)| (p.as_str(), *r));
        let name = self
            .prog
            .slot_paths
            .get(record as usize)
            .and_then(|p| p.get(at.slot as usize))
            .map_or("?", String::as_str);
        (prefix, name)
    }

    fn absent(&self, at: At, scope: &Scope, out: &mut PathSink<'_>) {
        if matches!(self.value(at), Value::Absent) {
            let (prefix, name) = self.name(at, scope);
            out.emit(prefix, name);
        }
    }

    fn missing_in(&mut self, id: NodeId, scope: &mut Scope, out: &mut PathSink<'_>) {
        let Some(node) = self.node(id) else { return };
        match node {
            Node::Const(_) | Node::Known(_) => {}
            Node::Bool(at) | Node::CmpInt(at, ..) | Node::CmpDec(at, ..) | Node::EnumIn(at, _) => {
                self.absent(*at, scope, out);
            }
            Node::Not(i) => self.missing_in(*i, scope, out),
            Node::And(items) | Node::Or(items) => {
                for &i in items.iter() {
                    if self.eval(i) == Tri::Unknown {
                        self.missing_in(i, scope, out);
                    }
                }
            }
            Node::Cmp(_, a, b) => {
                self.operand_missing(a, scope, out);
                self.operand_missing(b, scope, out);
            }
            Node::InMask(v, mask) => {
                self.operand_missing(v, scope, out);
                self.mask_missing(mask, scope, out);
            }
            Node::InValues(v, _) => self.operand_missing(v, scope, out),
            Node::SetTest(_, at, mask) => {
                self.absent(*at, scope, out);
                self.mask_missing(mask, scope, out);
            }
            Node::Quant(_, list, body) => self.each_missing(*list, Some(*body), scope, out),
            Node::CountCmp(list, body, ..) => self.each_missing(*list, *body, scope, out),
            Node::Pred(p) => {
                if let Some(&node) = self.prog.predicate_nodes.get(*p as usize) {
                    // A predicate reads root facts only, and numbers its own
                    // quantifier levels from the root: it gets levels of its
                    // own, and the caller's bound elements are put back after,
                    // for the conditions that follow it in an `and` or `or`.
                    let frames = self.frames;
                    scope.base += FRAMES;
                    self.missing_in(node, scope, out);
                    scope.base -= FRAMES;
                    self.frames = frames;
                }
            }
        }
    }

    fn mask_missing(&mut self, mask: &'a Mask, scope: &mut Scope, out: &mut PathSink<'_>) {
        match mask {
            Mask::Const(_) => {}
            Mask::Fact(at) => self.absent(*at, scope, out),
            Mask::Value(v) => self.operand_missing(v, scope, out),
        }
    }

    fn operand_missing(&mut self, v: &'a Operand, scope: &mut Scope, out: &mut PathSink<'_>) {
        match v {
            Operand::Lit(_) => {}
            Operand::Fact(at) => self.absent(*at, scope, out),
            Operand::Count { list, body } => self.each_missing(*list, *body, scope, out),
        }
    }

    /// The list's absence, or the facts missing in each element whose condition is unknown.
    fn each_missing(
        &mut self,
        list: List,
        body: Option<NodeId>,
        scope: &mut Scope,
        out: &mut PathSink<'_>,
    ) {
        let Value::List(elements) = self.value(list.at) else {
            self.absent(list.at, scope, out);
            return;
        };
        let Some(body) = body else { return };
        let (name_prefix, name) = self.name(list.at, scope);
        let list_prefix_len = name_prefix.len();
        for (i, element) in elements.iter().enumerate() {
            self.bind(list, element);
            if self.eval(body) != Tri::Unknown {
                continue;
            }
            // The element's path, `<the list's path>[i]`, in the level it binds;
            // the list itself is read at an outer level.
            let target = scope.index(list.level as usize);
            let source = scope.index(list.at.frame as usize);
            if scope.levels.len() <= target {
                let root = scope.root;
                scope
                    .levels
                    .resize_with(target + 1, || (String::new(), root));
            }
            let (outer, inner) = scope.levels.split_at_mut(target);
            let (Some(level), Some(list_frame)) = (inner.first_mut(), outer.get(source)) else {
                continue;
            };
            level.0.clear();
            // Room for most element paths at once, rather than growing by steps.
            level.0.reserve(64);
            let prefix = list_frame.0.get(..list_prefix_len).unwrap_or_default();
            if !prefix.is_empty() {
                level.0.push_str(prefix);
                level.0.push('.');
            }
            // INVARIANT: writing to a String cannot fail.
            let _ = write!(level.0, "{name}[{i}]");
            level.1 = list.record;
            self.missing_in(body, scope, out);
        }
    }
}
