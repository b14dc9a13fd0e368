//! The engine's inner loops: a portable version that defines the arithmetic, an AVX2 version
//! that performs exactly the same floating-point operations in the same order, four paths at
//! a time, and an AVX-512 version of the growth loop, eight at a time. Fused multiply-adds
//! appear in all (`mul_add` is correctly rounded everywhere), so they give bit-identical
//! results (a test runs all three); the portable one is used when the CPU lacks AVX2 and FMA.
//! (Only a NaN u could tell them apart: the SIMD e^u clamps it to −700, the portable one keeps
//! it; finite inputs, which validation ensures, never produce one.)
//!
//! The compiler's auto-vectorisation of these loops was fragile: a zip of six iterators became
//! a call per element, and the moment sums became lane shuffles with a long dependency chain.
//! Written by hand, one pass over a chunk does it all: the shocks (drawn a group of paths
//! ahead, in path order, so the generator's scalar work overlaps the vector arithmetic),
//! growth, AR(1) noise, e^u, the histogram bucket, first passage and the year's moments.

use super::MIN_GROWTH;
use super::fastexp;
use super::rng::Generator;
use crate::quantile::{Buckets, RankPlan};

/// Moment accumulators: path i feeds lane i mod LANES, so eight independent sums hide the
/// latency of floating-point addition.
pub(super) const LANES: usize = 8;

/// The per-year constants of the growth loop.
#[derive(Debug, Clone, Copy)]
pub(super) struct GrowthConstants {
    /// Growth before uplift is `base + r0 · decay`.
    pub base: f64,
    pub decay: f64,
    pub persistence: f64,
    /// Volatility when there are no events (with events it comes from the effect rows).
    pub volatility: f64,
    /// 1 / capacity, or 0 without capacity.
    pub inv_capacity: f64,
    pub target: f64,
    pub year: i32,
    /// Subtracted before summing, for numerical stability (set by [`grow`]).
    pub shift: f64,
}

/// One chunk's paths, as slices of equal length.
pub(super) struct Paths<'a> {
    pub revenue: &'a mut [f64],
    /// Out: the histogram bucket of each path's new revenue, under `layout`.
    pub buckets: &'a mut [u32],
    pub layout: &'a Buckets,
    pub ar: &'a mut [f64],
    pub first_passage: &'a mut [i32],
    pub initial_growth: &'a [f64],
    /// Scratch for the shocks ε, which the loop draws path by path as it goes.
    pub eps: &'a mut [f64],
    /// Inputs that differ from path to path (uncertain inputs), or `None` when every path
    /// shares the constants.
    pub lanes: Option<PathLanes<'a>>,
}

/// One per-path input of the growth loop: a value per path, or one value for all.
#[derive(Debug, Clone, Copy)]
pub(super) struct Lane<'a> {
    /// Per path (`mask` = all ones), or eight copies of one value (`mask` = 0), so the loop
    /// reads `values[i & mask]` without a branch.
    values: &'a [f64],
    mask: usize,
}

impl<'a> Lane<'a> {
    /// One value per path.
    pub fn per_path(values: &'a [f64]) -> Lane<'a> {
        Lane {
            values,
            mask: usize::MAX,
        }
    }

    /// One value for every path (`copies` holds it eight times).
    pub fn shared(copies: &'a [f64; LANES]) -> Lane<'a> {
        Lane {
            values: copies,
            mask: 0,
        }
    }

    #[inline(always)]
    fn get(&self, i: usize) -> f64 {
        self.values[i & self.mask]
    }

    /// Whether every index below `n` may be read (checked once before the unchecked loops).
    fn covers(&self, n: usize) -> bool {
        if self.mask == 0 {
            self.values.len() >= LANES
        } else {
            self.values.len() >= n
        }
    }
}

/// The inputs that may differ from path to path besides the growth trend (which comes in
/// `initial_growth`): persistence φ, the shocks' scale σ (times any event multipliers that
/// differ by path; the effect rows then carry no base volatility), a level factor this year,
/// and 1 / capacity.
#[derive(Debug, Clone, Copy)]
pub(super) struct PathLanes<'a> {
    pub persistence: Lane<'a>,
    pub sigma: Lane<'a>,
    pub level: Lane<'a>,
    pub inv_capacity: Lane<'a>,
}

impl<'a> PathLanes<'a> {
    fn covers(&self, n: usize) -> bool {
        [self.persistence, self.sigma, self.level, self.inv_capacity]
            .iter()
            .all(|l| l.covers(n))
    }

    fn at(&self, i: usize) -> PathValues {
        PathValues {
            persistence: self.persistence.get(i),
            sigma: self.sigma.get(i),
            level: self.level.get(i),
            inv_capacity: self.inv_capacity.get(i),
        }
    }
}

/// One path's values of [`PathLanes`].
#[derive(Debug, Clone, Copy)]
struct PathValues {
    persistence: f64,
    sigma: f64,
    level: f64,
    inv_capacity: f64,
}

/// Per event, the effect row `[uplift, volatility factor, level factor, 0]` of each code this
/// year, and each path's code. Rows combine across events as (+, ×, ×).
pub(super) struct Effects<'a> {
    pub rows: &'a [Vec<[f64; 4]>],
    pub codes: &'a EventCodes<'a>,
}

/// Each event's code per path, with the largest, found once per run: the inner loop looks rows
/// up without bounds checks, which is sound only while every code is at most its event's largest
/// (checking each chunk's codes every year instead is measurably slower; see benches/README).
///
/// The fields are private and set only by [`EventCodes::new`]: the unchecked row lookups are
/// sound because `max` is each event's true largest code.
pub(super) struct EventCodes<'a> {
    codes: Vec<&'a [u16]>,
    max: Vec<u16>,
}

