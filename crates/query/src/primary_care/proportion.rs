//! A proportion with its 95% Wilson score interval, and its comparison with a benchmark.
//!
//! The method is OHID's (Fingertips technical guidance; `phe_proportion` in
//! PHEindicatormethods): the Wilson score interval, and a value is significantly higher or lower
//! than a benchmark when the benchmark lies outside its 95% interval.
//!
//! Kept behind two small functions ([`wilson`], [`compare`]) so the crate's shared proportion
//! module can replace them in one place.

use serde::Serialize;

/// z for a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// The 95% Wilson score interval of `num` out of `den`, as proportions (0–1).
/// `None` when `den` is zero or `num` is above it (a register above its list, as published
/// for one practice, has no interval).
///
/// ```
/// # use equimap_query::primary_care::wilson;
/// // 872 of 6,636 (B86086's depression register, 2024-25): 13.14% (12.35%–13.97%).
/// let (lo, hi) = wilson(872, 6636).expect("interval");
/// assert!((lo - 0.123_489).abs() < 1e-6 && (hi - 0.139_747).abs() < 1e-6);
/// ```
pub fn wilson(num: u64, den: u64) -> Option<(f64, f64)> {
    if den == 0 || num > den {
        return None;
    }
    let (o, n) = (num as f64, den as f64);
    let p = o / n;
    let z2 = Z95 * Z95;
    let centre = 2.0 * o + z2;
    let spread = Z95 * (z2 + 4.0 * o * (1.0 - p)).sqrt();
    let scale = 2.0 * (n + z2);
    Some(((centre - spread) / scale, (centre + spread) / scale))
}

/// How a value compares with a benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Significance {
    /// The benchmark lies below the value's 95% interval.
    #[serde(rename = "significantly higher")]
    Higher,
    /// The benchmark lies inside the interval.
    #[serde(rename = "similar")]
    Similar,
    /// The benchmark lies above the interval.
    #[serde(rename = "significantly lower")]
    Lower,
}

/// Compare `num`/`den` with a benchmark proportion (0–1) by its 95% Wilson interval.
pub fn compare(num: u64, den: u64, benchmark: f64) -> Option<Significance> {
    let (lo, hi) = wilson(num, den)?;
    Some(if benchmark < lo {
        Significance::Higher
    } else if benchmark > hi {
        Significance::Lower
    } else {
        Significance::Similar
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_a_worked_example() {
        // Newcombe (1998), Table I, example (i): 81 of 263 → 0.2553 to 0.3662 (Wilson).
        let (lo, hi) = wilson(81, 263).expect("interval");
        assert!((lo - 0.2553).abs() < 5e-5, "{lo}");
        assert!((hi - 0.3662).abs() < 5e-5, "{hi}");
        // Example (v): 0 of 10 → 0 to 0.2775.
        let (lo, hi) = wilson(0, 10).expect("interval");
        assert!(lo.abs() < 1e-12 && (hi - 0.2775).abs() < 5e-5, "{lo} {hi}");
        // statsmodels' proportion_confint(872, 6636, method="wilson"), an independent
        // implementation: (0.12348879534784156, 0.13974662520557762).
        let (lo, hi) = wilson(872, 6636).expect("interval");
        assert!((lo - 0.123_488_795_347_841_56).abs() < 1e-12, "{lo}");
        assert!((hi - 0.139_746_625_205_577_62).abs() < 1e-12, "{hi}");
    }

    #[test]
    fn compares_by_the_interval() {
        assert_eq!(compare(81, 263, 0.2), Some(Significance::Higher));
        assert_eq!(compare(81, 263, 0.3), Some(Significance::Similar));
        assert_eq!(compare(81, 263, 0.4), Some(Significance::Lower));
        assert_eq!(compare(0, 0, 0.4), None);
    }
}
