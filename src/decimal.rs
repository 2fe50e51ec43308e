//! Exact decimal numbers for thresholds and scores: no floating point anywhere.

use std::cmp::Ordering;
use std::fmt;

/// The most digits after the decimal point.
pub const MAX_SCALE: u32 = 18;
/// The most significant digits in all.
pub const MAX_DIGITS: usize = 28;

/// An exact decimal number: `mantissa / 10^scale`, kept normalised (no
/// trailing zeros after the point), so that equal numbers are equal values.
///
/// ```
/// use dd_rules::Decimal;
///
/// let a = Decimal::parse("0.10")?;
/// assert_eq!(a, Decimal::parse("0.1")?);
/// assert!(a < Decimal::from_int(1));
/// assert_eq!(Decimal::parse("1e3")?.to_string(), "1000");
/// # Ok::<(), dd_rules::DecimalError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Decimal {
    mantissa: i128,
    scale: u32,
}

/// Why a text is not a decimal number. `#[non_exhaustive]`: a later version
/// may say more precisely why.
///
/// ```
/// use dd_rules::{Decimal, DecimalError};
///
/// assert_eq!(Decimal::parse("1.2.3"), Err(DecimalError::Syntax));
/// assert_eq!(Decimal::parse("0.0000000000000000001"), Err(DecimalError::TooManyDecimals));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecimalError {
    /// Not of the form `-?digits(.digits)?`.
    Syntax,
    /// More than [`Decimal::MAX_SCALE`] digits after the point.
    TooManyDecimals,
    /// More than [`Decimal::MAX_DIGITS`] significant digits.
    TooManyDigits,
}

impl fmt::Display for DecimalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecimalError::Syntax => write!(f, "not a decimal number"),
            DecimalError::TooManyDecimals => {
                write!(f, "more than {MAX_SCALE} digits after the decimal point")
            }
            DecimalError::TooManyDigits => write!(f, "more than {MAX_DIGITS} significant digits"),
        }
    }
}

impl Decimal {
    /// The most digits after the decimal point (18).
    pub const MAX_SCALE: u32 = MAX_SCALE;
    /// The most significant digits in all (28).
    pub const MAX_DIGITS: usize = MAX_DIGITS;

    /// The number `n`.
    pub fn from_int(n: i64) -> Decimal {
        Decimal {
            mantissa: i128::from(n),
            scale: 0,
        }
    }

    /// Parses `-?digits(.digits)?`; an exponent (`1e3`) is accepted as in JSON.
    pub fn parse(text: &str) -> Result<Decimal, DecimalError> {
        match Decimal::parse_short(text) {
            Some(d) => Ok(d),
            None => Decimal::parse_general(text),
        }
    }

