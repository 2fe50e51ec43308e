//! The names of the public enums: `Display` writes the name reports, rules
//! and messages use, and `FromStr` reads it back ([`ParseNameError`]
//! otherwise). One table per enum, so the two cannot disagree.

use std::fmt;
use std::str::FromStr;

use crate::budget::ConditionKind;
use crate::diag::{DiagnosticLevel, Style};
use crate::explain::Truth;
use crate::model::{SafeguardStatus, ScopeStatus, Severity, Status};

/// A name that is not one of an enum's values, from `str::parse`.
///
/// ```
/// use dd_rules::{Severity, Status};
///
/// assert_eq!("high".parse::<Severity>()?, Severity::High);
/// let error = "hihg".parse::<Severity>().unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "`hihg` is not a severity; expected one of `low`, `medium`, `high`, `critical`"
/// );
/// assert_eq!(Status::Raised.to_string().parse::<Status>()?, Status::Raised);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{}` is not a {what}; expected one of {}", crate::printable::printable_prefix(name, 100), expected.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "))]
pub struct ParseNameError {
    what: &'static str,
    name: String,
    expected: &'static [&'static str],
}

impl ParseNameError {
    /// What was to be read: `severity`, `status`, ….
    pub fn what(&self) -> &'static str {
        self.what
    }

    /// The text that was given.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The names that would have been read.
    pub fn expected(&self) -> &'static [&'static str] {
        self.expected
    }
}

/// Implements `FromStr` (and `Display` where the enum has none yet) from
/// one table of values and names.
macro_rules! names {
    ($ty:ident, $what:literal, display: $display:tt, [$($variant:ident => $name:literal),+ $(,)?]) => {
        impl $ty {
            /// Every name of this enum, in declaration order: what serde
            /// writes too (the report's JSON Schema lists them).
            pub(crate) const NAMES: &'static [&'static str] = &[$($name),+];
        }

        impl FromStr for $ty {
            type Err = ParseNameError;

            /// Reads the name that `Display` writes.
            fn from_str(s: &str) -> Result<$ty, ParseNameError> {
                match s {
                    $($name => Ok($ty::$variant),)+
                    _ => Err(ParseNameError {
                        what: $what,
                        name: s.to_string(),
                        expected: $ty::NAMES,
                    }),
                }
            }
        }

        names!(@display $display $ty [$($variant => $name),+]);
    };
    (@display true $ty:ident [$($variant:ident => $name:literal),+]) => {
        impl fmt::Display for $ty {
            /// The name, as reports and rules write it.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(match self {
                    $($ty::$variant => $name,)+
                })
            }
        }
    };
    (@display false $ty:ident [$($variant:ident => $name:literal),+]) => {};
}

names!(Severity, "severity", display: false, [
    Low => "low", Medium => "medium", High => "high", Critical => "critical",
]);
names!(Status, "status", display: false, [
    Raised => "raised", Clear => "clear", Unknown => "unknown",
]);
names!(SafeguardStatus, "safeguard status", display: true, [
    InPlace => "in_place", Missing => "missing", Unknown => "unknown",
]);
names!(Truth, "truth value", display: true, [
    True => "true", False => "false", Unknown => "unknown",
]);
names!(DiagnosticLevel, "diagnostic level", display: true, [
    Warning => "warning", Error => "error",
]);
names!(Style, "style", display: true, [Color => "color", Plain => "plain"]);
names!(ConditionKind, "condition kind", display: false, [
    Flag => "flag", Safeguard => "safeguard", Predicate => "predicate", Scope => "scope",
]);
names!(ScopeStatus, "scope status", display: false, [
    In => "in", Out => "out", Unknown => "unknown",
]);