impl<'a> EventCodes<'a> {
    pub fn new(codes: Vec<&'a [u16]>) -> EventCodes<'a> {
        let max = codes
            .iter()
            .map(|c| c.iter().copied().max().unwrap_or(0))
            .collect();
        EventCodes { codes, max }
    }

    /// Each event's codes, one per path.
    pub fn codes(&self) -> &[&'a [u16]] {
        &self.codes
    }

    /// Each event's largest code.
    pub fn max(&self) -> &[u16] {
        &self.max
    }
}

/// Per-lane sums of one chunk's new revenue.
#[derive(Debug, Clone, Copy)]
pub(super) struct LaneMoments {
    pub n: usize,
    pub shift: f64,
    pub sum: [f64; LANES],
    pub sum_sq: [f64; LANES],
    pub min: [f64; LANES],
    pub max: [f64; LANES],
    pub reached: [u64; LANES],
}

impl LaneMoments {
    fn new(n: usize, shift: f64) -> LaneMoments {
        LaneMoments {
            n,
            shift,
            sum: [0.0; LANES],
            sum_sq: [0.0; LANES],
            min: [f64::INFINITY; LANES],
            max: [f64::NEG_INFINITY; LANES],
            reached: [0; LANES],
        }
    }

    #[inline(always)]
    fn add(&mut self, lane: usize, x: f64, target: f64) {
        let d = x - self.shift;
        self.sum[lane] += d;
        self.sum_sq[lane] = d.mul_add(d, self.sum_sq[lane]);
        self.min[lane] = if x < self.min[lane] {
            x
        } else {
            self.min[lane]
        };
        self.max[lane] = if x > self.max[lane] {
            x
        } else {
            self.max[lane]
        };
        self.reached[lane] += u64::from(x >= target);
    }

    /// Lanes combined pairwise, in a fixed order.
    pub fn total_sum(v: &[f64; LANES]) -> f64 {
        ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]))
    }
}

/// Which version of the inner loops runs: all give bit-identical results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Simd {
    Portable,
    Avx2,
    /// AVX-512 (F and VL) for the growth loop where the events' tables fit it, else AVX2.
    Avx512,
}

impl Simd {
    /// The best the CPU offers, less what `SAFETECH_NO_SIMD` or `SAFETECH_NO_AVX512` (set to
    /// anything) turn off, for tests.
    #[cfg(target_arch = "x86_64")]
    pub fn detect() -> Simd {
        use std::arch::is_x86_feature_detected as has;
        let off = |name| std::env::var_os(name).is_some();
        if off("SAFETECH_NO_SIMD") || !(has!("avx2") && has!("fma")) {
            Simd::Portable
        } else if off("SAFETECH_NO_AVX512") || !(has!("avx512f") && has!("avx512vl")) {
            Simd::Avx2
        } else {
            Simd::Avx512
        }
    }

    #[cfg(not(target_arch = "x86_64"))]
    pub fn detect() -> Simd {
        Simd::Portable
    }

    /// At least AVX2 and FMA.
    pub fn avx2(self) -> bool {
        self != Simd::Portable
    }
}

/// Advances every path of a chunk by one year, drawing each path's shock with `sample` from
/// `shocks` in path order; returns the moments of the new revenue.
pub(super) fn grow<S: Fn(&mut Generator) -> f64>(
    c: &GrowthConstants,
    paths: Paths,
    effects: Option<&Effects>,
    offset: usize,
    simd: Simd,
    shocks: &mut Generator,
    sample: S,
) -> LaneMoments {
    let n = paths.revenue.len();
    if n == 0 {
        return LaneMoments::new(0, 0.0);
    }
    // A local copy of the generator, written back at the end: through the `&mut` the compiler
    // would store and reload its state in memory on every draw.
    let mut g = shocks.clone();
    // The first group's shocks, which the shift below needs.
    for e in &mut paths.eps[..n.min(LANES)] {
        *e = sample(&mut g);
    }
    // Sums are taken relative to the first path's new revenue, so that they do not cancel
    // when the paths are close together (a σ = 0 run has all paths equal).
    let row = effects.map(|e| effect_row(e, offset));
    let (first, _) = next_year(
        c,
        paths.revenue[0],
        paths.ar[0],
        paths.initial_growth[0],
        paths.eps[0],
        row,
        paths.lanes.map(|l| l.at(0)),
    );
    let c = &GrowthConstants {
        shift: if first.is_finite() { first } else { 0.0 },
        ..*c
    };
    #[cfg(target_arch = "x86_64")]
    if simd.avx2() && paths.lanes.is_some() {
        // Inputs that differ by path: the AVX2 loop (the AVX-512 one has no such version);
        // capacity is always applied (1 / capacity is 0 on paths without one).
        let grow = match effects.is_some() {
            true => avx2::grow::<true, true, true, S>,
            false => avx2::grow::<false, true, true, S>,
        };
        // SAFETY: `Simd::detect` chose AVX2 only when the CPU reports its features.
        let moments = unsafe { grow(c, paths, effects, offset, &mut g, &sample) };
        *shocks = g;
        return moments;
    }
    #[cfg(target_arch = "x86_64")]
    if simd.avx2() {
        // Without capacity the saturation is a multiplication by 1: skipped.
        let capacity = c.inv_capacity != 0.0;
        // The chosen loop's instantiation for these (events, capacity).
        macro_rules! variant {
            ($simd:ident) => {
                match (effects.is_some(), capacity) {
                    (true, true) => $simd::grow::<true, true, false, S>,
                    (true, false) => $simd::grow::<true, false, false, S>,
                    (false, true) => $simd::grow::<false, true, false, S>,
                    (false, false) => $simd::grow::<false, false, false, S>,
                }
            };
        }
        let grow = if simd == Simd::Avx512 && avx512::fits(effects) {
            variant!(avx512)
        } else {
            variant!(avx2)
        };
        // SAFETY: `Simd::detect` chose these only when the CPU reports their features.
        let moments = unsafe { grow(c, paths, effects, offset, &mut g, &sample) };
        *shocks = g;
        return moments;
    }
    let _ = simd;
    for e in &mut paths.eps[LANES.min(n)..] {
        *e = sample(&mut g);
    }
    *shocks = g;
    let mut moments = LaneMoments::new(n, c.shift);
    grow_portable(c, paths, effects, offset, 0, &mut moments);
    moments
}