    /// The common case of [`Decimal::parse`]: `-?digits(.digits)?` with at
    /// most 18 digits in all, read straight into the mantissa with no
    /// allocation; `None` for any other text, which
    /// [`Decimal::parse_general`] reads (and refuses, if it must).
    fn parse_short(text: &str) -> Option<Decimal> {
        let (negative, rest) = match text.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, text),
        };
        let (int_part, frac_part) = match rest.split_once('.') {
            Some((_, "")) => return None,
            Some(parts) => parts,
            None => (rest, ""),
        };
        if int_part.is_empty() || int_part.len() + frac_part.len() > 18 {
            return None;
        }
        // At most 18 digits: below 10^18, within an i64.
        let mut magnitude: i64 = 0;
        for b in int_part.bytes().chain(frac_part.bytes()) {
            if !b.is_ascii_digit() {
                return None;
            }
            magnitude = magnitude * 10 + i64::from(b - b'0');
        }
        // Trailing zeros after the point carry no value.
        let mut scale = u32::try_from(frac_part.len()).ok()?;
        while scale > 0 && magnitude % 10 == 0 {
            magnitude /= 10;
            scale -= 1;
        }
        let magnitude = i128::from(magnitude);
        Some(Decimal {
            mantissa: if negative { -magnitude } else { magnitude },
            scale,
        })
    }

    /// [`Decimal::parse`] in full: exponents, leading zeros, up to
    /// [`MAX_DIGITS`] significant digits, and the errors.
    fn parse_general(text: &str) -> Result<Decimal, DecimalError> {
        let (negative, rest) = match text.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, text),
        };
        let (number, exponent) = match rest.find(['e', 'E']) {
            Some(i) => {
                let exp_text = rest.get(i + 1..).ok_or(DecimalError::Syntax)?;
                let exp_text = exp_text.strip_prefix('+').unwrap_or(exp_text);
                // An exponent beyond 64 bits stands for one as large as any:
                // zero times it is still zero, and any other value is then
                // too large or too small, which the checks below say.
                let exp: i64 =
                    exp_text
                        .parse()
                        .or_else(|e: std::num::ParseIntError| match e.kind() {
                            std::num::IntErrorKind::PosOverflow => Ok(i64::MAX),
                            std::num::IntErrorKind::NegOverflow => Ok(i64::MIN),
                            _ => Err(DecimalError::Syntax),
                        })?;
                (rest.get(..i).ok_or(DecimalError::Syntax)?, exp)
            }
            None => (rest, 0),
        };
        let (int_part, frac_part) = match number.split_once('.') {
            Some((i, f)) => (i, f),
            None => (number, ""),
        };
        if int_part.is_empty()
            || !int_part.bytes().all(|b| b.is_ascii_digit())
            || !frac_part.bytes().all(|b| b.is_ascii_digit())
            || (number.contains('.') && frac_part.is_empty())
        {
            return Err(DecimalError::Syntax);
        }
        // Digits without leading zeros and the power of ten that scales them.
        let digits: String = int_part.chars().chain(frac_part.chars()).collect();
        let digits = digits.trim_start_matches('0');
        let digits = if digits.is_empty() { "0" } else { digits };
        let frac_len = i64::try_from(frac_part.len()).map_err(|_| DecimalError::TooManyDigits)?;
        let mut scale = frac_len.saturating_sub(exponent);
        let mut digits = digits.to_string();
        if scale < 0 {
            if digits != "0" {
                let zeros = usize::try_from(-scale).map_err(|_| DecimalError::TooManyDigits)?;
                if digits.len().saturating_add(zeros) > MAX_DIGITS {
                    return Err(DecimalError::TooManyDigits);
                }
                digits.push_str(&"0".repeat(zeros));
            }
            scale = 0;
        }
        // Trailing zeros after the point carry no value.
        while scale > 0 && digits.len() > 1 && digits.ends_with('0') {
            digits.pop();
            scale -= 1;
        }
        if digits == "0" {
            scale = 0;
        }
        if digits.len() > MAX_DIGITS {
            return Err(DecimalError::TooManyDigits);
        }
        let scale = u32::try_from(scale).map_err(|_| DecimalError::TooManyDecimals)?;
        if scale > MAX_SCALE {
            return Err(DecimalError::TooManyDecimals);
        }
        let magnitude: i128 = digits.parse().map_err(|_| DecimalError::TooManyDigits)?;
        let mantissa = if negative { -magnitude } else { magnitude };
        Ok(Decimal { mantissa, scale })
    }

    /// How many digits it has after the decimal point.
    pub(crate) fn scale(self) -> u32 {
        self.scale
    }

    /// The whole part, rounded toward zero; `None` beyond 64 bits.
    pub(crate) fn trunc(self) -> Option<i64> {
        i64::try_from(self.mantissa / 10i128.checked_pow(self.scale)?).ok()
    }

    /// This number plus (or minus) one unit of the `scale`-th decimal
    /// (`scale` at least this number's own): with `scale` past the scales of
    /// this number and of the next one up, a number strictly between them.
    /// `None` past [`MAX_SCALE`] or [`MAX_DIGITS`].
    pub(crate) fn nudge(self, scale: u32, up: bool) -> Option<Decimal> {
        self.step(scale, if up { 1 } else { -1 })
    }

    /// This number plus (or minus) one.
    pub(crate) fn plus_one(self, up: bool) -> Option<Decimal> {
        let one = 10i128.checked_pow(self.scale)?;
        self.step(self.scale, if up { one } else { -one })
    }

    /// This number plus `units` of the `scale`-th decimal.
    fn step(self, scale: u32, units: i128) -> Option<Decimal> {
        if scale < self.scale || scale > MAX_SCALE {
            return None;
        }
        let shifted = self
            .mantissa
            .checked_mul(10i128.checked_pow(scale - self.scale)?)?;
        let mantissa = shifted.checked_add(units)?;
        let digits = mantissa
            .unsigned_abs()
            .checked_ilog10()
            .map_or(1, |d| d as usize + 1);
        (digits <= MAX_DIGITS).then(|| Decimal::normal(mantissa, scale))
    }

    /// A decimal with trailing zeros of the fraction dropped, the form
    /// `parse` gives, so that equal numbers compare equal.
    fn normal(mut mantissa: i128, mut scale: u32) -> Decimal {
        while scale > 0 && mantissa % 10 == 0 {
            mantissa /= 10;
            scale -= 1;
        }
        Decimal { mantissa, scale }
    }

    /// The whole part and the fraction scaled to 18 digits, both with the
    /// sign of the number, which order decimals exactly without overflow.
    fn parts(self) -> (i128, i128) {
        let pow = 10i128.pow(self.scale);
        let whole = self.mantissa / pow;
        let frac = (self.mantissa % pow) * 10i128.pow(MAX_SCALE - self.scale);
        (whole, frac)
    }
}

