//! Branch-free `exp` and the standard Normal distribution function in plain arithmetic (no
//! fused multiply-adds, which outside the SIMD loops are a library call on CPUs the build does
//! not assume FMA for), so that loops over a million values vectorise. The engine's own `exp`
//! (`sim::fastexp`) shares the constants and uses fused multiply-adds inside its SIMD loops.

pub const LOG2E: f64 = std::f64::consts::LOG2_E;
// ln 2 split in a high part with trailing zero bits and a low correction (Cody–Waite).
pub const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
pub const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
/// 1.5·2^52: adding it rounds to the nearest integer and leaves that integer in the low bits.
pub const ROUNDER: f64 = 6_755_399_441_055_744.0;
/// Taylor coefficients of e^r, `C[k]` = 1/k!: degree 11 on |r| ≤ ln2/2 gives a truncation
/// error below 1e-14 relative, far below Monte Carlo error.
pub const C: [f64; 12] = [
    1.0,
    1.0,
    0.5,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5_040.0,
    1.0 / 40_320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
];

/// e^x for |x| ≤ 700 (clamped beyond), to about 1e-14 relative, without branches.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    let x = x.clamp(-700.0, 700.0);
    let shifted = x * LOG2E + ROUNDER;
    let k = shifted - ROUNDER;
    let r = x - k * LN2_HI;
    let r = r - k * LN2_LO;
    // Estrin's scheme: pairs, then pairs of pairs, in independent operations.
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let pair = |k: usize| C[k] + C[k + 1] * r;
    let low = pair(0) + pair(2) * r2;
    let mid = pair(4) + pair(6) * r2;
    let high = pair(8) + pair(10) * r2;
    let p = low + r4 * mid + r8 * high;
    // 2^k from the integer left in the low bits of `shifted`.
    let ki = (shifted.to_bits() as i64).wrapping_sub(ROUNDER.to_bits() as i64);
    p * f64::from_bits(((ki + 1023) as u64) << 52)
}

/// Beyond this |z| Hart's rational form gives way to a continued fraction.
const HART_EDGE: f64 = 7.071_067_811_865_47;

/// Each z in `values` becomes P(Z ≤ z) for a standard Normal Z.
///
/// Hart's rational approximation (algorithm 5666, as given by G. West, "Better approximations
/// to cumulative normal functions", 2005) for |z| < 7.07 and a continued fraction beyond: one
/// `exp`, relative error below 1e-8 in either tail (tested against statrs' `erfc`). Where no
/// |z| reaches 7.07 (a Normal draw does about once in 6e11) the loop has no branch, and the
/// compiler vectorises it.
pub fn normal_cdf(values: &mut [f64]) {
    if values.iter().all(|z| z.abs() < HART_EDGE) {
        for z in values {
            *z = from_tail(*z, hart_tail(z.abs()));
        }
    } else {
        for z in values {
            let x = z.abs();
            let tail = if x < HART_EDGE {
                hart_tail(x)
            } else {
                far_tail(x)
            };
            *z = from_tail(*z, tail);
        }
    }
}

/// Φ(z) from Φ(−|z|).
#[inline(always)]
fn from_tail(z: f64, tail: f64) -> f64 {
    if z < 0.0 { tail } else { 1.0 - tail }
}

/// Φ(−x) for 0 ≤ x < 7.07, by Hart's rational function.
#[inline(always)]
fn hart_tail(x: f64) -> f64 {
    const NUMERATOR: [f64; 7] = [
        3.526_249_659_989_11e-2,
        0.700_383_064_443_688,
        6.373_962_203_531_65,
        33.912_866_078_383,
        112.079_291_497_871,
        221.213_596_169_931,
        220.206_867_912_376,
    ];
    const DENOMINATOR: [f64; 8] = [
        8.838_834_764_831_84e-2,
        1.755_667_163_182_64,
        16.064_177_579_207,
        86.780_732_202_946_1,
        296.564_248_779_674,
        637.333_633_378_831,
        793.826_512_519_948,
        440.413_735_824_752,
    ];
    let mut num = NUMERATOR[0];
    for &k in &NUMERATOR[1..] {
        num = num * x + k;
    }
    let mut den = DENOMINATOR[0];
    for &k in &DENOMINATOR[1..] {
        den = den * x + k;
    }
    exp(-0.5 * x * x) * num / den
}

/// Φ(−x) for x ≥ 7.07 (or NaN), by a continued fraction; 0 beyond 37.
fn far_tail(x: f64) -> f64 {
    if x > 37.0 {
        return 0.0;
    }
    let b = [4.0, 3.0, 2.0, 1.0]
        .iter()
        .fold(x + 0.65, |b, &k| x + k / b);
    exp(-0.5 * x * x) / b / 2.506_628_274_631_000_5
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_matches_the_library() {
        let worst = std::iter::successors(Some(-700.0f64), |x| Some(x + 0.0137))
            .take_while(|&x| x <= 700.0)
            .map(|x| (exp(x) - x.exp()).abs() / x.exp())
            .fold(0.0, f64::max);
        assert!(worst < 2e-14, "worst relative error {worst:e}");
        assert_eq!(exp(0.0), 1.0);
    }

    #[test]
    fn normal_cdf_matches_statrs_in_both_tails() {
        let mut z = -37.0;
        let (mut zs, mut exact) = (Vec::new(), Vec::new());
        while z < 8.2 {
            zs.push(z);
            exact.push(0.5 * statrs::function::erf::erfc(-z / std::f64::consts::SQRT_2));
            z += 0.000_7;
        }
        // Both loops: the branch-free one on the body, the other once a far value is present.
        let body: Vec<f64> = zs.iter().copied().filter(|z| z.abs() < HART_EDGE).collect();
        let mut fast = body.clone();
        normal_cdf(&mut fast);
        let mut all = zs.clone();
        normal_cdf(&mut all);
        let mut worst = 0.0f64;
        for (&z, (&e, &got)) in zs.iter().zip(exact.iter().zip(&all)) {
            // Relative to the smaller tail, so that the upper tail counts as much as the lower;
            // above 1 − 1e-7 the spacing of doubles near 1 (1.1e-16) is the limit.
            let tail = e.min(1.0 - e).max(1e-7);
            worst = worst.max((got - e).abs() / tail);
            if z.abs() < HART_EDGE {
                let i = body.iter().position(|&b| b == z).unwrap();
                assert_eq!(fast[i], got, "the two loops differ at {z}");
            }
        }
        assert!(worst < 1e-8, "worst relative error {worst:e}");
        let mut ends = [0.0, -40.0, 40.0];
        normal_cdf(&mut ends);
        assert_eq!(ends, [0.5, 0.0, 1.0]);
    }
}