/// The reference arithmetic, from path `from` on.
#[inline(always)]
fn grow_portable(
    c: &GrowthConstants,
    p: Paths,
    effects: Option<&Effects>,
    offset: usize,
    from: usize,
    moments: &mut LaneMoments,
) {
    let n = p.revenue.len();
    let (ar, r0, eps) = (&mut p.ar[..n], &p.initial_growth[..n], &p.eps[..n]);
    let first = &mut p.first_passage[..n];
    let lanes = p.lanes;
    for i in from..n {
        let row = effects.map(|e| effect_row(e, offset + i));
        let values = lanes.map(|l| l.at(i));
        let (r, u) = next_year(c, p.revenue[i], ar[i], r0[i], eps[i], row, values);
        ar[i] = u;
        p.revenue[i] = r;
        p.buckets[i] = p.layout.index(r) as u32;
        first[i] = if r >= c.target && first[i] == 0 {
            c.year
        } else {
            first[i]
        };
        moments.add(i % LANES, r, c.target);
    }
}

/// One path's (revenue, AR(1) term) next year, from its revenue, AR(1) term, initial growth,
/// shock, (with events) effect row this year and (with inputs that differ by path) its values.
#[inline(always)]
fn next_year(
    c: &GrowthConstants,
    r: f64,
    ar: f64,
    r0: f64,
    eps: f64,
    row: Option<[f64; 4]>,
    values: Option<PathValues>,
) -> (f64, f64) {
    let trend = r0.mul_add(c.decay, c.base);
    if let Some(v) = values {
        // The same operations, in the same order, as the AVX2 loop's version with lanes.
        let crowding = (-r).mul_add(v.inv_capacity, 1.0);
        let [uplift, vol, level, _] = row.unwrap_or([0.0, 1.0, 1.0, 0.0]);
        let growth = saturated(trend + uplift, crowding).max(MIN_GROWTH);
        let u = v.persistence.mul_add(ar, (vol * v.sigma) * eps);
        return (
            r * ((((1.0 + growth) * level) * v.level) * fastexp::exp(u)),
            u,
        );
    }
    let crowding = (-r).mul_add(c.inv_capacity, 1.0);
    match row {
        None => {
            let growth = saturated(trend, crowding).max(MIN_GROWTH);
            let u = c.persistence.mul_add(ar, c.volatility * eps);
            (r * ((1.0 + growth) * fastexp::exp(u)), u)
        }
        Some([uplift, vol, level, _]) => {
            let growth = saturated(trend + uplift, crowding).max(MIN_GROWTH);
            let u = c.persistence.mul_add(ar, vol * eps);
            (r * (((1.0 + growth) * level) * fastexp::exp(u)), u)
        }
    }
}

/// Mean growth `m` after logistic saturation: capacity slows growth (and above capacity turns
/// it into decline), but does not soften a decline, nor turn a decline above capacity into
/// growth, as m·(1 − R/K) with m < 0 would. Without capacity `crowding` is exactly 1.
#[inline(always)]
fn saturated(m: f64, crowding: f64) -> f64 {
    if m > 0.0 { m * crowding } else { m }
}

#[inline(always)]
fn effect_row(e: &Effects, path: usize) -> [f64; 4] {
    let codes = e.codes.codes();
    let mut row = e.rows[0][codes[0][path] as usize];
    for (rows, codes) in e.rows.iter().zip(codes).skip(1) {
        let r = rows[codes[path] as usize];
        row = [row[0] + r[0], row[1] * r[1], row[2] * r[2], row[3] * r[3]];
    }
    row
}

