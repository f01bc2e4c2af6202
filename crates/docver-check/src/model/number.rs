//! JSON numbers compared exactly: serde_json keeps every `i64` and `u64`, and an `f64` cannot
//! tell 2^53 from 2^53 + 1, so integers are compared as integers (bounds, `enum`, `const`),
//! floats that hold an integer as that integer (`1.0` equals `1`, `-0.0` equals `0`), other
//! floats as floats.

use std::cmp::Ordering;

use serde_json::Number;

/// A number in the form it is compared in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Exact {
    Integer(i128),
    Float(f64),
}

/// Floats at or beyond this magnitude are not converted to `i128` (none of them fits).
const I128_LIMIT: f64 = 1.7e38;

impl Exact {
    pub(crate) fn of(n: &Number) -> Exact {
        if let Some(i) = n.as_i64() {
            Exact::Integer(i128::from(i))
        } else if let Some(u) = n.as_u64() {
            Exact::Integer(i128::from(u))
        } else {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if f.fract() == 0.0 && f.abs() < I128_LIMIT {
                // Integral and in range: the conversion is exact.
                Exact::Integer(f as i128)
            } else {
                Exact::Float(f)
            }
        }
    }
}

/// Numeric equality without rounding integers through `f64`.
pub fn number_equal(a: &Number, b: &Number) -> bool {
    Exact::of(a) == Exact::of(b)
}

/// Numeric order without rounding integers through `f64`.
pub fn number_cmp(a: &Number, b: &Number) -> Ordering {
    match (Exact::of(a), Exact::of(b)) {
        (Exact::Integer(x), Exact::Integer(y)) => x.cmp(&y),
        (Exact::Float(x), Exact::Float(y)) => x.total_cmp(&y),
        (Exact::Integer(i), Exact::Float(f)) => integer_float_cmp(i, f),
        (Exact::Float(f), Exact::Integer(i)) => integer_float_cmp(i, f).reverse(),
    }
}

/// `i` against a float that is not an integer in `i128`'s range: against its floor when that
/// fits (the float lies strictly between its floor and the next integer), else by sign.
fn integer_float_cmp(i: i128, f: f64) -> Ordering {
    if f.is_finite() && f.abs() < I128_LIMIT {
        let floor = f.floor() as i128;
        if i <= floor {
            Ordering::Less
        } else {
            Ordering::Greater
        }
    } else if f > 0.0 {
        Ordering::Less
    } else {
        Ordering::Greater
    }
}

/// `n` as an `f64`, rounded, for arithmetic where rounding is harmless (candidate values).
pub fn approximate(n: &Number) -> f64 {
    n.as_f64().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(v: serde_json::Value) -> Number {
        match v {
            serde_json::Value::Number(n) => n,
            _ => unreachable!("a number literal"),
        }
    }

    #[test]
    fn integers_beyond_f64_precision_are_ordered_exactly() {
        let (a, b) = (
            num(9_007_199_254_740_992_u64.into()),
            num(9_007_199_254_740_993_u64.into()),
        );
        assert_eq!(number_cmp(&a, &b), Ordering::Less);
        assert!(!number_equal(&a, &b));
        assert_eq!(
            number_cmp(&num(u64::MAX.into()), &num((u64::MAX - 1).into())),
            Ordering::Greater
        );
        assert_eq!(
            number_cmp(&num(i64::MIN.into()), &num(0.into())),
            Ordering::Less
        );
        assert_eq!(number_cmp(&num(2.into()), &num(2.5.into())), Ordering::Less);
        assert_eq!(
            number_cmp(&num(3.into()), &num(2.5.into())),
            Ordering::Greater
        );
        assert_eq!(
            number_cmp(&num((-3).into()), &num((-2.5).into())),
            Ordering::Less
        );
        assert!(number_equal(&num(1.0.into()), &num(1.into())));
        assert!(number_equal(&num((-0.0).into()), &num(0.into())));
        assert_eq!(
            number_cmp(&num(1e300.into()), &num(u64::MAX.into())),
            Ordering::Greater
        );
    }
}
