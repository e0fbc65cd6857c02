//! Exact decimal input and outward-rounded decimal output.
//!
//! Inputs are read as the exact rational they denote (`"0.1"` is 1/10, not the nearest binary64);
//! outputs are decimal strings rounded *outward* (a lower end downward, an upper end upward) so a
//! printed interval still contains the computed one.

use crate::scalar::Bound;
use rug::{Integer, Rational};
use std::fmt;

/// The largest decimal exponent magnitude accepted in input (`1e-1000000` is fine, `1e-10000000`
/// is refused rather than allocating a 4 MB integer).
pub const MAX_DECIMAL_EXPONENT: i64 = 1_000_000;

/// Why a number could not be read exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseNumberError {
    /// The text is not a decimal (`-12.5e-3`), an integer ratio (`3/4`) or an integer.
    Syntax(String),
    /// The decimal exponent is beyond [`MAX_DECIMAL_EXPONENT`].
    ExponentTooLarge(String),
    /// A ratio `p/0`.
    ZeroDenominator(String),
}

impl fmt::Display for ParseNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseNumberError::Syntax(s) => write!(
                f,
                "`{s}` is not a number: expected a decimal such as `-12.5e-3`, a ratio such as `3/4`, or an integer"
            ),
            ParseNumberError::ExponentTooLarge(s) => {
                write!(f, "`{s}` has a decimal exponent beyond ±{MAX_DECIMAL_EXPONENT}")
            }
            ParseNumberError::ZeroDenominator(s) => write!(f, "`{s}` divides by zero"),
        }
    }
}

impl std::error::Error for ParseNumberError {}

/// Reads a decimal (`-12.5e-3`, `.5`, `1e-600`), a ratio of integers (`-3/4`) or an integer, as the
/// exact rational it denotes. Surrounding whitespace is ignored; `inf`/`nan` are refused.
///
/// ```
/// use reluflow_arith::exact::parse_exact;
/// use rug::Rational;
/// assert_eq!(parse_exact("0.1").unwrap(), Rational::from((1, 10)));
/// assert_eq!(parse_exact("-3/6").unwrap(), Rational::from((-1, 2)));
/// assert_eq!(parse_exact("2.5e-1").unwrap(), Rational::from((1, 4)));
/// assert!(parse_exact("0x1p3").is_err());
/// ```
pub fn parse_exact(text: &str) -> Result<Rational, ParseNumberError> {
    let s = text.trim();
    let syntax = || ParseNumberError::Syntax(text.to_string());
    if let Some((p, q)) = s.split_once('/') {
        let p = parse_integer(p.trim()).ok_or_else(syntax)?;
        let q = parse_integer(q.trim()).ok_or_else(syntax)?;
        if q == 0 {
            return Err(ParseNumberError::ZeroDenominator(text.to_string()));
        }
        return Ok(Rational::from((p, q)));
    }
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(k) => (&s[..k], Some(&s[k + 1..])),
        None => (s, None),
    };
    let (negative, digits) = match mantissa.as_bytes().first() {
        Some(b'-') => (true, &mantissa[1..]),
        Some(b'+') => (false, &mantissa[1..]),
        _ => (false, mantissa),
    };
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((a, b)) => (a, b),
        None => (digits, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(syntax());
    }
    if !int_part.bytes().all(|b| b.is_ascii_digit()) || !frac_part.bytes().all(|b| b.is_ascii_digit()) {
        return Err(syntax());
    }
    let mut exp10: i64 = match exponent {
        None => 0,
        Some(e) => {
            let e_digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if e_digits.is_empty() || !e_digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(syntax());
            }
            if e_digits.len() > 12 {
                return Err(ParseNumberError::ExponentTooLarge(text.to_string()));
            }
            e.parse::<i64>().map_err(|_| syntax())?
        }
    };
    exp10 -= frac_part.len() as i64;
    let all_digits = format!("{int_part}{frac_part}");
    let mut value =
        Integer::from_str_radix(if all_digits.is_empty() { "0" } else { &all_digits }, 10).map_err(|_| syntax())?;
    if value == 0 {
        return Ok(Rational::new());
    }
    if exp10.abs() > MAX_DECIMAL_EXPONENT + all_digits.len() as i64 {
        return Err(ParseNumberError::ExponentTooLarge(text.to_string()));
    }
    if negative {
        value = -value;
    }
    let pow = Integer::from(Integer::u_pow_u(10, exp10.unsigned_abs() as u32));
    Ok(if exp10 >= 0 { Rational::from(value * pow) } else { Rational::from((value, pow)) })
}

fn parse_integer(s: &str) -> Option<Integer> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Integer::from_str_radix(s.strip_prefix('+').unwrap_or(s), 10).ok()
}

/// Direction of a decimal rounding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    /// Toward −∞ (for lower ends).
    Down,
    /// Toward +∞ (for upper ends).
    Up,
}