/// Pushes each value that falls in one of `plan`'s wanted buckets to that bucket's members.
pub(super) fn collect_members(
    buckets: &Buckets,
    plan: &RankPlan,
    values: &[f64],
    members: &mut [Vec<f64>],
    simd: Simd,
) {
    #[cfg(target_arch = "x86_64")]
    if simd.avx2() {
        // SAFETY: as in `grow`.
        unsafe { avx2::collect_members(buckets, plan, values, members) };
        return;
    }
    let _ = simd;
    plan.gather(buckets, values, members);
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use super::{
        Effects, Generator, GrowthConstants, LANES, Lane, LaneMoments, Paths, grow_portable,
    };
    use crate::quantile::{BUCKETS, Buckets, RankPlan};
    use crate::sim::MIN_GROWTH;
    use crate::sim::fastexp::{C, LN2_HI, LN2_LO, LOG2E, ROUNDER};

    /// `fastexp::exp`, four at a time, operation for operation.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn exp(x: __m256d) -> __m256d {
        let x = _mm256_min_pd(
            _mm256_max_pd(x, _mm256_set1_pd(-700.0)),
            _mm256_set1_pd(700.0),
        );
        let rounder = _mm256_set1_pd(ROUNDER);
        let shifted = _mm256_fmadd_pd(x, _mm256_set1_pd(LOG2E), rounder);
        let k = _mm256_sub_pd(shifted, rounder);
        let r = _mm256_fnmadd_pd(k, _mm256_set1_pd(LN2_HI), x);
        let r = _mm256_fnmadd_pd(k, _mm256_set1_pd(LN2_LO), r);
        // Estrin's scheme, operation for operation as `fastexp::estrin`.
        let r2 = _mm256_mul_pd(r, r);
        let r4 = _mm256_mul_pd(r2, r2);
        let r8 = _mm256_mul_pd(r4, r4);
        let pair = |k: usize| _mm256_fmadd_pd(_mm256_set1_pd(C[k + 1]), r, _mm256_set1_pd(C[k]));
        let low = _mm256_fmadd_pd(pair(2), r2, pair(0));
        let mid = _mm256_fmadd_pd(pair(6), r2, pair(4));
        let high = _mm256_fmadd_pd(pair(10), r2, pair(8));
        let p = _mm256_fmadd_pd(r8, high, _mm256_fmadd_pd(r4, mid, low));
        let ki = _mm256_sub_epi64(
            _mm256_castpd_si256(shifted),
            _mm256_set1_epi64x(ROUNDER.to_bits() as i64),
        );
        let scale = _mm256_slli_epi64::<52>(_mm256_add_epi64(ki, _mm256_set1_epi64x(1023)));
        _mm256_mul_pd(p, _mm256_castsi256_pd(scale))
    }

    /// The combined effect row of one path. `tables` holds, per event, its rows and this
    /// chunk's codes, checked in range by the caller.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn effect_row(tables: &[(&[[f64; 4]], &[u16])], i: usize) -> __m256d {
        let row = |(rows, codes): &(&[[f64; 4]], &[u16])| {
            // SAFETY: i < codes.len() and every code < rows.len() (checked in `grow`); a row
            // is four readable f64.
            unsafe {
                let code = *codes.get_unchecked(i) as usize;
                _mm256_loadu_pd(rows.get_unchecked(code).as_ptr())
            }
        };
        let mut acc = row(&tables[0]);
        for t in &tables[1..] {
            let r = row(t);
            // Lane 0 adds (uplift), lanes 1–3 multiply (volatility, level, padding).
            acc = _mm256_blend_pd::<0b1110>(_mm256_add_pd(acc, r), _mm256_mul_pd(acc, r));
        }
        acc
    }

    /// Effect rows of paths i..i+4, transposed to (uplift, volatility, level) vectors.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn effect_vectors(t: &[(&[[f64; 4]], &[u16])], i: usize) -> (__m256d, __m256d, __m256d) {
        let (a, b) = (effect_row(t, i), effect_row(t, i + 1));
        let (c, d) = (effect_row(t, i + 2), effect_row(t, i + 3));
        let lo_ab = _mm256_unpacklo_pd(a, b);
        let hi_ab = _mm256_unpackhi_pd(a, b);
        let lo_cd = _mm256_unpacklo_pd(c, d);
        let hi_cd = _mm256_unpackhi_pd(c, d);
        (
            _mm256_permute2f128_pd::<0x20>(lo_ab, lo_cd),
            _mm256_permute2f128_pd::<0x20>(hi_ab, hi_cd),
            _mm256_permute2f128_pd::<0x31>(lo_ab, lo_cd),
        )
    }

    /// The shocks of paths from `LANES` on are drawn here, one group ahead of the group being
    /// grown (the caller drew the first group).
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn grow<
        const EVENTS: bool,
        const CAPACITY: bool,
        const LANES_BY_PATH: bool,
        S: Fn(&mut Generator) -> f64,
    >(
        c: &GrowthConstants,
        p: Paths,
        effects: Option<&Effects>,
        offset: usize,
        shocks: &mut Generator,
        sample: &S,
    ) -> LaneMoments {
        let n = p.revenue.len();
        assert!(p.ar.len() >= n && p.first_passage.len() >= n);
        assert!(p.initial_growth.len() >= n && p.eps.len() >= n && p.buckets.len() >= n);
        let lanes = p.lanes.filter(|_| LANES_BY_PATH);
        assert!(lanes.is_some() == LANES_BY_PATH && lanes.is_none_or(|l| l.covers(n)));
        // Pointer and mask of each per-path input (unused without them).
        let lane =
            |l: Option<Lane>| l.map_or((std::ptr::null(), 0), |l| (l.values.as_ptr(), l.mask));
        let (phi_p, phi_m) = lane(lanes.map(|l| l.persistence));
        let (sigma_p, sigma_m) = lane(lanes.map(|l| l.sigma));
        let (level_p, level_m) = lane(lanes.map(|l| l.level));
        let (cap_p, cap_m) = lane(lanes.map(|l| l.inv_capacity));
        let e = effects.filter(|_| EVENTS);
        // Each event's rows and this chunk's codes, checked here so the loop needs no checks.
        let tables: Vec<(&[[f64; 4]], &[u16])> = e.map_or_else(Vec::new, |e| {
            e.rows
                .iter()
                .zip(e.codes.codes())
                .zip(e.codes.max())
                .map(|((rows, codes), &max)| {
                    assert!((max as usize) < rows.len());
                    (rows.as_slice(), &codes[offset..offset + n])
                })
                .collect()
        });
        let base = _mm256_set1_pd(c.base);
        let decay = _mm256_set1_pd(c.decay);
        let phi = _mm256_set1_pd(c.persistence);
        let sigma = _mm256_set1_pd(c.volatility);
        let inv_cap = _mm256_set1_pd(c.inv_capacity);
        let target = _mm256_set1_pd(c.target);
        let shift = _mm256_set1_pd(c.shift);
        let one = _mm256_set1_pd(1.0);
        let min_growth = _mm256_set1_pd(MIN_GROWTH);
        let year = _mm_set1_epi32(c.year);
        let low_halves = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
        let (low_bits, bucket_shift) = p.layout.parts();
        let low = _mm256_set1_epi64x(low_bits as i64);
        let last = _mm256_set1_epi64x(BUCKETS as i64 - 1);
        let count = _mm_set_epi64x(0, i64::from(bucket_shift));
        let mut sum = [_mm256_setzero_pd(); 2];
        let mut sum_sq = [_mm256_setzero_pd(); 2];
        let mut min = [_mm256_set1_pd(f64::INFINITY); 2];
        let mut max = [_mm256_set1_pd(f64::NEG_INFINITY); 2];
        let mut reached = [_mm256_setzero_si256(); 2];

        let whole = n - n % LANES;
        let (rp, arp) = (p.revenue.as_mut_ptr(), p.ar.as_mut_ptr());
        let (r0p, ep) = (p.initial_growth.as_ptr(), p.eps.as_mut_ptr());
        let mut g = shocks.clone();
        let fp = p.first_passage.as_mut_ptr();
        let bp = p.buckets.as_mut_ptr();
        // The year's multiplier of paths i..i+4, (1 + growth)·level·e^u, with u stored as the
        // new AR(1) term. It needs only last year's state and this year's shock, so the loop
        // computes it one group ahead: the long chain through the effect rows and e^u then
        // overlaps the previous group's revenue update instead of following it.
        let multiplier = |i: usize| {
            // SAFETY: i + 4 ≤ whole ≤ n, and every slice holds at least n values.
            unsafe {
                let ar = _mm256_loadu_pd(arp.add(i));
                let r0 = _mm256_loadu_pd(r0p.add(i));
                let eps = _mm256_loadu_pd(ep.add(i));
                let trend = _mm256_fmadd_pd(r0, decay, base);
                if LANES_BY_PATH {
                    // Shared values are eight copies read from index 0 (mask 0): four equal
                    // values, as a broadcast would give.
                    let load = |p: *const f64, m: usize| _mm256_loadu_pd(p.add(i & m));
                    let inv_cap = load(cap_p, cap_m);
                    let r = _mm256_loadu_pd(rp.add(i));
                    let crowding = _mm256_fnmadd_pd(r, inv_cap, one);
                    let (uplift, vol, level) = if EVENTS {
                        effect_vectors(&tables, i)
                    } else {
                        (_mm256_setzero_pd(), one, one)
                    };
                    let growth = _mm256_max_pd(
                        saturated(_mm256_add_pd(trend, uplift), crowding),
                        min_growth,
                    );
                    let shock = _mm256_mul_pd(_mm256_mul_pd(vol, load(sigma_p, sigma_m)), eps);
                    let u = _mm256_fmadd_pd(load(phi_p, phi_m), ar, shock);
                    _mm256_storeu_pd(arp.add(i), u);
                    let factor = _mm256_mul_pd(_mm256_add_pd(one, growth), level);
                    let factor = _mm256_mul_pd(factor, load(level_p, level_m));
                    return _mm256_mul_pd(factor, exp(u));
                }
                let saturate = |m| {
                    if CAPACITY {
                        let r = _mm256_loadu_pd(rp.add(i));
                        saturated(m, _mm256_fnmadd_pd(r, inv_cap, one))
                    } else {
                        m
                    }
                };
                if !EVENTS {
                    let growth = _mm256_max_pd(saturate(trend), min_growth);
                    let u = _mm256_fmadd_pd(phi, ar, _mm256_mul_pd(sigma, eps));
                    _mm256_storeu_pd(arp.add(i), u);
                    _mm256_mul_pd(_mm256_add_pd(one, growth), exp(u))
                } else {
                    let (uplift, vol, level) = effect_vectors(&tables, i);
                    let growth = _mm256_max_pd(saturate(_mm256_add_pd(trend, uplift)), min_growth);
                    let u = _mm256_fmadd_pd(phi, ar, _mm256_mul_pd(vol, eps));
                    _mm256_storeu_pd(arp.add(i), u);
                    let factor = _mm256_mul_pd(_mm256_add_pd(one, growth), level);
                    _mm256_mul_pd(factor, exp(u))
                }
            }
        };
        // Shocks are drawn two groups ahead of the group being finished, one ahead of the
        // multiplier that needs them (the caller drew the first group).
        for k in LANES.min(n)..(2 * LANES).min(n) {
            // SAFETY: k < n ≤ eps.len().
            unsafe { *ep.add(k) = sample(&mut g) };
        }
        let mut next = if whole > 0 {
            [multiplier(0), multiplier(4)]
        } else {
            [_mm256_setzero_pd(); 2]
        };
        for group in (0..whole).step_by(LANES) {
            // The last iterations draw the tail's shocks.
            for k in group + 2 * LANES..(group + 3 * LANES).min(n) {
                // SAFETY: k < n ≤ eps.len().
                unsafe { *ep.add(k) = sample(&mut g) };
            }
            let this = next;
            if group + LANES < whole {
                next = [multiplier(group + LANES), multiplier(group + LANES + 4)];
            }
            for h in 0..2 {
                let i = group + 4 * h;
                // SAFETY: i + 4 ≤ whole ≤ n, and every slice holds at least n values.
                unsafe {
                    let r = _mm256_loadu_pd(rp.add(i));
                    let r_new = _mm256_mul_pd(r, this[h]);
                    let b = indices(r_new, low, count, last);
                    _mm_storeu_si128(
                        bp.add(i) as *mut __m128i,
                        _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(b, low_halves)),
                    );
                    _mm256_storeu_pd(rp.add(i), r_new);

                    let hit = _mm256_cmp_pd::<_CMP_GE_OQ>(r_new, target);
                    let hit32 = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(
                        _mm256_castpd_si256(hit),
                        low_halves,
                    ));
                    let first = _mm_loadu_si128(fp.add(i) as *const __m128i);
                    let unset = _mm_cmpeq_epi32(first, _mm_setzero_si128());
                    let first = _mm_blendv_epi8(first, year, _mm_and_si128(hit32, unset));
                    _mm_storeu_si128(fp.add(i) as *mut __m128i, first);

                    let d = _mm256_sub_pd(r_new, shift);
                    sum[h] = _mm256_add_pd(sum[h], d);
                    sum_sq[h] = _mm256_fmadd_pd(d, d, sum_sq[h]);
                    min[h] = _mm256_min_pd(r_new, min[h]);
                    max[h] = _mm256_max_pd(r_new, max[h]);
                    reached[h] = _mm256_sub_epi64(reached[h], _mm256_castpd_si256(hit));
                }
            }
        }

        let mut m = LaneMoments::new(n, c.shift);
        for h in 0..2 {
            let lanes = 4 * h..4 * h + 4;
            // SAFETY: each destination holds exactly four values.
            unsafe {
                _mm256_storeu_pd(m.sum[lanes.clone()].as_mut_ptr(), sum[h]);
                _mm256_storeu_pd(m.sum_sq[lanes.clone()].as_mut_ptr(), sum_sq[h]);
                _mm256_storeu_pd(m.min[lanes.clone()].as_mut_ptr(), min[h]);
                _mm256_storeu_pd(m.max[lanes.clone()].as_mut_ptr(), max[h]);
                _mm256_storeu_si256(m.reached[lanes].as_mut_ptr() as *mut __m256i, reached[h]);
            }
        }
        *shocks = g;
        grow_portable(c, p, e, offset, whole, &mut m);
        m
    }

    /// `super::saturated`, four at a time.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn saturated(m: __m256d, crowding: __m256d) -> __m256d {
        let growing = _mm256_cmp_pd::<_CMP_GT_OQ>(m, _mm256_setzero_pd());
        _mm256_blendv_pd(m, _mm256_mul_pd(m, crowding), growing)
    }

    /// Bucket indices of four values, as 64-bit lanes.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn indices(values: __m256d, low: __m256i, count: __m128i, last: __m256i) -> __m256i {
        let bits = _mm256_castpd_si256(values);
        let below = _mm256_cmpgt_epi64(low, bits);
        let offset = _mm256_andnot_si256(below, _mm256_sub_epi64(bits, low));
        let b = _mm256_srl_epi64(offset, count);
        _mm256_blendv_epi8(b, last, _mm256_cmpgt_epi64(b, last))
    }

    /// Four values at a time: their buckets' slots are fetched with one gather, and only a
    /// group holding a wanted value (about one in a hundred) is looked at value by value.
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn collect_members(
        buckets: &Buckets,
        plan: &RankPlan,
        values: &[f64],
        members: &mut [Vec<f64>],
    ) {
        let slots = plan.slots();
        assert_eq!(slots.len(), BUCKETS);
        let (low_bits, shift) = buckets.parts();
        let low = _mm256_set1_epi64x(low_bits as i64);
        let last = _mm256_set1_epi64x(BUCKETS as i64 - 1);
        let count = _mm_set_epi64x(0, i64::from(shift));
        let n = values.len();
        let whole = n - n % 4;
        for i in (0..whole).step_by(4) {
            // SAFETY: i + 4 ≤ n; every index is clamped below BUCKETS = slots.len().
            let wanted = unsafe {
                let b = indices(_mm256_loadu_pd(values.as_ptr().add(i)), low, count, last);
                let mut idx = [0u64; 4];
                _mm256_storeu_si256(idx.as_mut_ptr() as *mut __m256i, b);
                // Four plain loads: the gather instruction was slower on the machines measured.
                let slot = |l: usize| *slots.get_unchecked(idx[l] as usize);
                (slot(0) & slot(1)) & (slot(2) & slot(3))
            };
            if wanted != RankPlan::NOT_WANTED {
                plan.gather(buckets, &values[i..i + 4], members);
            }
        }
        plan.gather(buckets, &values[whole..], members);
    }
}

