//! Confidence intervals, comparisons with a benchmark and the slope and relative indices of
//! inequality, as OHID's technical guidance and the `PHEindicatormethods` R package describe
//! them. Our own code, checked in the tests against worked examples and independent
//! computations.
//!
//! ```
//! use equimap_query::inequality::wilson;
//! // 25 of 100: the Wilson score 95% interval is 17.5% to 34.3%.
//! let (lo, hi) = wilson(25.0, 100.0).expect("0 <= 25 <= 100");
//! assert!((lo - 0.175_5).abs() < 1e-4 && (hi - 0.343_0).abs() < 1e-4);
//! ```

use equimap_atlas::Polarity;
use rand_core::Rng;
use serde::Serialize;

/// The standard normal quantile for a two-sided 95% interval, `qnorm(0.975)`.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Repetitions of the SII simulation: `PHEindicatormethods::phe_sii`'s default.
pub const SII_REPETITIONS: usize = 100_000;

/// The fixed seed of the SII simulation, so that the same data give the same limits every time.
pub const SII_SEED: u64 = 20_211_021;

/// The Wilson score 95% interval for a proportion of `x` out of `n`: `None` unless
/// `0 <= x <= n` and `n > 0`.
///
/// `(2x + z² ∓ z·√(z² + 4x(1 − x/n))) / (2(n + z²))` (Wilson 1927; Newcombe and Altman 2000),
/// the method of OHID's technical guidance and `phe_proportion`.
pub fn wilson(x: f64, n: f64) -> Option<(f64, f64)> {
    if n.is_nan() || x.is_nan() || n <= 0.0 || x < 0.0 || x > n {
        return None;
    }
    let z2 = Z95 * Z95;
    let root = Z95 * (z2 + 4.0 * x * (1.0 - x / n)).sqrt();
    let den = 2.0 * (n + z2);
    Some((
        ((2.0 * x + z2 - root) / den).max(0.0),
        ((2.0 * x + z2 + root) / den).min(1.0),
    ))
}

/// How an area compares with a benchmark, read through the indicator's polarity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Significance {
    /// The benchmark is outside the interval, on the side that makes the area better.
    Better,
    /// The benchmark is inside the interval.
    Similar,
    /// The benchmark is outside the interval, on the side that makes the area worse.
    Worse,
    /// Neutral polarity: the benchmark is below the interval.
    Higher,
    /// Neutral polarity: the benchmark is above the interval.
    Lower,
}

impl Significance {
    /// The words shown with the colour, as Fingertips writes them.
    pub fn words(self) -> &'static str {
        match self {
            Self::Better => "significantly better",
            Self::Similar => "similar",
            Self::Worse => "significantly worse",
            Self::Higher => "significantly higher",
            Self::Lower => "significantly lower",
        }
    }
}

/// Compare an area's 95% interval with a benchmark value: outside the interval is a
/// significant difference, inside is similar. `None` without an interval or a benchmark.
pub fn compare(
    interval: Option<(f64, f64)>,
    benchmark: Option<f64>,
    polarity: Polarity,
) -> Option<Significance> {
    let ((lo, hi), b) = (interval?, benchmark?);
    let higher = if b < lo {
        true
    } else if b > hi {
        false
    } else {
        return Some(Significance::Similar);
    };
    Some(match (polarity, higher) {
        (Polarity::HigherIsWorse, true) | (Polarity::HigherIsBetter, false) => Significance::Worse,
        (Polarity::HigherIsWorse, false) | (Polarity::HigherIsBetter, true) => Significance::Better,
        (Polarity::Neutral, true) => Significance::Higher,
        (Polarity::Neutral, false) => Significance::Lower,
    })
}

/// The 95% interval of the difference `p1 − p2` of two independent proportions, from their
/// Wilson intervals: Newcombe's hybrid score method (Newcombe 1998, method 10).
pub fn newcombe_difference(p1: f64, ci1: (f64, f64), p2: f64, ci2: (f64, f64)) -> (f64, f64) {
    let d = p1 - p2;
    let lower = ((p1 - ci1.0).powi(2) + (ci2.1 - p2).powi(2)).sqrt();
    let upper = ((ci1.1 - p1).powi(2) + (p2 - ci2.0).powi(2)).sqrt();
    (d - lower, d + upper)
}

/// The 95% interval of the ratio `(x1/n1) / (x2/n2)` of two proportions by the log method
/// (Katz et al. 1978): `exp(ln(ratio) ± z·√(1/x1 − 1/n1 + 1/x2 − 1/n2))`. `None` when either
/// count is zero.
pub fn ratio_interval(x1: f64, n1: f64, x2: f64, n2: f64) -> Option<(f64, f64)> {
    if x1 <= 0.0 || x2 <= 0.0 || n1 <= 0.0 || n2 <= 0.0 {
        return None;
    }
    let ratio = (x1 / n1) / (x2 / n2);
    let se = (1.0 / x1 - 1.0 / n1 + 1.0 / x2 - 1.0 / n2).max(0.0).sqrt();
    Some(((ratio.ln() - Z95 * se).exp(), (ratio.ln() + Z95 * se).exp()))
}