/// `q` as a decimal with `digits` significant digits, rounded in direction `dir`, in the form
/// `-1.2345e-7` (or `0`). The result is exact when `q` has a short decimal expansion.
///
/// ```
/// use reluflow_arith::exact::{decimal_rounded, Dir};
/// use rug::Rational;
/// let third = Rational::from((1, 3));
/// assert_eq!(decimal_rounded(&third, 5, Dir::Down), "3.3333e-1");
/// assert_eq!(decimal_rounded(&third, 5, Dir::Up), "3.3334e-1");
/// assert_eq!(decimal_rounded(&-third, 5, Dir::Down), "-3.3334e-1");
/// assert_eq!(decimal_rounded(&Rational::from(5), 3, Dir::Up), "5");
/// ```
pub fn decimal_rounded(q: &Rational, digits: u32, dir: Dir) -> String {
    assert!(digits >= 1, "at least one significant digit");
    if *q == 0 {
        return "0".to_string();
    }
    let negative = *q < 0;
    let abs = Rational::from(q.abs_ref());
    // e = floor(log10 |q|), found from an estimate and corrected exactly.
    let bits = abs.numer().significant_bits() as i64 - abs.denom().significant_bits() as i64;
    let mut e = ((bits as f64) * std::f64::consts::LOG10_2).floor() as i64 - 1;
    while pow10(e + 1) <= abs {
        e += 1;
    }
    while pow10(e) > abs {
        e -= 1;
    }
    // scaled = |q| · 10^(digits−1−e) ∈ [10^(digits−1), 10^digits).
    let scaled = abs * pow10(digits as i64 - 1 - e);
    // Rounding |q| toward zero is rounding q down for q > 0 and up for q < 0.
    let toward_zero = (dir == Dir::Down) != negative;
    let (_, floor) = scaled.clone().fract_floor(Integer::new());
    let exact = scaled == floor;
    let mut m = floor.clone();
    if !toward_zero && !exact {
        m += 1;
    }
    let mut e_out = e;
    if m == Integer::from(Integer::u_pow_u(10, digits)) {
        m = Integer::from(Integer::u_pow_u(10, digits - 1));
        e_out += 1;
    }
    let mut s = m.to_string();
    // strip trailing zeros of the significand
    while s.len() > 1 && s.ends_with('0') {
        s.pop();
    }
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&s[..1]);
    if s.len() > 1 {
        out.push('.');
        out.push_str(&s[1..]);
    }
    let int_exp = e_out;
    // plain integers up to 10^digits print without an exponent
    if int_exp >= 0 && (int_exp as usize) < digits as usize && s.len() <= int_exp as usize + 1 {
        let mut plain = String::new();
        if negative {
            plain.push('-');
        }
        plain.push_str(&s);
        for _ in s.len()..=int_exp as usize {
            plain.push('0');
        }
        return plain;
    }
    if int_exp != 0 {
        out.push_str(&format!("e{int_exp}"));
    }
    out
}

/// A [`Bound`] as an outward-rounded decimal (`"-inf"`/`"inf"` for infinite ends).
pub fn bound_decimal(b: &Bound, digits: u32, dir: Dir) -> String {
    match b {
        Bound::NegInf => "-inf".to_string(),
        Bound::PosInf => "inf".to_string(),
        Bound::Finite(q) => decimal_rounded(q, digits, dir),
    }
}

/// `10^e` as an exact rational (any sign of `e`).
pub fn pow10(e: i64) -> Rational {
    let p = Integer::from(Integer::u_pow_u(10, e.unsigned_abs() as u32));
    if e >= 0 { Rational::from(p) } else { Rational::from((Integer::from(1), p)) }
}

/// The exact rational value of a finite f64 (`None` for ±∞ and NaN).
pub fn f64_to_rational(x: f64) -> Option<Rational> {
    Rational::from_f64(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_degenerate_and_extreme_inputs() {
        assert_eq!(parse_exact("0").unwrap(), Rational::new());
        assert_eq!(parse_exact("-0.000").unwrap(), Rational::new());
        assert_eq!(parse_exact(".5").unwrap(), Rational::from((1, 2)));
        assert_eq!(parse_exact("5.").unwrap(), Rational::from(5));
        assert_eq!(parse_exact("+7").unwrap(), Rational::from(7));
        assert_eq!(parse_exact(" 1E2 ").unwrap(), Rational::from(100));
        let tiny = parse_exact("1e-600").unwrap();
        assert_eq!(tiny, pow10(-600));
        for bad in ["", ".", "-", "1e", "e5", "inf", "nan", "1..2", "1/0", "0x10", "1e+", "3/", "--1", "1 2"] {
            assert!(parse_exact(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(matches!(parse_exact("1e-99999999"), Err(ParseNumberError::ExponentTooLarge(_))));
    }

    #[test]
    fn rounds_outward_in_both_directions() {
        let q = parse_exact("-123.456").unwrap();
        assert_eq!(decimal_rounded(&q, 4, Dir::Down), "-1.235e2");
        assert_eq!(decimal_rounded(&q, 4, Dir::Up), "-1.234e2");
        assert_eq!(decimal_rounded(&q, 6, Dir::Up), "-1.23456e2");
        let r = parse_exact("9.9999").unwrap();
        assert_eq!(decimal_rounded(&r, 2, Dir::Up), "10");
        assert_eq!(decimal_rounded(&r, 2, Dir::Down), "9.9");
        let t = parse_exact("1e-600").unwrap();
        assert_eq!(decimal_rounded(&t, 3, Dir::Down), "1e-600");
        let u = Rational::from((1, 7)) * pow10(-600);
        assert_eq!(decimal_rounded(&u, 3, Dir::Down), "1.42e-601");
        assert_eq!(decimal_rounded(&u, 3, Dir::Up), "1.43e-601");
        // the printed bounds really bracket the value
        for digits in 1..30 {
            let lo = parse_exact(&decimal_rounded(&u, digits, Dir::Down)).unwrap();
            let hi = parse_exact(&decimal_rounded(&u, digits, Dir::Up)).unwrap();
            assert!(lo <= u && u <= hi, "digits {digits}");
        }
    }
}
