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

/// Calls `$body($arg, …)`, an `#[inline(always)]` function, built for AVX2 and FMA where the
/// CPU has them, so that its loops vectorise four wide, else as the build is: the same
/// operations, so the same values (Rust never fuses a multiply and an add on its own). The
/// arguments are the caller's variables of those names and types.
macro_rules! with_avx2 {
    ($body:path, $($arg:ident: $ty:ty),+) => {{
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("fma")
        {
            #[target_feature(enable = "avx2,fma")]
            fn run($($arg: $ty),+) {
                $body($($arg),+)
            }
            // SAFETY: the CPU reports AVX2 and FMA.
            unsafe { run($($arg),+) };
            return;
        }
        $body($($arg),+)
    }};
}
pub(crate) use with_avx2;

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
    with_avx2!(normal_cdf_body, values: &mut [f64])
}

#[inline(always)]
fn normal_cdf_body(values: &mut [f64]) {
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

/// Horner's rule on coefficients from the constant term up: plain arithmetic, as above.
#[inline(always)]
fn polynomial(x: f64, k: &[f64; 8]) -> f64 {
    k.iter().rev().fold(0.0, |acc, &c| acc * x + c)
}

/// AS 241's rational function for |p − 0.5| ≤ 0.425, numerator and denominator. Its
/// coefficients here and below are as published (more digits than a double holds), so they
/// can be checked against the paper.
#[allow(clippy::excessive_precision)]
const MIDDLE_NUMERATOR: [f64; 8] = [
    3.387_132_872_796_366_608,
    133.141_667_891_784_377_45,
    1_971.590_950_306_551_442_7,
    13_731.693_765_509_461_125,
    45_921.953_931_549_871_457,
    67_265.770_927_008_700_853,
    33_430.575_583_588_128_105,
    2_509.080_928_730_122_672_7,
];
#[allow(clippy::excessive_precision)]
const MIDDLE_DENOMINATOR: [f64; 8] = [
    1.0,
    42.313_330_701_600_911_252,
    687.187_007_492_057_908_3,
    5_394.196_021_424_751_107_7,
    21_213.794_301_586_595_867,
    39_307.895_800_092_710_61,
    28_729.085_735_721_942_674,
    5_226.495_278_852_854_561,
];

/// Φ⁻¹(0.5 + q) by AS 241's middle rational function, for |q| ≤ 0.425 (no branch, so a loop
/// of it vectorises).
#[inline(always)]
fn middle_quantile(q: f64) -> f64 {
    let r = 0.180_625 - q * q;
    q * polynomial(r, &MIDDLE_NUMERATOR) / polynomial(r, &MIDDLE_DENOMINATOR)
}

/// AS 241's rational function for 0.425 < |p − 0.5| with r = sqrt(−ln p) ≤ 5, in r − 1.6.
#[allow(clippy::excessive_precision)]
const NEAR_NUMERATOR: [f64; 8] = [
    1.423_437_110_749_683_577_34,
    4.630_337_846_156_545_295_9,
    5.769_497_221_460_691_405_5,
    3.647_848_324_763_204_605_04,
    1.270_458_252_452_368_382_58,
    0.241_780_725_177_450_611_77,
    2.272_384_498_926_918_458_33e-2,
    7.745_450_142_783_414_076_4e-4,
];
#[allow(clippy::excessive_precision)]
const NEAR_DENOMINATOR: [f64; 8] = [
    1.0,
    2.053_191_626_637_758_821_87,
    1.676_384_830_183_803_849_4,
    0.689_767_334_985_100_004_55,
    0.148_103_976_427_480_074_59,
    1.519_866_656_361_645_719_66e-2,
    5.475_938_084_995_344_946e-4,
    1.050_750_071_644_416_843_24e-9,
];
/// The same beyond r = 5, in r − 5.
#[allow(clippy::excessive_precision)]
const FAR_NUMERATOR: [f64; 8] = [
    6.657_904_643_501_103_777_2,
    5.463_784_911_164_114_369_9,
    1.784_826_539_917_291_335_8,
    0.296_560_571_828_504_891_23,
    2.653_218_952_657_612_309_3e-2,
    1.242_660_947_388_078_438_6e-3,
    2.711_555_568_743_487_578_15e-5,
    2.010_334_399_292_288_132_65e-7,
];
#[allow(clippy::excessive_precision)]
const FAR_DENOMINATOR: [f64; 8] = [
    1.0,
    0.599_832_206_555_887_937_69,
    0.136_929_880_922_735_805_31,
    1.487_536_129_085_061_485_25e-2,
    7.868_691_311_456_132_591e-4,
    1.846_318_317_510_054_681_8e-5,
    1.421_511_758_316_445_888_7e-7,
    2.044_263_103_389_939_785_64e-15,
];

/// The standard Normal quantile Φ⁻¹(p) for 0 < p < 1: Wichura's algorithm AS 241 (PPND16,
/// Applied Statistics 37, 1988), about 1e-16 relative. The middle 85 % of p is one rational
/// function without `ln`; the tails take `sqrt(−ln p)` first.
#[inline(always)]
pub fn normal_quantile(p: f64) -> f64 {
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        return middle_quantile(q);
    }
    tail_quantile(q, tail_log(p, q))
}

