//! Named random streams. Each (seed, stream, chunk) gets its own generator, so results do not
//! depend on the thread count, and adding an event does not reshuffle the draws of the others.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator used for every stream: specified, portable and fast (not `StdRng`, whose
/// algorithm may change between rand versions).
pub type Generator = Xoshiro256PlusPlus;

/// Stream of the annual growth shocks ε.
pub const SHOCKS: u64 = 1;
/// Stream of per-path parameter draws (r0).
pub const PARAMETERS: u64 = 2;
/// Stream of the χ² draws that turn r0's Normal into a Student-t.
pub const PARAMETER_SPREAD: u64 = 3;

/// Stream of an event's draws, keyed by its id (FNV-1a, stable across platforms and versions).
pub fn event_stream(event_id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in event_id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h | (1 << 63)
}

/// Stream of an uncertain input's draws, keyed by its `--set` key (FNV-1a, as events'; the top
/// two bits 01 keep it apart from events' streams, whose top bit is 1, and the small numbers).
pub fn input_stream(key: &str) -> u64 {
    (event_stream(key) & !(3 << 62)) | (1 << 62)
}

/// SplitMix64 finaliser: a strong 64-bit mix.
#[inline(always)]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The generator for one stream of one chunk of paths.
pub fn generator(seed: u64, stream: u64, chunk: u64) -> Generator {
    let key = mix(mix(mix(seed) ^ stream) ^ chunk.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    Generator::seed_from_u64(key)
}

/// A counter-based stream of uniforms: path i's value is a function of (seed, stream, i)
/// alone (SplitMix64 at position i), so the draw of any one path is found without drawing the
/// others'. Uncertain inputs draw from these: an event outcome's value is then made only on
/// the paths that drew the outcome, and every path keeps its draw whatever the chunking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathUniforms {
    key: u64,
}

/// SplitMix64's increment (the golden ratio in 64 bits).
const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

impl PathUniforms {
    pub fn new(seed: u64, stream: u64) -> PathUniforms {
        PathUniforms {
            key: mix(mix(seed) ^ stream),
        }
    }

    /// Path `path`'s uniform, strictly inside (0, 1): the top 53 bits and half a step, so
    /// that quantiles of unbounded distributions stay finite.
    #[inline(always)]
    pub fn at(self, path: u64) -> f64 {
        let bits = mix(self
            .key
            .wrapping_add(path.wrapping_add(1).wrapping_mul(GOLDEN_GAMMA)));
        ((bits >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }

    /// The uniforms of paths `first..first + out.len()`, into `out`. Integer arithmetic and
    /// one exact conversion, so every instruction set gives the same values; built for the
    /// widest the CPU has, the loop runs eight or four paths at a time.
    pub fn fill(self, first: u64, out: &mut [f64]) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::is_x86_feature_detected as has;
            if has!("avx512f") && has!("avx512dq") && has!("avx512vl") {
                // SAFETY: the CPU reports these features.
                unsafe { fill_avx512(self, first, out) };
                return;
            }
            if has!("avx2") {
                // SAFETY: the CPU reports AVX2.
                unsafe { fill_avx2(self, first, out) };
                return;
            }
        }
        self.fill_body(first, out);
    }

    #[inline(always)]
    fn fill_body(self, first: u64, out: &mut [f64]) {
        for (i, u) in out.iter_mut().enumerate() {
            *u = self.at(first.wrapping_add(i as u64));
        }
    }
}

/// [`PathUniforms::fill`] eight paths at a time (64-bit multiplies and conversions).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl")]
fn fill_avx512(u: PathUniforms, first: u64, out: &mut [f64]) {
    u.fill_body(first, out);
}

/// [`PathUniforms::fill`] four paths at a time.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn fill_avx2(u: PathUniforms, first: u64, out: &mut [f64]) {
    u.fill_body(first, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_differ_and_repeat() {
        let a = generator(1, SHOCKS, 0).next_u64();
        assert_eq!(a, generator(1, SHOCKS, 0).next_u64());
        assert_ne!(a, generator(1, PARAMETERS, 0).next_u64());
        assert_ne!(a, generator(1, SHOCKS, 1).next_u64());
        assert_ne!(a, generator(2, SHOCKS, 0).next_u64());
        assert_ne!(event_stream("osa"), event_stream("kosa"));
    }

    /// Each stream's uniforms have the moments of U(0, 1), and two streams' uniforms at the
    /// same paths are uncorrelated, within 4 standard errors at 200,000 paths.
    #[test]
    fn path_uniforms_are_uniform_and_streams_independent() {
        let n = 200_000u64;
        let (a, b) = (PathUniforms::new(7, 11), PathUniforms::new(7, 12));
        let ua: Vec<f64> = (0..n).map(|i| a.at(i)).collect();
        let ub: Vec<f64> = (0..n).map(|i| b.at(i)).collect();
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let se_mean = (1.0 / 12.0 / n as f64).sqrt();
        assert!((mean(&ua) - 0.5).abs() < 4.0 * se_mean);
        let second: Vec<f64> = ua.iter().map(|u| u * u).collect();
        // Var(U²) = 1/5 − 1/9.
        assert!((mean(&second) - 1.0 / 3.0).abs() < 4.0 * ((0.2 - 1.0 / 9.0) / n as f64).sqrt());
        // Corr of independent uniforms has sd 1/√n; also path i against path i + 1.
        let corr = |x: &[f64], y: &[f64]| {
            let m = x
                .iter()
                .zip(y)
                .map(|(x, y)| (x - 0.5) * (y - 0.5))
                .sum::<f64>();
            m / x.len() as f64 * 12.0
        };
        let bound = 4.0 / (n as f64).sqrt();
        assert!(corr(&ua, &ub).abs() < bound);
        assert!(corr(&ua[1..], &ua[..ua.len() - 1]).abs() < bound);
        assert!(ua.iter().all(|&u| 0.0 < u && u < 1.0));
        assert_eq!(a.at(12_345), PathUniforms::new(7, 11).at(12_345));
    }

    /// Every build of `fill` gives `at`'s values bit for bit, from any first path, in slices
    /// of any length (the vector loops' remainders included).
    #[test]
    fn every_build_of_fill_gives_the_values_of_at() {
        let u = PathUniforms::new(3, input_stream("growth.capacity"));
        for (first, len) in [(0u64, 2048usize), (5, 1), (2047, 13), (u64::MAX - 40, 37)] {
            let expected: Vec<f64> = (0..len as u64)
                .map(|i| u.at(first.wrapping_add(i)))
                .collect();
            let mut builds: Vec<Vec<f64>> = vec![vec![0.0; len]; 2];
            u.fill(first, &mut builds[0]);
            u.fill_body(first, &mut builds[1]);
            #[cfg(target_arch = "x86_64")]
            {
                use std::arch::is_x86_feature_detected as has;
                if has!("avx2") {
                    let mut v = vec![0.0; len];
                    // SAFETY: the CPU reports AVX2.
                    unsafe { fill_avx2(u, first, &mut v) };
                    builds.push(v);
                }
                if has!("avx512f") && has!("avx512dq") && has!("avx512vl") {
                    let mut v = vec![0.0; len];
                    // SAFETY: the CPU reports these features.
                    unsafe { fill_avx512(u, first, &mut v) };
                    builds.push(v);
                }
            }
            for b in &builds {
                let same = b
                    .iter()
                    .zip(&expected)
                    .all(|(x, y)| x.to_bits() == y.to_bits());
                assert!(same, "first path {first}, {len} paths");
            }
        }
    }
}
