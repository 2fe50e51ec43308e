//! Three-valued (Kleene) logic: true, false, and unknown for absent facts.

/// A truth value that may be unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Tri {
    False,
    True,
    Unknown,
}

impl Tri {
    /// `true` or `false` as a `Tri`.
    pub fn from_bool(b: bool) -> Tri {
        if b { Tri::True } else { Tri::False }
    }

    /// Kleene negation: unknown stays unknown.
    pub fn not(self) -> Tri {
        match self {
            Tri::False => Tri::True,
            Tri::True => Tri::False,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

/// The number of list elements satisfying a condition, as far as is known:
/// at least `lo`, at most `hi`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Range {
    pub lo: i64,
    pub hi: i64,
}

impl Range {
    /// An exactly known number.
    pub fn exact(n: i64) -> Range {
        Range { lo: n, hi: n }
    }

    /// Compares two ranges: decided when every pair of values in them agrees.
    pub fn compare(self, op: crate::syntax::ast::CmpOp, other: Range) -> Tri {
        use crate::syntax::ast::CmpOp::*;
        let (a, b) = (self, other);
        match op {
            Lt => decide(a.hi < b.lo, a.lo >= b.hi),
            Le => decide(a.hi <= b.lo, a.lo > b.hi),
            Gt => decide(a.lo > b.hi, a.hi <= b.lo),
            Ge => decide(a.lo >= b.hi, a.hi < b.lo),
            Eq => decide(
                a.lo == a.hi && b.lo == b.hi && a.lo == b.lo,
                a.hi < b.lo || b.hi < a.lo,
            ),
            Ne => a.compare(Eq, b).not(),
        }
    }
}

fn decide(surely_true: bool, surely_false: bool) -> Tri {
    if surely_true {
        Tri::True
    } else if surely_false {
        Tri::False
    } else {
        Tri::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::CmpOp;

    #[test]
    fn negation_keeps_unknown() {
        assert_eq!(Tri::Unknown.not(), Tri::Unknown);
        assert_eq!(Tri::True.not(), Tri::False);
    }

    #[test]
    fn ranges_decide_when_they_can() {
        let r = Range { lo: 2, hi: 5 };
        assert_eq!(r.compare(CmpOp::Ge, Range::exact(2)), Tri::True);
        assert_eq!(r.compare(CmpOp::Ge, Range::exact(3)), Tri::Unknown);
        assert_eq!(r.compare(CmpOp::Gt, Range::exact(5)), Tri::False);
        assert_eq!(r.compare(CmpOp::Eq, Range::exact(7)), Tri::False);
        assert_eq!(
            Range::exact(3).compare(CmpOp::Eq, Range::exact(3)),
            Tri::True
        );
        assert_eq!(r.compare(CmpOp::Ne, Range::exact(9)), Tri::True);
    }
}