/// ln of the tail's probability, min(p, 1 − p), for p = 0.5 + q.
#[inline(always)]
fn tail_log(p: f64, q: f64) -> f64 {
    (if q < 0.0 { p } else { 1.0 - p }).ln()
}

/// Φ⁻¹(0.5 + q) in a tail (|q| > 0.425), from `log` = [`tail_log`].
#[inline(always)]
fn tail_quantile(q: f64, log: f64) -> f64 {
    let r = (-log).sqrt();
    let x = if r <= 5.0 {
        near_tail(r)
    } else {
        polynomial(r - 5.0, &FAR_NUMERATOR) / polynomial(r - 5.0, &FAR_DENOMINATOR)
    };
    if q < 0.0 { -x } else { x }
}

/// The rational function of the tail as far as r = 5 (p down to about 1.4e-11).
#[inline(always)]
fn near_tail(r: f64) -> f64 {
    polynomial(r - 1.6, &NEAR_NUMERATOR) / polynomial(r - 1.6, &NEAR_DENOMINATOR)
}

/// [`normal_quantile`] of each p in `values`, in place: the middle's rational function on
/// every value in one pass without branches (so it vectorises), then the tails, about 15 % of
/// uniform p's, one by one. The same values as `normal_quantile`.
pub fn normal_quantiles(values: &mut [f64]) {
    with_avx2!(normal_quantiles_body, values: &mut [f64])
}

#[inline(always)]
fn normal_quantiles_body(values: &mut [f64]) {
    const BLOCK: usize = 256;
    let (mut held, mut tails) = ([0.0; BLOCK], [0u16; BLOCK]);
    let (mut logs, mut near) = ([0.0; BLOCK], [0.0; BLOCK]);
    for block in values.chunks_mut(BLOCK) {
        let held = &mut held[..block.len()];
        held.copy_from_slice(block);
        for x in block.iter_mut() {
            *x = middle_quantile(*x - 0.5);
        }
        // The tails' places, listed without a branch; then their logarithms, one library
        // call each, in a loop whose iterations overlap; then the rational function of the
        // near tail on all of them, a pass without branches that vectorises; last, the few
        // beyond r = 5 (p below about 1.4e-11) again on their own. The same operations as
        // `normal_quantile`, so the same values.
        let mut count = 0;
        for (i, &p) in held.iter().enumerate() {
            tails[count] = i as u16;
            count += usize::from((p - 0.5).abs() > 0.425);
        }
        let tails = &tails[..count];
        let logs = &mut logs[..count];
        for (log, &i) in logs.iter_mut().zip(tails) {
            let p = held[usize::from(i)];
            *log = tail_log(p, p - 0.5);
        }
        let near = &mut near[..count];
        for (x, &log) in near.iter_mut().zip(logs.iter()) {
            *x = near_tail((-log).sqrt());
        }
        for ((&i, &log), &x) in tails.iter().zip(logs.iter()).zip(near.iter()) {
            let i = usize::from(i);
            let q = held[i] - 0.5;
            block[i] = if log >= -25.0 {
                if q < 0.0 { -x } else { x }
            } else {
                tail_quantile(q, log)
            };
        }
    }
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

    #[test]
    fn normal_quantile_matches_statrs_and_inverts_phi() {
        let normal = statrs::distribution::Normal::standard();
        let mut worst = 0.0f64;
        // From 1e-300 to 1 − 1e-16, densely in the middle and geometrically in the tails.
        let tails =
            std::iter::successors(Some(1e-300f64), |p| Some(p * 1.37)).take_while(|&p| p < 0.5);
        let middle = (1..20_000).map(|i| f64::from(i) / 20_000.0);
        for p in tails
            .clone()
            .chain(middle)
            .chain(tails.clone().map(|p| 1.0 - p).filter(|&p| p < 1.0))
        {
            let exact = statrs::distribution::ContinuousCDF::inverse_cdf(&normal, p);
            let got = normal_quantile(p);
            worst = worst.max((got - exact).abs() / exact.abs().max(1e-3));
        }
        assert!(worst < 1e-13, "worst relative error {worst:e}");
        assert_eq!(normal_quantile(0.5), 0.0);
        // The slice form gives the same bits everywhere: the middle, both tails as far as
        // 1e-300, and around the far tail's edge, r = 5 (p = e^−25).
        let edge = (-25.0f64).exp();
        let around_edge = (-40..=40).map(|k| f64::from_bits((edge.to_bits() as i64 + k) as u64));
        let ps: Vec<f64> = (1..3_000)
            .map(|i| f64::from(i) / 3_000.0)
            .chain(tails.clone())
            .chain(tails.clone().map(|p| 1.0 - p).filter(|&p| p < 1.0))
            .chain(around_edge)
            .collect();
        let mut slice = ps.clone();
        normal_quantiles(&mut slice);
        for (&p, &x) in ps.iter().zip(&slice) {
            assert_eq!(x.to_bits(), normal_quantile(p).to_bits(), "at {p}");
        }
        let mut phi = [normal_quantile(0.025), normal_quantile(0.975)];
        normal_cdf(&mut phi);
        assert!(
            (phi[0] - 0.025).abs() < 1e-10 && (phi[1] - 0.975).abs() < 1e-10,
            "{phi:?}"
        );
    }
}