/// Powers of ten up to `10^MAX_SCALE`, for aligning scales.
const POW10: [i128; MAX_SCALE as usize + 1] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
    10_000_000_000_000,
    100_000_000_000_000,
    1_000_000_000_000_000,
    10_000_000_000_000_000,
    100_000_000_000_000_000,
    1_000_000_000_000_000_000,
];

impl Ord for Decimal {
    /// Inline for the common case, equal scales; the rest out of line.
    #[inline]
    fn cmp(&self, other: &Decimal) -> Ordering {
        if self.scale == other.scale {
            return self.mantissa.cmp(&other.mantissa);
        }
        self.cmp_scaled(other)
    }
}

impl Decimal {
    /// Compares decimals of different scales.
    #[inline(never)]
    fn cmp_scaled(&self, other: &Decimal) -> Ordering {
        // Usually both mantissas fit 64 bits: the one of the smaller scale
        // times a power of ten (under 2^60) fits 128 bits, and one widening
        // multiplication aligns them.
        if let (Ok(a), Ok(b)) = (i64::try_from(self.mantissa), i64::try_from(other.mantissa)) {
            let up = |m: i64, by: u32| {
                // INVARIANT: every power up to 10^MAX_SCALE fits 64 bits.
                let p = i64::try_from(*POW10.get(by as usize)?).ok()?;
                Some(i128::from(m) * i128::from(p))
            };
            let aligned = if self.scale < other.scale {
                up(a, other.scale - self.scale).map(|a| (a, i128::from(b)))
            } else {
                up(b, self.scale - other.scale).map(|b| (i128::from(a), b))
            };
            if let Some((a, b)) = aligned {
                return a.cmp(&b);
            }
        }
        self.cmp_general(other)
    }

    /// Compares decimals of different scales, any mantissas. Comparisons run
    /// at every evaluation (`score < 0.35`), so even here the 128-bit
    /// divisions of `parts` are avoided when they can be: the smaller scale
    /// is brought up to the larger, unless that would overflow.
    fn cmp_general(&self, other: &Decimal) -> Ordering {
        let scaled = |d: &Decimal, to: u32| {
            let p = *POW10.get(to.saturating_sub(d.scale) as usize)?;
            if d.mantissa.unsigned_abs() <= u128::from(u64::MAX) {
                // At most 2^64 * 10^18 < 2^124: no overflow, no check needed.
                Some(d.mantissa * p)
            } else {
                d.mantissa.checked_mul(p)
            }
        };
        let to = self.scale.max(other.scale);
        match (scaled(self, to), scaled(other, to)) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => self.parts().cmp(&other.parts()),
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Whole and fractional parts by division, not through a string of
        // digits: reports quote decimals, and this allocates nothing.
        let digits = self.mantissa.unsigned_abs();
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let scale = self.scale as usize;
        match 10u128.checked_pow(self.scale) {
            Some(1) => write!(f, "{sign}{digits}"),
            Some(unit) => write!(f, "{sign}{}.{:0>scale$}", digits / unit, digits % unit),
            // INVARIANT: the scale is at most MAX_SCALE, whose power of ten fits.
            None => write!(f, "{sign}{digits}e-{scale}"),
        }
    }
}