/// The AVX2 loop's operations eight paths at a time, for CPUs with AVX-512 (F and VL). Used
/// when every event's effect table fits in two registers per column (at most 16 codes), so a
/// path's row is picked by a permutation instead of four loads and a transposition.
#[cfg(target_arch = "x86_64")]
pub(super) mod avx512 {
    use std::arch::x86_64::*;

    use super::{Effects, Generator, GrowthConstants, LANES, LaneMoments, Paths, grow_portable};
    use crate::quantile::BUCKETS;
    use crate::sim::MIN_GROWTH;
    use crate::sim::fastexp::{C, LN2_HI, LN2_LO, LOG2E, ROUNDER};

    /// Rows an event's table may have for its columns to fit in two registers each.
    pub const MAX_ROWS: usize = 16;

    /// `fastexp::exp`, eight at a time, operation for operation.
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn exp(x: __m512d) -> __m512d {
        let x = _mm512_min_pd(
            _mm512_max_pd(x, _mm512_set1_pd(-700.0)),
            _mm512_set1_pd(700.0),
        );
        let rounder = _mm512_set1_pd(ROUNDER);
        let shifted = _mm512_fmadd_pd(x, _mm512_set1_pd(LOG2E), rounder);
        let k = _mm512_sub_pd(shifted, rounder);
        let r = _mm512_fnmadd_pd(k, _mm512_set1_pd(LN2_HI), x);
        let r = _mm512_fnmadd_pd(k, _mm512_set1_pd(LN2_LO), r);
        let r2 = _mm512_mul_pd(r, r);
        let r4 = _mm512_mul_pd(r2, r2);
        let r8 = _mm512_mul_pd(r4, r4);
        let pair = |k: usize| _mm512_fmadd_pd(_mm512_set1_pd(C[k + 1]), r, _mm512_set1_pd(C[k]));
        let low = _mm512_fmadd_pd(pair(2), r2, pair(0));
        let mid = _mm512_fmadd_pd(pair(6), r2, pair(4));
        let high = _mm512_fmadd_pd(pair(10), r2, pair(8));
        let p = _mm512_fmadd_pd(r8, high, _mm512_fmadd_pd(r4, mid, low));
        let ki = _mm512_sub_epi64(
            _mm512_castpd_si512(shifted),
            _mm512_set1_epi64(ROUNDER.to_bits() as i64),
        );
        let scale = _mm512_slli_epi64::<52>(_mm512_add_epi64(ki, _mm512_set1_epi64(1023)));
        _mm512_mul_pd(p, _mm512_castsi512_pd(scale))
    }

