//! Engine throughput. Compare `simulate/1m_one_event_1_thread` with `normals/11m_1_thread`
//! (merely drawing as many standard normals with the same generator), and
//! `simulate/100k_2_threads` with the 16 ms frame budget of the TUI.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use rand_distr::{Distribution, StandardNormal};
use safetech::scenario::load;
use safetech::sim::{CHUNK, RunControl, RunSettings, rng, simulate};

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

fn settings(paths: usize) -> RunSettings {
    RunSettings {
        paths,
        ..RunSettings::default()
    }
}

fn engine(c: &mut Criterion) {
    let osa = load("osa-enforced").unwrap();
    let baseline = load("baseline").unwrap();
    let one = pool(1);
    let two = pool(2);

    let mut g = c.benchmark_group("simulate");
    g.sample_size(10);
    g.bench_function("1m_one_event_1_thread", |b| {
        b.iter(|| {
            one.install(|| simulate(&osa, settings(1_000_000), RunControl::default()).unwrap())
        })
    });
    g.bench_function("1m_baseline_1_thread", |b| {
        b.iter(|| {
            one.install(|| simulate(&baseline, settings(1_000_000), RunControl::default()).unwrap())
        })
    });
    g.bench_function("1m_one_event_2_threads", |b| {
        b.iter(|| {
            two.install(|| simulate(&osa, settings(1_000_000), RunControl::default()).unwrap())
        })
    });
    g.bench_function("100k_2_threads", |b| {
        b.iter(|| {
            two.install(|| simulate(&baseline, settings(100_000), RunControl::default()).unwrap())
        })
    });
    g.bench_function("100k_one_event_2_threads", |b| {
        b.iter(|| two.install(|| simulate(&osa, settings(100_000), RunControl::default()).unwrap()))
    });
    g.finish();

    let mut g = c.benchmark_group("normals");
    g.sample_size(10);
    // 1,000,000 paths × 11 years, one thread, the engine's generator and sampler, drawn a
    // chunk at a time into a buffer as the engine draws them (a running sum instead would be
    // paced by its own store-to-load chain: see ratio.rs).
    g.bench_function("11m_1_thread", |b| {
        let mut chunk = vec![0.0f64; CHUNK];
        b.iter(|| {
            let mut generator = rng::generator(1, rng::SHOCKS, 0);
            let mut left = 11_000_000usize;
            while left > 0 {
                let k = left.min(CHUNK);
                for z in &mut chunk[..k] {
                    *z = StandardNormal.sample(&mut generator);
                }
                black_box(&mut chunk);
                left -= k;
            }
        })
    });
    g.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