impl serde::Serialize for Decimal {
    /// Serialises as an exact JSON number (with serde_json), never through a float.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw = serde_json::value::RawValue::from_string(self.to_string())
            .map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Decimal {
    /// Reads an exact JSON number, or a string holding one (with serde_json).
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        let raw = Box::<serde_json::value::RawValue>::deserialize(deserializer)?;
        let text = raw.get();
        let text = text
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .unwrap_or(text);
        Decimal::parse(text).map_err(|e| {
            // The text may be of any length: quote its start.
            let text = crate::printable::printable_prefix(text, 100);
            serde::de::Error::custom(format!("`{text}` is not an exact decimal: {e}"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_short_parse_agrees_with_the_general_one() {
        let mut texts: Vec<String> = [
            "0",
            "-0",
            "00",
            "0.0",
            "-0.000",
            "1",
            "10",
            "100",
            "1.0",
            "1.50",
            "-1.50",
            "0.5",
            "007.700",
            "123456789012345678",
            "12345678901234567.8",
            "0.000000000000000001",
            "999999999999999999",
            "-99999999.999999999",
            "1.",
            ".5",
            "-",
            "",
            "1e3",
            "1.5e-2",
            "1.2.3",
            "+1",
            "1a",
            "１",
            "1234567890123456789",
            "0.0000000000000000001",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        // Every split of runs of digits, zeros and nines around a point.
        for digits in ["0", "1", "9", "10", "90", "100", "123", "900009", "000120"] {
            for reps in 1..8 {
                let run = digits.repeat(reps);
                for at in 0..=run.len() {
                    let (int, frac) = run.split_at(at);
                    texts.push(format!("{int}.{frac}"));
                    texts.push(format!("-{int}.{frac}"));
                    texts.push(format!("{int}{frac}"));
                }
            }
        }
        for text in &texts {
            if let Some(short) = Decimal::parse_short(text) {
                let general = Decimal::parse_general(text).unwrap();
                assert_eq!(
                    (short.mantissa, short.scale),
                    (general.mantissa, general.scale),
                    "{text}"
                );
            }
            assert_eq!(Decimal::parse(text), Decimal::parse_general(text), "{text}");
        }
        assert!(Decimal::parse_short("123456789012345678").is_some());
        assert!(Decimal::parse_short("-0.25").is_some());
    }

    #[track_caller]
    fn round_trip(text: &str, shown: &str) {
        assert_eq!(Decimal::parse(text).unwrap().to_string(), shown);
    }

    #[test]
    fn parses_and_prints() {
        round_trip("0.35", "0.35");
        round_trip("-0.050", "-0.05");
        round_trip("12", "12");
        round_trip("1.0", "1");
        round_trip("0.000", "0");
        round_trip("-0", "0");
        round_trip("2.5e2", "250");
        round_trip("25e-3", "0.025");
        round_trip("0.000000000000000001", "0.000000000000000001");
    }

    #[test]
    fn powers_of_ten_are_right() {
        for (i, p) in POW10.iter().enumerate() {
            assert_eq!(*p, 10i128.pow(i as u32));
        }
    }

    #[test]
    fn ordering_agrees_with_the_exact_parts() {
        let texts = [
            "0",
            "1",
            "-1",
            "0.5",
            "-0.5",
            "0.35",
            "0.350001",
            "0.2",
            "1000000.00",
            "999999.99",
            "12",
            "12.000000000000000001",
            "-12.5",
            "0.000000000000000001",
            "9999999999999999999999999999",
            "-9999999999999999999999999999",
            "999999999.999999999999999999",
            "1e20",
            "25e-3",
        ];
        for a in texts {
            for b in texts {
                let (x, y) = (Decimal::parse(a).unwrap(), Decimal::parse(b).unwrap());
                assert_eq!(x.cmp(&y), x.parts().cmp(&y.parts()), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn rejects_bad_text() {
        assert_eq!(Decimal::parse("1."), Err(DecimalError::Syntax));
        assert_eq!(Decimal::parse(".5"), Err(DecimalError::Syntax));
        assert_eq!(Decimal::parse("NaN"), Err(DecimalError::Syntax));
        assert_eq!(Decimal::parse("1e"), Err(DecimalError::Syntax));
        assert_eq!(
            Decimal::parse("0.0000000000000000001"),
            Err(DecimalError::TooManyDecimals)
        );
        assert_eq!(
            Decimal::parse(&"9".repeat(29)),
            Err(DecimalError::TooManyDigits)
        );
        assert_eq!(
            Decimal::parse("1e999999999999"),
            Err(DecimalError::TooManyDigits)
        );
    }

    #[test]
    fn zero_is_zero_whatever_its_exponent() {
        for text in [
            "0e999999999999999999999",
            "0e-999999999999999999999",
            "-0.000E+99999999999999999999999999999999",
            "0e9223372036854775807",
            "0e-9223372036854775808",
            "0.0e-9223372036854775809",
        ] {
            assert_eq!(Decimal::parse(text), Ok(Decimal::from_int(0)), "{text}");
        }
    }

    #[test]
    fn an_exponent_beyond_64_bits_is_too_large_or_too_small_not_bad_text() {
        assert_eq!(
            Decimal::parse("1e999999999999999999999"),
            Err(DecimalError::TooManyDigits)
        );
        assert_eq!(
            Decimal::parse("-2.5E+999999999999999999999"),
            Err(DecimalError::TooManyDigits)
        );
        assert_eq!(
            Decimal::parse("1e-999999999999999999999"),
            Err(DecimalError::TooManyDecimals)
        );
        assert_eq!(
            Decimal::parse("10e-9223372036854775808"),
            Err(DecimalError::TooManyDecimals)
        );
        // Exponents that are not numbers are still bad text.
        assert_eq!(Decimal::parse("1e+"), Err(DecimalError::Syntax));
        assert_eq!(Decimal::parse("1e--5"), Err(DecimalError::Syntax));
        assert_eq!(Decimal::parse("1e5x"), Err(DecimalError::Syntax));
    }

    #[test]
    fn an_exponent_of_any_size_costs_the_same() {
        // The zeros an exponent asks for are counted before any is written:
        // a million-digit exponent costs no more than a short one.
        let huge = format!("1e{}", "9".repeat(1_000_000));
        assert_eq!(Decimal::parse(&huge), Err(DecimalError::TooManyDigits));
        let zero = format!("0e-{}", "9".repeat(1_000_000));
        assert_eq!(Decimal::parse(&zero), Ok(Decimal::from_int(0)));
        assert_eq!(
            Decimal::parse("1e27").map(|d| d.to_string()),
            Ok(format!("1{}", "0".repeat(27)))
        );
        assert_eq!(Decimal::parse("1e28"), Err(DecimalError::TooManyDigits));
    }

    #[test]
    fn orders_exactly() {
        fn d(s: &str) -> Decimal {
            Decimal::parse(s).unwrap()
        }
        assert!(d("0.35") < d("0.351"));
        assert!(d("-1.5") < d("-1.2"));
        assert!(d("-0.5") < d("0.3"));
        assert_eq!(d("0.10"), d("0.1"));
        assert!(d(&"9".repeat(28)) > d("0.999999999999999999"));
        assert_eq!(d("3").cmp(&Decimal::from_int(3)), Ordering::Equal);
    }
}
