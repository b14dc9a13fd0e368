//! Acceptance 4(b), measured in pairs: one-thread engine time ÷ the time to draw as many
//! standard normals with the same generator and sampler. The machine's speed drifts (shared
//! cores), and criterion measures one benchmark after the other, so its two estimates can come
//! from different speeds. Here each round times the normals and the engine back to back, and
//! the ratio is taken within the round; the median over rounds is the figure to quote.
//!
//! The normals are drawn as the engine draws them: from a generator held in a local, into a
//! chunk-sized buffer. The former loop added every draw to a running sum, which the compiler
//! kept in memory, stored and reloaded on every draw: that store-to-load chain, not the
//! sampler, set its pace, and it took about twice as long as the sampler needs. Its ratio is
//! still printed ("summed loop"), to compare with figures quoted before.
//!
//! Run: `cargo bench --bench ratio` (prints one line per scenario).

use std::hint::black_box;
use std::time::Instant;

use rand_distr::{Distribution, StandardNormal};
use safetech::scenario::load;
use safetech::sim::{CHUNK, RunControl, RunSettings, rng, simulate};

const PATHS: usize = 1_000_000;
const ROUNDS: usize = 21;

fn seconds(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64()
}

/// `count` standard normals, a chunk at a time, as the engine draws its shocks.
fn normals(count: usize) {
    let mut generator = rng::generator(1, rng::SHOCKS, 0);
    let mut chunk = vec![0.0f64; CHUNK];
    let mut left = count;
    while left > 0 {
        let k = left.min(CHUNK);
        for z in &mut chunk[..k] {
            *z = StandardNormal.sample(&mut generator);
        }
        black_box(&mut chunk);
        left -= k;
    }
}

/// The former denominator: the same draws added to a running sum.
fn normals_summed(count: usize) {
    let mut generator = rng::generator(1, rng::SHOCKS, 0);
    let mut sum = 0.0f64;
    for _ in 0..count {
        let z: f64 = StandardNormal.sample(&mut generator);
        sum += z;
    }
    black_box(sum);
}

/// Median and p95 (nearest rank) of the rounds' ratios.
fn median_p95(mut ratios: Vec<f64>) -> (f64, f64, f64, f64) {
    ratios.sort_by(f64::total_cmp);
    let n = ratios.len();
    (
        ratios[n / 2],
        ratios[(n * 95).div_ceil(100) - 1],
        ratios[0],
        ratios[n - 1],
    )
}

fn main() {
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    for id in ["osa-enforced", "baseline"] {
        let s = load(id).unwrap();
        let years = s.years();
        let draws = PATHS * years;
        let settings = RunSettings {
            paths: PATHS,
            ..RunSettings::default()
        };
        let engine = || {
            black_box(one.install(|| simulate(&s, settings, RunControl::default()).unwrap()));
        };
        // Warm up (page cache, allocator, CPU frequency).
        normals(draws);
        normals_summed(draws);
        engine();
        let (mut ratios, mut summed) = (Vec::new(), Vec::new());
        let (mut best_n, mut best_s, mut best_e) = (f64::INFINITY, f64::INFINITY, f64::INFINITY);
        for _ in 0..ROUNDS {
            let n0 = seconds(|| normals(draws));
            let s0 = seconds(|| normals_summed(draws));
            let e = seconds(engine);
            let s1 = seconds(|| normals_summed(draws));
            let n1 = seconds(|| normals(draws));
            best_n = best_n.min(n0).min(n1);
            best_s = best_s.min(s0).min(s1);
            best_e = best_e.min(e);
            ratios.push(e / (0.5 * (n0 + n1)));
            summed.push(e / (0.5 * (s0 + s1)));
        }
        let (median, p95, lo, hi) = median_p95(ratios);
        let (s_median, s_p95, _, _) = median_p95(summed);
        println!(
            "ratio/{id}: engine ÷ normals, 1 thread, {PATHS} paths × {years} years: \
             median {median:.2}x, p95 {p95:.2}x (range {lo:.2}–{hi:.2} over {ROUNDS} rounds; \
             best times {:.1} ms ÷ {:.1} ms = {:.2}x); summed loop: median {s_median:.2}x, \
             p95 {s_p95:.2}x (best {:.1} ms)",
            best_e * 1e3,
            best_n * 1e3,
            best_e / best_n,
            best_s * 1e3,
        );
    }
}