    /// One event's effect table by column (uplift, volatility factor, level factor), each in
    /// two registers of eight rows, and this chunk's codes.
    struct Columns<'a> {
        columns: [[__m512d; 2]; 3],
        codes: &'a [u16],
    }

    impl Columns<'_> {
        #[inline]
        #[target_feature(enable = "avx512f")]
        fn new<'a>(rows: &[[f64; 4]], codes: &'a [u16]) -> Columns<'a> {
            assert!(rows.len() <= MAX_ROWS);
            let column = |c: usize| {
                let mut v = [0.0; MAX_ROWS];
                for (v, row) in v.iter_mut().zip(rows) {
                    *v = row[c];
                }
                // SAFETY: v holds 16 values.
                unsafe {
                    [
                        _mm512_loadu_pd(v.as_ptr()),
                        _mm512_loadu_pd(v.as_ptr().add(8)),
                    ]
                }
            };
            Columns {
                columns: [column(0), column(1), column(2)],
                codes,
            }
        }

        /// (uplift, volatility factor, level factor) of paths i..i+8.
        #[inline]
        #[target_feature(enable = "avx512f")]
        fn rows(&self, i: usize) -> [__m512d; 3] {
            let codes = &self.codes[i..i + LANES];
            // SAFETY: eight u16 are sixteen readable bytes.
            let codes = unsafe { _mm_loadu_si128(codes.as_ptr() as *const __m128i) };
            let index = _mm512_cvtepu16_epi64(codes);
            // Codes are below the table's length ≤ 16: bit 3 picks the register.
            self.columns
                .map(|[lo, hi]| _mm512_permutex2var_pd(lo, index, hi))
        }
    }

    /// Whether the events' tables fit this loop.
    pub fn fits(effects: Option<&Effects>) -> bool {
        effects.is_none_or(|e| e.rows.iter().all(|rows| rows.len() <= MAX_ROWS))
    }

    /// As `avx2::grow`, eight paths at a time. The caller checks `fits(effects)`.
    #[target_feature(enable = "avx2,fma,avx512f,avx512vl")]
    pub(super) fn grow<
        const EVENTS: bool,
        const CAPACITY: bool,
        const LANES_BY_PATH: bool,
        S: Fn(&mut Generator) -> f64,
    >(
        c: &GrowthConstants,
        p: Paths,
        effects: Option<&Effects>,
        offset: usize,
        shocks: &mut Generator,
        sample: &S,
    ) -> LaneMoments {
        // Inputs that differ by path run in the AVX2 loop.
        assert!(!LANES_BY_PATH && p.lanes.is_none());
        let n = p.revenue.len();
        assert!(p.ar.len() >= n && p.first_passage.len() >= n);
        assert!(p.initial_growth.len() >= n && p.eps.len() >= n && p.buckets.len() >= n);
        let e = effects.filter(|_| EVENTS);
        let tables: Vec<Columns> = e.map_or_else(Vec::new, |e| {
            e.rows
                .iter()
                .zip(e.codes.codes())
                .zip(e.codes.max())
                .map(|((rows, codes), &max)| {
                    assert!((max as usize) < rows.len());
                    Columns::new(rows, &codes[offset..offset + n])
                })
                .collect()
        });
        let base = _mm512_set1_pd(c.base);
        let decay = _mm512_set1_pd(c.decay);
        let phi = _mm512_set1_pd(c.persistence);
        let sigma = _mm512_set1_pd(c.volatility);
        let inv_cap = _mm512_set1_pd(c.inv_capacity);
        let target = _mm512_set1_pd(c.target);
        let shift = _mm512_set1_pd(c.shift);
        let one = _mm512_set1_pd(1.0);
        let min_growth = _mm512_set1_pd(MIN_GROWTH);
        let year = _mm256_set1_epi32(c.year);
        let (low_bits, bucket_shift) = p.layout.parts();
        let low = _mm512_set1_epi64(low_bits as i64);
        let last = _mm512_set1_epi64(BUCKETS as i64 - 1);
        let count = _mm_set_epi64x(0, i64::from(bucket_shift));
        let mut sum = _mm512_setzero_pd();
        let mut sum_sq = _mm512_setzero_pd();
        let mut min = _mm512_set1_pd(f64::INFINITY);
        let mut max = _mm512_set1_pd(f64::NEG_INFINITY);
        let mut reached = _mm512_setzero_si512();
        let counted = _mm512_set1_epi64(1);

        let whole = n - n % LANES;
        let (rp, arp) = (p.revenue.as_mut_ptr(), p.ar.as_mut_ptr());
        let (r0p, ep) = (p.initial_growth.as_ptr(), p.eps.as_mut_ptr());
        let mut g = shocks.clone();
        let fp = p.first_passage.as_mut_ptr();
        let bp = p.buckets.as_mut_ptr();
        // As in `avx2::grow`: each group's multiplier is computed one group ahead.
        let multiplier = |i: usize| {
            // SAFETY: i + 8 ≤ whole ≤ n, and every slice holds at least n values.
            unsafe {
                let ar = _mm512_loadu_pd(arp.add(i));
                let r0 = _mm512_loadu_pd(r0p.add(i));
                let eps = _mm512_loadu_pd(ep.add(i));
                let trend = _mm512_fmadd_pd(r0, decay, base);
                let saturate = |m| {
                    if CAPACITY {
                        let r = _mm512_loadu_pd(rp.add(i));
                        let crowding = _mm512_fnmadd_pd(r, inv_cap, one);
                        let growing = _mm512_cmp_pd_mask::<_CMP_GT_OQ>(m, _mm512_setzero_pd());
                        _mm512_mask_mul_pd(m, growing, m, crowding)
                    } else {
                        m
                    }
                };
                if !EVENTS {
                    let growth = _mm512_max_pd(saturate(trend), min_growth);
                    let u = _mm512_fmadd_pd(phi, ar, _mm512_mul_pd(sigma, eps));
                    _mm512_storeu_pd(arp.add(i), u);
                    _mm512_mul_pd(_mm512_add_pd(one, growth), exp(u))
                } else {
                    let [mut uplift, mut vol, mut level] = tables[0].rows(i);
                    for t in &tables[1..] {
                        let [up, vm, lv] = t.rows(i);
                        uplift = _mm512_add_pd(uplift, up);
                        vol = _mm512_mul_pd(vol, vm);
                        level = _mm512_mul_pd(level, lv);
                    }
                    let growth = _mm512_max_pd(saturate(_mm512_add_pd(trend, uplift)), min_growth);
                    let u = _mm512_fmadd_pd(phi, ar, _mm512_mul_pd(vol, eps));
                    _mm512_storeu_pd(arp.add(i), u);
                    let factor = _mm512_mul_pd(_mm512_add_pd(one, growth), level);
                    _mm512_mul_pd(factor, exp(u))
                }
            }
        };
        for k in LANES.min(n)..(2 * LANES).min(n) {
            // SAFETY: k < n ≤ eps.len().
            unsafe { *ep.add(k) = sample(&mut g) };
        }
        let mut next = if whole > 0 {
            multiplier(0)
        } else {
            _mm512_setzero_pd()
        };
        for i in (0..whole).step_by(LANES) {
            for k in i + 2 * LANES..(i + 3 * LANES).min(n) {
                // SAFETY: k < n ≤ eps.len().
                unsafe { *ep.add(k) = sample(&mut g) };
            }
            let this = next;
            if i + LANES < whole {
                next = multiplier(i + LANES);
            }
            // SAFETY: i + 8 ≤ whole ≤ n, and every slice holds at least n values.
            unsafe {
                let r = _mm512_loadu_pd(rp.add(i));
                let r_new = _mm512_mul_pd(r, this);
                // Bucket indices, as `avx2::indices`.
                let bits = _mm512_castpd_si512(r_new);
                let below = _mm512_cmpgt_epi64_mask(low, bits);
                let offset = _mm512_maskz_sub_epi64(!below, bits, low);
                let b = _mm512_min_epi64(_mm512_srl_epi64(offset, count), last);
                _mm256_storeu_si256(bp.add(i) as *mut __m256i, _mm512_cvtepi64_epi32(b));
                _mm512_storeu_pd(rp.add(i), r_new);

                let hit = _mm512_cmp_pd_mask::<_CMP_GE_OQ>(r_new, target);
                let first = _mm256_loadu_si256(fp.add(i) as *const __m256i);
                let unset = _mm256_cmpeq_epi32_mask(first, _mm256_setzero_si256());
                let first = _mm256_mask_mov_epi32(first, hit & unset, year);
                _mm256_storeu_si256(fp.add(i) as *mut __m256i, first);

                let d = _mm512_sub_pd(r_new, shift);
                sum = _mm512_add_pd(sum, d);
                sum_sq = _mm512_fmadd_pd(d, d, sum_sq);
                min = _mm512_min_pd(r_new, min);
                max = _mm512_max_pd(r_new, max);
                reached = _mm512_mask_add_epi64(reached, hit, reached, counted);
            }
        }

        let mut m = LaneMoments::new(n, c.shift);
        // SAFETY: each destination holds exactly eight values.
        unsafe {
            _mm512_storeu_pd(m.sum.as_mut_ptr(), sum);
            _mm512_storeu_pd(m.sum_sq.as_mut_ptr(), sum_sq);
            _mm512_storeu_pd(m.min.as_mut_ptr(), min);
            _mm512_storeu_pd(m.max.as_mut_ptr(), max);
            _mm512_storeu_si512(m.reached.as_mut_ptr() as *mut __m512i, reached);
        }
        *shocks = g;
        grow_portable(c, p, e, offset, whole, &mut m);
        m
    }
}