/// The slope and relative indices of inequality over ordered groups, most deprived first.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Indices {
    /// The slope index: the modelled value at the least deprived end (relative rank 1) minus
    /// the modelled value at the most deprived end (relative rank 0).
    pub sii: f64,
    /// The relative index: the modelled value at the least deprived end divided by that at the
    /// most deprived end.
    pub rii: Option<f64>,
}

/// The relative rank of each group: the midpoint of its share of the cumulative population,
/// groups ordered most deprived first.
pub fn relative_ranks(populations: &[f64]) -> Vec<f64> {
    let total: f64 = populations.iter().sum();
    let mut cum = 0.0;
    populations
        .iter()
        .map(|p| {
            let share = p / total;
            let mid = cum + share / 2.0;
            cum += share;
            mid
        })
        .collect()
}

/// The two rows of the least-squares solution of `y·√a = β0·√a + β1·b·√a` (a: population
/// share, b: relative rank): `(intercept weights, slope weights)`, such that β = Σ wᵢ·yᵢ.
/// `None` when fewer than two groups have people.
fn regression_weights(populations: &[f64]) -> Option<(Vec<f64>, Vec<f64>)> {
    let total: f64 = populations.iter().sum();
    if total.is_nan() || total <= 0.0 || populations.iter().filter(|p| **p > 0.0).count() < 2 {
        return None;
    }
    let b = relative_ranks(populations);
    let a: Vec<f64> = populations.iter().map(|p| p / total).collect();
    // Normal equations of the weighted regression: [[Σa, Σab], [Σab, Σab²]].
    let (s0, s1, s2) = a
        .iter()
        .zip(&b)
        .fold((0.0, 0.0, 0.0), |(s0, s1, s2), (a, b)| {
            (s0 + a, s1 + a * b, s2 + a * b * b)
        });
    let det = s0 * s2 - s1 * s1;
    if det.abs() < 1e-15 {
        return None;
    }
    let intercept = a
        .iter()
        .zip(&b)
        .map(|(a, b)| a * (s2 - s1 * b) / det)
        .collect();
    let slope = a
        .iter()
        .zip(&b)
        .map(|(a, b)| a * (s0 * b - s1) / det)
        .collect();
    Some((intercept, slope))
}

fn dot(w: &[f64], y: &[f64]) -> f64 {
    w.iter().zip(y).map(|(w, y)| w * y).sum()
}

/// The SII and RII of group values weighted by population (OHID's method: weighted least
/// squares on the relative ranks).
pub fn indices(populations: &[f64], values: &[f64]) -> Option<Indices> {
    let (wi, ws) = regression_weights(populations)?;
    let intercept = dot(&wi, values);
    let sii = dot(&ws, values);
    Some(Indices {
        sii,
        rii: (intercept != 0.0).then(|| (intercept + sii) / intercept),
    })
}

/// 95% limits of the SII and RII by `phe_sii`'s simulation for proportions: each group's
/// proportion is drawn [`SII_REPETITIONS`] times from a normal distribution on the logit scale,
/// with the standard error implied by its Wilson interval, transformed back and regressed; the
/// limits are the 2.5th and 97.5th of the sorted results. The generator is seeded with
/// [`SII_SEED`], so the limits are the same on every run.
///
/// `groups` are `(population, proportion, wilson lower, wilson upper)`, most deprived first;
/// every proportion must lie strictly between 0 and 1 (a logit exists).
pub fn simulate_limits(groups: &[(f64, f64, f64, f64)]) -> Option<SimulatedLimits> {
    let pops: Vec<f64> = groups.iter().map(|g| g.0).collect();
    let (wi, ws) = regression_weights(&pops)?;
    let mut means = Vec::with_capacity(groups.len());
    let mut ses = Vec::with_capacity(groups.len());
    for &(_, p, lo, hi) in groups {
        if p.is_nan() || p <= 0.0 || p >= 1.0 || lo <= 0.0 || hi >= 1.0 {
            return None;
        }
        means.push(logit(p));
        ses.push((logit(hi) - logit(lo)) / (2.0 * Z95));
    }
    let mut rng = rand_pcg::Pcg64Mcg::new(u128::from(SII_SEED));
    let mut normals = NormalPairs::default();
    let mut siis = Vec::with_capacity(SII_REPETITIONS);
    let mut riis = Vec::with_capacity(SII_REPETITIONS);
    let mut y = vec![0.0; groups.len()];
    for _ in 0..SII_REPETITIONS {
        for ((yi, m), s) in y.iter_mut().zip(&means).zip(&ses) {
            *yi = inv_logit(m + s * normals.next(&mut rng));
        }
        let (b0, b1) = (dot(&wi, &y), dot(&ws, &y));
        siis.push(b1);
        riis.push((b0 + b1) / b0);
    }
    Some(SimulatedLimits {
        sii: order_limits(&mut siis),
        rii: order_limits(&mut riis),
    })
}

/// Simulated 95% limits of the SII and RII.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SimulatedLimits {
    /// Lower and upper limits of the SII.
    pub sii: (f64, f64),
    /// Lower and upper limits of the RII.
    pub rii: (f64, f64),
}

/// The order statistics `phe_sii` reads: positions `round(n·0.025)` and `round(n·0.975)`,
/// counted from 1.
fn order_limits(v: &mut [f64]) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    let n = v.len() as f64;
    let at = |q: f64| {
        let pos = (n * q).round() as usize;
        v[pos.clamp(1, v.len()) - 1]
    };
    (at(0.025), at(0.975))
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

fn inv_logit(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Standard normal draws by the Box–Muller transform, two per pair of uniforms.
#[derive(Default)]
struct NormalPairs {
    spare: Option<f64>,
}

impl NormalPairs {
    fn next(&mut self, rng: &mut impl Rng) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        // Uniforms in (0, 1]: 53 random bits, shifted off zero so the logarithm is finite.
        let u1 = ((rng.next_u64() >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
        let u2 = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let r = (-2.0 * u1.ln()).sqrt();
        let t = std::f64::consts::TAU * u2;
        self.spare = Some(r * t.sin());
        r * t.cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn wilson_matches_newcombe_worked_examples() {
        // Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (score):
        // 81/263 → 0.2553 to 0.3662; 15/148 → 0.0624 to 0.1605; 0/20 → 0 to 0.1611;
        // 1/29 → 0.0061 to 0.1718.
        for (x, n, lo, hi) in [
            (81.0, 263.0, 0.2553, 0.3662),
            (15.0, 148.0, 0.0624, 0.1605),
            (0.0, 20.0, 0.0, 0.1611),
            (1.0, 29.0, 0.0061, 0.1718),
        ] {
            let (l, h) = wilson(x, n).expect("interval");
            assert!(close(l, lo, 5e-5) && close(h, hi, 5e-5), "{x}/{n}: {l} {h}");
        }
    }

    #[test]
    fn wilson_refuses_impossible_counts() {
        assert_eq!(wilson(5.0, 4.0), None);
        assert_eq!(wilson(-1.0, 4.0), None);
        assert_eq!(wilson(0.0, 0.0), None);
    }

    #[test]
    fn newcombe_difference_matches_the_worked_example() {
        // Newcombe (1998), Table II, example (a): 56/70 − 48/80 = 0.2000, method 10 gives
        // 0.0524 to 0.3339.
        let (p1, p2) = (56.0 / 70.0, 48.0 / 80.0);
        let w1 = wilson(56.0, 70.0).expect("56/70");
        let w2 = wilson(48.0, 80.0).expect("48/80");
        let (lo, hi) = newcombe_difference(p1, w1, p2, w2);
        assert!(
            close(lo, 0.0524, 5e-5) && close(hi, 0.3339, 5e-5),
            "{lo} {hi}"
        );
    }

    #[test]
    fn comparisons_read_polarity() {
        let ci = Some((0.04, 0.06));
        let hw = Polarity::HigherIsWorse;
        assert_eq!(compare(ci, Some(0.03), hw), Some(Significance::Worse));
        assert_eq!(compare(ci, Some(0.07), hw), Some(Significance::Better));
        assert_eq!(compare(ci, Some(0.05), hw), Some(Significance::Similar));
        assert_eq!(compare(ci, Some(0.06), hw), Some(Significance::Similar));
        let hb = Polarity::HigherIsBetter;
        assert_eq!(compare(ci, Some(0.03), hb), Some(Significance::Better));
        let n = Polarity::Neutral;
        assert_eq!(compare(ci, Some(0.03), n), Some(Significance::Higher));
        assert_eq!(compare(ci, Some(0.09), n), Some(Significance::Lower));
        assert_eq!(compare(None, Some(0.09), n), None);
        assert_eq!(Significance::Worse.words(), "significantly worse");
    }

    #[test]
    fn sii_of_a_straight_line_is_its_slope() {
        // Equal populations, values rising by 1 per decile: ranks span 0.05..0.95, so the
        // slope over the whole population (rank 0 to 1) is 10; the line meets 0.5 at rank 0.
        let pops = [100.0; 10];
        let vals: Vec<f64> = (1..=10).map(f64::from).collect();
        let i = indices(&pops, &vals).expect("indices");
        assert!(close(i.sii, 10.0, 1e-9), "{}", i.sii);
        assert!(close(i.rii.expect("rii"), 10.5 / 0.5, 1e-9));
    }

    #[test]
    fn relative_ranks_follow_the_guidance_example() {
        // PHEindicatormethods: 12% of the population in quantile 1 → 0.06; 10% next → 0.17.
        let r = relative_ranks(&[12.0, 10.0, 78.0]);
        assert!(
            close(r[0], 0.06, 1e-12) && close(r[1], 0.17, 1e-12),
            "{r:?}"
        );
    }
}
