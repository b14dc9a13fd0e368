//! Per-path draws of the uncertain inputs.
//!
//! Each uncertain input draws one uniform u per path from a counter-based stream keyed by its
//! `--set` key ([`rng::PathUniforms`]), and its value is its distribution's quantile at u
//! (inverse transform). Correlated inputs take Normal scores Φ⁻¹(u), mix them by the copula's
//! Cholesky factor, and take their quantiles at Φ of the mix. The starting pace keeps the
//! engine's older stream of Normals, drawn in order through each chunk, so its draws are those
//! of the `initial_uncertainty` spelling. Keying by name means adding an uncertainty to one
//! input leaves every other input's draws as they were, and two scenarios sharing an uncertain
//! input are paired path by path; a path's draw being a function of its index alone means an
//! event outcome's value is made only on the paths that drew that outcome.
//!
//! A column is recomputed from the seed whenever it is wanted (the engine, `--samples`, the
//! variance shares), so a run need not keep it.

use std::sync::Arc;

use rand::RngExt;
use rand_distr::StandardNormal;
use rayon::prelude::*;

use super::chi_squared::ChiSquaredDraw;
use super::rng::PathUniforms;
use super::{CHUNK, MIN_GROWTH, rng};
use crate::scenario::correlation::Copula;
use crate::scenario::uncertain::{PACE, Uncertain};
use crate::scenario::{Distribution, Scenario};

/// Draws from the streams of one component of a run with another seed: the "B" columns of a
/// pick-freeze estimate of variance shares. A component is an uncertain input (with every input
/// correlated with it), an event, or the shocks, named by [`component_of_input`],
/// [`rng::event_stream`] or [`rng::SHOCKS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resample {
    pub component: u64,
    pub seed: u64,
}

/// The seed a run with `seed` and `resample` uses for the streams of `component`.
pub fn seed_for(seed: u64, resample: Option<Resample>, component: u64) -> u64 {
    match resample {
        Some(r) if r.component == component => r.seed,
        _ => seed,
    }
}

/// The component an uncertain input's draws belong to: its correlation group's (named by the
/// group's first key), or its own.
pub fn component_of_input(copula: &Copula, key: &str) -> u64 {
    match copula.place_of(key) {
        Some((group, _)) => stream_of(&group.keys[0]),
        None => stream_of(key),
    }
}

/// The stream an input's z is drawn from.
fn stream_of(key: &str) -> u64 {
    if key == PACE {
        rng::PARAMETERS
    } else {
        rng::input_stream(key)
    }
}

/// Inputs' draws kept across the runs of one analysis (a tornado's swings, a solve's steps):
/// each swing changes one input, so every other input's column is the one the last run drew.
/// A column is found by everything that makes it (seed, paths, the z's it mixes, the spread of
/// the older Student-t pace, and how a z becomes its value), so a kept column is the column a
/// run would draw afresh, value for value (tested).
///
/// Only the engine reads it. Columns of the inputs it holds in single precision (see
/// [`single`]) are kept in single precision, which is exact for that use. It keeps each
/// event's drawn codes and outcome values as well, found by everything that makes them. It
/// keeps at most the columns of two runs' seeds ([`DrawCache::bytes_per_path`]: the run's own
/// and the second seed of the variance shares, whose runs each take one component from it); a
/// column past that is drawn and not kept.
pub struct DrawCache {
    columns: std::sync::Mutex<Vec<(String, Column)>>,
    limit: usize,
    /// Per-path arrays of finished runs, for the next run to fill instead of fresh memory:
    /// the kernel zeroes every fresh page, which cost a quarter of an analysis's time.
    spare: std::sync::Mutex<Spare>,
}

/// Arrays given back by finished runs, at most [`Spare::MOST`] of each kind.
#[derive(Default)]
pub(super) struct Spare {
    doubles: Vec<Vec<f64>>,
    ints: Vec<Vec<i32>>,
}

impl Spare {
    /// Enough for one run's revenue, AR state, target-year values and first passages.
    const MOST: usize = 3;
}

/// The element of a per-path array a [`DrawCache`] can hand on from run to run.
pub(super) trait Recycled: Copy + Send + Sync + Sized {
    fn pool(spare: &mut Spare) -> &mut Vec<Vec<Self>>;
}

impl Recycled for f64 {
    fn pool(spare: &mut Spare) -> &mut Vec<Vec<f64>> {
        &mut spare.doubles
    }
}

impl Recycled for i32 {
    fn pool(spare: &mut Spare) -> &mut Vec<Vec<i32>> {
        &mut spare.ints
    }
}

impl DrawCache {
    /// Bytes a path the spare arrays may hold: [`Spare::MOST`] of each kind.
    pub const SPARE_BYTES_PER_PATH: u64 = Spare::MOST as u64 * (8 + 4);

    /// An empty array with room for `n` paths, in a finished run's memory, where one was
    /// given back.
    pub(super) fn spare<T: Recycled>(&self, n: usize) -> Option<Vec<T>> {
        let mut spare = self.spare.lock().unwrap_or_else(|e| e.into_inner());
        let pool = T::pool(&mut spare);
        let mut v = pool.swap_remove(pool.iter().position(|v| v.capacity() >= n)?);
        v.clear();
        Some(v)
    }

    /// Takes back a per-path array a run no longer needs.
    pub(super) fn give_back<T: Recycled>(&self, v: Vec<T>) {
        let mut spare = self.spare.lock().unwrap_or_else(|e| e.into_inner());
        let pool = T::pool(&mut spare);
        if pool.len() < Spare::MOST && v.capacity() > 0 {
            pool.push(v);
        }
    }

    /// Takes back the per-path arrays of a run whose caller is done with it.
    pub fn recycle(&self, run: super::Projection) {
        self.give_back(run.target_values);
        self.give_back(run.first_passage);
    }
}

/// One input's values on every path of a run, shared between the cache and the runs that
/// read it (a run takes a kept column as it is, without copying it).
#[derive(Clone)]
pub(super) enum Column {
    Double(Arc<Vec<f64>>),
    Single(Arc<Vec<f32>>),
    /// An event's (outcome, start year) code on every path.
    Codes(Arc<Vec<u16>>),
}

impl DrawCache {
    /// A cache for the runs of an analysis of `scenario` on `paths` paths.
    pub fn for_runs_of(scenario: &Scenario, paths: usize) -> DrawCache {
        DrawCache {
            columns: Default::default(),
            spare: Default::default(),
            limit: usize::try_from(DrawCache::bytes_per_path(scenario))
                .unwrap_or(usize::MAX)
                .saturating_mul(paths),
        }
    }

    /// Bytes a path of the kept columns may take: for each of two seeds, the pace and each
    /// uncertain input (in single precision where the engine holds it so).
    pub fn bytes_per_path(scenario: &Scenario) -> u64 {
        let inputs: usize = scenario
            .uncertain
            .keys()
            .filter(|k| *k != PACE)
            .map(|k| if single(k) { 4 } else { 8 })
            .sum();
        // Each event's codes, and per event the drawn outcome's uplift, volatility multiplier
        // and level shock where any outcome's is uncertain.
        let events: usize = scenario
            .events
            .iter()
            .map(|ev| {
                let uncertain = |name: &str| {
                    ev.outcomes.iter().any(|o| {
                        let key = crate::scenario::uncertain::outcome_key(&ev.id, &o.id, name);
                        scenario.uncertain.contains_key(&key)
                    })
                };
                let values = ["growth_uplift", "volatility_multiplier", "level_shock"]
                    .into_iter()
                    .filter(|name| uncertain(name))
                    .count();
                2 + 4 * values
            })
            .sum();
        // e^(−κ) of each path's reversion speed, in double.
        let decay = if scenario.uncertain.contains_key("growth.reversion") {
            8
        } else {
            0
        };
        // The pace (f64), and its Normal scores where they are kept apart (see `draw`).
        2 * (16 + inputs as u64 + decay + events as u64)
    }

    /// Bytes held in kept columns (the spare arrays of finished runs, at most
    /// [`Spare::MOST`] of each kind, are not counted).
    pub fn bytes(&self) -> usize {
        let columns = self.columns.lock().unwrap_or_else(|e| e.into_inner());
        held(&columns)
    }

    /// The column named `id`, if a run has kept it.
    fn kept(&self, id: &str) -> Option<Column> {
        let columns = self.columns.lock().unwrap_or_else(|e| e.into_inner());
        columns
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, c)| c.clone())
    }

    /// The column named `id`, drawn by `draw` if no run has drawn it yet and there is room
    /// for its `bytes`; `None` when there is not (the run then draws chunk by chunk, holding no
    /// whole column).
    fn column(&self, id: String, bytes: usize, draw: impl FnOnce() -> Column) -> Option<Column> {
        if let Some(c) = self.kept(&id) {
            return Some(c);
        }
        {
            let columns = self.columns.lock().unwrap_or_else(|e| e.into_inner());
            if held(&columns) + bytes > self.limit {
                return None;
            }
        }
        // Drawn outside the lock: the draw runs on the thread pool.
        let column = draw();
        let mut columns = self.columns.lock().unwrap_or_else(|e| e.into_inner());
        if held(&columns) + column.bytes() <= self.limit {
            columns.push((id, column.clone()));
        }
        Some(column)
    }
}

/// The element of a whole per-path array a [`DrawCache`] keeps beside the inputs' columns.
pub(super) trait Whole: Sized {
    fn column(values: Arc<Vec<Self>>) -> Column;
    fn of(column: Column) -> Option<Arc<Vec<Self>>>;
}

/// `Whole` for an element type held in one kind of [`Column`].
macro_rules! whole {
    ($element:ty, $kind:ident) => {
        impl Whole for $element {
            fn column(values: Arc<Vec<$element>>) -> Column {
                Column::$kind(values)
            }
            fn of(column: Column) -> Option<Arc<Vec<$element>>> {
                match column {
                    Column::$kind(v) => Some(v),
                    _ => None,
                }
            }
        }
    };
}
// An event's codes, and values held in single precision.
whole!(u16, Codes);
whole!(f32, Single);
whole!(f64, Double);

impl DrawCache {
    /// The column named `id`, made by `make` if no run has made it yet (and kept if there is
    /// room for its `bytes`).
    fn kept_or_made(&self, id: String, bytes: usize, make: impl FnOnce() -> Column) -> Column {
        let mut make = Some(make);
        let kept = self.column(id, bytes, || make.take().expect("made once")());
        kept.unwrap_or_else(|| make.take().expect("not made when there was no room")())
    }
}

fn held(columns: &[(String, Column)]) -> usize {
    columns.iter().map(|(_, c)| c.bytes()).sum()
}

impl Column {
    fn bytes(&self) -> usize {
        match self {
            Column::Double(v) => size_of_val(&v[..]),
            Column::Single(v) => size_of_val(&v[..]),
            Column::Codes(v) => size_of_val(&v[..]),
        }
    }
}

/// What a run needs to draw its uncertain inputs.
pub struct InputSampler<'a> {
    scenario: &'a Scenario,
    copula: Copula,
    seed: u64,
    resample: Option<Resample>,
    /// Columns kept across runs, and this run's number of paths.
    cache: Option<(&'a DrawCache, usize)>,
}

impl<'a> InputSampler<'a> {
    /// The sampler of a validated scenario (whose correlations therefore form a copula).
    pub fn new(scenario: &'a Scenario, seed: u64, resample: Option<Resample>) -> Self {
        let copula = crate::scenario::correlation::copula(scenario).unwrap_or_default();
        InputSampler {
            scenario,
            copula,
            seed,
            resample,
            cache: None,
        }
    }

    /// The sampler of a run of `paths` paths that takes the columns `cache` keeps, and keeps
    /// those it draws.
    pub(super) fn with_cache(mut self, cache: Option<&'a DrawCache>, paths: usize) -> Self {
        self.cache = cache.map(|c| (c, paths));
        self
    }

    /// The uncertain inputs' keys: the pace first where it is uncertain, then the others in
    /// key order.
    pub fn keys(&self) -> Vec<String> {
        let s = self.scenario;
        let pace = crate::scenario::correlation::is_uncertain(s, PACE);
        pace.then(|| PACE.to_string())
            .into_iter()
            .chain(s.uncertain.keys().filter(|k| *k != PACE).cloned())
            .collect()
    }

    /// The copula the inputs are drawn with.
    pub fn copula(&self) -> &Copula {
        &self.copula
    }

    /// `key`'s value on each of `n` paths. The pace is drawn whether or not it is uncertain
    /// (a fixed pace is its value on every path), so that scenarios differing only in its
    /// spread share every draw.
    pub fn column(&self, key: &str, n: usize) -> Vec<f64> {
        let draw = self.draw(key);
        by_chunk(n, |c, out| draw.fill(c, out))
    }

    /// [`InputSampler::column`] in single precision: how the engine holds the inputs it
    /// keeps per path through the years (see [`single`]).
    pub fn column_single(&self, key: &str, n: usize) -> Vec<f32> {
        self.draw(key).single_column(n)
    }

    /// [`InputSampler::column`] for the engine: the cache's column itself where it keeps one.
    pub(super) fn held(&self, key: &str, n: usize) -> Arc<Vec<f64>> {
        if let Some(Column::Double(v)) = &self.draw(key).kept {
            return v.clone();
        }
        Arc::new(self.column(key, n))
    }

    /// [`InputSampler::column_single`] for the engine: the cache's column itself where it
    /// keeps one.
    pub(super) fn held_single(&self, key: &str, n: usize) -> Arc<Vec<f32>> {
        if let Some(Column::Single(v)) = &self.draw(key).kept {
            return v.clone();
        }
        Arc::new(self.column_single(key, n))
    }

    /// Whether the cache keeps the column or array named `id`.
    pub(super) fn keeps(&self, id: &str) -> bool {
        self.cache
            .is_some_and(|(cache, _)| cache.kept(id).is_some())
    }

    /// [`InputSampler::held_single`] of each of `keys`. Those the cache does not keep are
    /// drawn together, a chunk at a time, so that a score two of them mix (a correlation
    /// group's) is drawn once a chunk rather than once a key; the same values, since a score
    /// is a function of its stream and path. Those drawn are then offered to the cache.
    pub(super) fn held_singles(&self, keys: &[String], n: usize) -> Vec<Arc<Vec<f32>>> {
        let draws: Vec<KeyDraw> = keys.iter().map(|k| self.fresh_draw(k)).collect();
        let ids: Vec<String> = draws.iter().map(|d| d.id(n)).collect();
        let kept = |id: &String| match self.cache?.0.kept(id) {
            Some(Column::Single(v)) => Some(v),
            _ => None,
        };
        let mut held: Vec<Option<Arc<Vec<f32>>>> = ids.iter().map(kept).collect();
        let missing: Vec<usize> = (0..keys.len()).filter(|&i| held[i].is_none()).collect();
        // In the runs of an analysis after its first, nothing is missing: no pass at all.
        if !missing.is_empty() {
            let mut columns: Vec<Vec<f32>> = missing
                .iter()
                .map(|_| super::path_array(n, 0.0f32))
                .collect();
            // Each chunk's part of every column drawn, so that one task fills a chunk of all.
            let mut by_chunk: Vec<Vec<&mut [f32]>> =
                (0..n.div_ceil(CHUNK)).map(|_| Vec::new()).collect();
            for column in &mut columns {
                for (parts, part) in by_chunk.iter_mut().zip(column.chunks_mut(CHUNK)) {
                    parts.push(part);
                }
            }
            by_chunk.into_par_iter().enumerate().for_each(|(c, parts)| {
                let mut memo = ChunkScores::default();
                for (&i, part) in missing.iter().zip(parts) {
                    draws[i].fill_single(c, part, Some(&mut memo));
                }
            });
            for (&i, column) in missing.iter().zip(columns) {
                let column = Arc::new(column);
                if let Some((cache, _)) = self.cache {
                    let bytes = size_of_val(&column[..]);
                    let offered = || Column::Single(column.clone());
                    let _ = cache.column(ids[i].clone(), bytes, offered);
                }
                held[i] = Some(column);
            }
        }
        held.into_iter()
            .map(|c| c.expect("every key kept or drawn"))
            .collect()
    }

    /// A whole per-path array (an event's codes, an event's outcome values) on `n` paths, `id`
    /// naming everything that makes it: the cache's where it keeps one, else made by `make`
    /// (and kept if there is room).
    pub(super) fn whole<T: Whole>(
        &self,
        id: String,
        n: usize,
        make: impl FnOnce() -> Vec<T>,
    ) -> Arc<Vec<T>> {
        let Some((cache, _)) = self.cache else {
            return Arc::new(make());
        };
        let column = cache.kept_or_made(id, n * size_of::<T>(), || T::column(Arc::new(make())));
        T::of(column).expect("an id names one kind of column")
    }

    /// How to draw `key`'s values, chunk by chunk: from the cache's column where the sampler
    /// has a cache.
    pub fn draw(&self, key: &str) -> KeyDraw<'a> {
        let mut draw = self.fresh_draw(key);
        if let Some((cache, n)) = self.cache {
            // The older pace spelling's scores do not depend on its centre and spread, which
            // `solve` and the tornado move: kept apart, so a new centre costs an affine map
            // instead of a Student-t draw per path.
            if key == PACE && matches!(draw.transform, Transform::Affine { .. }) {
                let scores = cache.column(draw.scores_id(n), n * 8, || {
                    Column::Double(Arc::new(by_chunk(n, |c, out| draw.draw_z(c, out))))
                });
                if let Some(Column::Double(z)) = scores {
                    draw.scores = Some(z);
                }
            }
            let id = draw.id(n);
            let single = single(key);
            let bytes = n * if single { 4 } else { 8 };
            draw.kept = cache.column(id, bytes, || {
                if single {
                    Column::Single(Arc::new(draw.single_column(n)))
                } else {
                    Column::Double(Arc::new(by_chunk(n, |c, out| draw.fill(c, out))))
                }
            });
        }
        draw
    }

    /// What names `key`'s column on `n` paths (see [`KeyDraw::id`]), found without drawing.
    pub(super) fn id_of(&self, key: &str, n: usize) -> String {
        self.fresh_draw(key).id(n)
    }

    /// [`InputSampler::draw`] without the cache.
    fn fresh_draw(&self, key: &str) -> KeyDraw<'a> {
        let component = component_of_input(&self.copula, key);
        let seed = seed_for(self.seed, self.resample, component);
        let score = |k: &str| {
            if k == PACE {
                Score::Pace
            } else {
                Score::Input(PathUniforms::new(seed, stream_of(k)))
            }
        };
        let source = match self.copula.place_of(key) {
            // The scores this key mixes, with their weights, its own last.
            Some((group, row)) => Source::Scores(
                group.keys[..=row]
                    .iter()
                    .zip(&group.factor[row])
                    .map(|(k, &w)| (score(k), w))
                    .collect(),
            ),
            None if key == PACE => Source::Scores(vec![(Score::Pace, 1.0)]),
            None => Source::Uniform(PathUniforms::new(seed, stream_of(key))),
        };
        let g = &self.scenario.growth;
        let spread = (key == PACE && self.scenario.pace_distribution().is_none())
            .then_some(g.initial_distribution)
            .and_then(|d| match d {
                Distribution::Normal => None,
                Distribution::StudentT(nu) => Some((nu, ChiSquaredDraw::new(nu))),
            });
        KeyDraw {
            seed,
            source,
            spread,
            transform: self.transform(key),
            kept: None,
            scores: None,
        }
    }

    fn transform(&self, key: &str) -> Transform<'a> {
        let s = self.scenario;
        match (key, s.uncertain.get(key)) {
            (PACE, None) => Transform::Affine {
                centre: s.growth.initial,
                spread: s.growth.initial_uncertainty,
                floor: MIN_GROWTH,
            },
            (_, Some(u)) => Transform::Quantile {
                u,
                floor: if key == PACE {
                    MIN_GROWTH
                } else {
                    f64::NEG_INFINITY
                },
            },
            // Not uncertain: its value everywhere (never asked for by the engine).
            (_, None) => Transform::Affine {
                centre: crate::scenario::parameters::param_of(s, key)
                    .map_or(f64::NAN, |p| p.get(s)),
                spread: 0.0,
                floor: f64::NEG_INFINITY,
            },
        }
    }
}

/// A column of `n` paths, each chunk `c` (paths `c·CHUNK..`) written by `fill(c, chunk)` in
/// parallel.
fn by_chunk(n: usize, fill: impl Fn(usize, &mut [f64]) + Sync) -> Vec<f64> {
    let mut out = super::path_array(n, 0.0);
    out.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(c, chunk)| fill(c, chunk));
    out
}

/// Whether the engine holds `key`'s per-path values in single precision. The inputs it keeps
/// for every year (all but the pace, the start revenue and outcome probabilities, which are
/// used once) are held as `f32`, about seven significant digits: half the memory, and far below
/// Monte Carlo error. `--samples` writes those values as held, so they are the ones used.
pub fn single(key: &str) -> bool {
    key != PACE && key != "market.start_revenue" && !key.ends_with(".probability")
}

/// One input's draws: its seed, where its draws come from and how they become its values.
pub struct KeyDraw<'a> {
    seed: u64,
    source: Source,
    /// The older Student-t pace's degrees of freedom and χ² draw.
    spread: Option<(f64, ChiSquaredDraw)>,
    transform: Transform<'a>,
    /// The whole column, where a [`DrawCache`] keeps it.
    kept: Option<Column>,
    /// The whole column of Normal scores (before the transform), where a [`DrawCache`] keeps
    /// it apart from the values.
    scores: Option<Arc<Vec<f64>>>,
}

impl KeyDraw<'_> {
    /// What names the column of these draws on `n` paths: everything that makes it (the seed,
    /// where its draws come from, the older Student-t pace's spread and how a draw becomes its
    /// value).
    pub fn id(&self, n: usize) -> String {
        format!(
            "{} {n} {:?} {:?} {:?}",
            self.seed,
            self.source,
            self.spread.as_ref().map(|(nu, _)| nu),
            self.transform
        )
    }

    /// What names the column of these draws' Normal scores on `n` paths: [`KeyDraw::id`]
    /// without the transform.
    fn scores_id(&self, n: usize) -> String {
        format!(
            "scores {} {n} {:?} {:?}",
            self.seed,
            self.source,
            self.spread.as_ref().map(|(nu, _)| nu)
        )
    }

    /// The values on `n` paths in single precision, made a chunk at a time (no whole column
    /// in double precision is made on the way).
    fn single_column(&self, n: usize) -> Vec<f32> {
        let mut out = super::path_array(n, 0.0f32);
        out.par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(c, out)| self.fill_single(c, out, None));
        out
    }

    /// [`KeyDraw::fill_with`] in single precision, through a chunk of doubles.
    fn fill_single(&self, c: usize, out: &mut [f32], memo: Option<&mut ChunkScores>) {
        let mut values = [0.0; CHUNK];
        let values = &mut values[..out.len()];
        self.fill_with(c, values, memo);
        for (o, &v) in out.iter_mut().zip(values.iter()) {
            *o = v as f32;
        }
    }

    /// The values of chunk `c` (paths `c·CHUNK..`), into `out`.
    pub fn fill(&self, c: usize, out: &mut [f64]) {
        self.fill_with(c, out, None);
    }

    /// [`KeyDraw::fill`]; a column not kept takes the Normal scores `memo` holds for this
    /// chunk and leaves there those it draws, for the next key of the chunk that mixes them.
    fn fill_with(&self, c: usize, out: &mut [f64], memo: Option<&mut ChunkScores>) {
        let (start, len) = (c * CHUNK, out.len());
        match &self.kept {
            Some(Column::Double(v)) => out.copy_from_slice(&v[start..start + len]),
            Some(Column::Single(v)) => {
                for (o, &x) in out.iter_mut().zip(&v[start..start + len]) {
                    *o = f64::from(x);
                }
            }
            // A key's draws are never kept as codes.
            None | Some(Column::Codes(_)) => self.draw_fresh(c, out, memo),
        }
    }

    /// The values of chunk `c` on its paths `at` (offsets within the chunk, ascending), into
    /// `out`: made only where they are used (an event outcome's value on the paths that drew
    /// that outcome), since a path's draw depends on its index alone; where the pace's Normals
    /// are mixed in, the chunk's are drawn in order first. `z` is scratch of the chunk's
    /// length. The values equal `fill`'s there.
    pub fn fill_at(&self, c: usize, at: &[u16], z: &mut [f64], out: &mut Vec<f64>) {
        out.clear();
        match &self.kept {
            Some(Column::Double(v)) => {
                let v = &v[c * CHUNK..];
                out.extend(at.iter().map(|&i| v[usize::from(i)]));
            }
            Some(Column::Single(v)) => {
                let v = &v[c * CHUNK..];
                out.extend(at.iter().map(|&i| f64::from(v[usize::from(i)])));
            }
            None | Some(Column::Codes(_)) => {
                let first = (c * CHUNK) as u64;
                let path = |i: u16| first + u64::from(i);
                match &self.source {
                    Source::Uniform(uniforms) => {
                        // From a quarter of the chunk on, every path's uniform at once (a
                        // vectorised loop) costs less than the chosen ones one by one.
                        if 4 * at.len() >= z.len() {
                            uniforms.fill(first, z);
                            out.extend(at.iter().map(|&i| z[usize::from(i)]));
                        } else {
                            out.extend(at.iter().map(|&i| uniforms.at(path(i))));
                        }
                        self.transform.apply_uniform(out);
                        return;
                    }
                    Source::Scores(mix) if !mix.iter().any(|(s, _)| *s == Score::Pace) => {
                        let (&(own, own_weight), others) =
                            mix.split_last().expect("a key mixes its own score");
                        let mixing = own_weight != 1.0 || !others.is_empty();
                        out.extend(at.iter().map(|&i| {
                            let mut z = own.at(path(i));
                            // The arithmetic of `draw_z`, so the same values.
                            if mixing {
                                z *= own_weight;
                                for &(s, w) in others {
                                    z += w * s.at(path(i));
                                }
                            }
                            z
                        }));
                    }
                    Source::Scores(_) => {
                        self.draw_z(c, z);
                        out.extend(at.iter().map(|&i| z[usize::from(i)]));
                    }
                }
                self.transform.apply(out);
            }
        }
    }

    fn draw_fresh(&self, c: usize, out: &mut [f64], memo: Option<&mut ChunkScores>) {
        if let Source::Uniform(uniforms) = &self.source {
            uniforms.fill((c * CHUNK) as u64, out);
            self.transform.apply_uniform(out);
            return;
        }
        self.draw_z_sharing(c, out, memo);
        self.transform.apply(out);
    }

    /// Chunk `c`'s Normal scores: its own mixed with its correlated inputs', over the older
    /// Student-t pace's spread (a key drawn from uniforms alone has none: see `draw_fresh`).
    fn draw_z(&self, c: usize, out: &mut [f64]) {
        self.draw_z_sharing(c, out, None);
    }

    /// [`KeyDraw::draw_z`], with the chunk's scores `memo` holds, if any.
    fn draw_z_sharing(&self, c: usize, out: &mut [f64], mut memo: Option<&mut ChunkScores>) {
        if let Some(z) = &self.scores {
            out.copy_from_slice(&z[c * CHUNK..c * CHUNK + out.len()]);
            return;
        }
        let Source::Scores(mix) = &self.source else {
            unreachable!("only mixed scores are drawn as Normals")
        };
        let (&(own, own_weight), others) = mix.split_last().expect("a key mixes its own score");
        self.scores(own, c, out, memo.as_deref_mut());
        if own_weight != 1.0 || !others.is_empty() {
            for z in out.iter_mut() {
                *z *= own_weight;
            }
            let mut other = [0.0; CHUNK];
            let other = &mut other[..out.len()];
            for &(s, w) in others {
                self.scores(s, c, other, memo.as_deref_mut());
                for (z, &x) in out.iter_mut().zip(other.iter()) {
                    // Plain arithmetic: outside the SIMD loops `mul_add` is a library call
                    // on CPUs the build does not assume FMA for.
                    *z += w * x;
                }
            }
        }
        // The older Student-t pace: the same z over sqrt(χ²_ν/ν) from a stream of its own
        // (never correlated: validation refuses it).
        if let Some((nu, chi)) = &self.spread {
            let mut g = rng::generator(self.seed, rng::PARAMETER_SPREAD, c as u64);
            for z in out.iter_mut() {
                *z *= (nu / g.sample(chi)).sqrt();
            }
        }
    }
}

/// Where a key's draws come from.
#[derive(Debug)]
enum Source {
    /// An input on its own (in no correlation group), not the pace: a uniform per path, whose
    /// quantile is its value.
    Uniform(PathUniforms),
    /// The pace, or an input correlated with others: a Normal score per path, its own and its
    /// group's mixed by the copula's Cholesky row (its own last), whose quantile at Φ is its
    /// value.
    Scores(Vec<(Score, f64)>),
}

/// A standard Normal score per path.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Score {
    /// The pace's Normals, drawn in order through each chunk from the engine's older stream.
    Pace,
    /// Φ⁻¹ of an input's uniforms.
    Input(PathUniforms),
}

impl Score {
    /// The score of path `path` (never the pace's: those are drawn a chunk at a time).
    #[inline(always)]
    fn at(self, path: u64) -> f64 {
        match self {
            Score::Input(uniforms) => crate::math::normal_quantile(uniforms.at(path)),
            Score::Pace => unreachable!("the pace's scores are drawn a chunk at a time"),
        }
    }
}

/// The Normal scores of input streams drawn for one chunk, while several keys of that chunk
/// are drawn together (see [`InputSampler::held_singles`]).
#[derive(Default)]
struct ChunkScores {
    drawn: Vec<(PathUniforms, Vec<f64>)>,
}

impl KeyDraw<'_> {
    /// Chunk `c`'s scores of `score`, into `out`: `memo`'s where it holds them, else drawn
    /// (and left in `memo`, where there is one).
    fn scores(&self, score: Score, c: usize, out: &mut [f64], memo: Option<&mut ChunkScores>) {
        match score {
            Score::Pace => {
                let mut g = rng::generator(self.seed, rng::PARAMETERS, c as u64);
                for z in out.iter_mut() {
                    *z = g.sample(StandardNormal);
                }
            }
            Score::Input(uniforms) => {
                let Some(memo) = memo else {
                    uniforms.fill((c * CHUNK) as u64, out);
                    crate::math::normal_quantiles(out);
                    return;
                };
                match memo.drawn.iter().find(|(u, _)| *u == uniforms) {
                    Some((_, z)) => out.copy_from_slice(&z[..out.len()]),
                    None => {
                        uniforms.fill((c * CHUNK) as u64, out);
                        crate::math::normal_quantiles(out);
                        memo.drawn.push((uniforms, out.to_vec()));
                    }
                }
            }
        }
    }
}

/// How a z becomes an input's value.
#[derive(Debug)]
enum Transform<'a> {
    /// centre + spread · z, at least `floor`: the older pace spelling.
    Affine {
        centre: f64,
        spread: f64,
        floor: f64,
    },
    /// The distribution's quantile at Φ(z), at least `floor`.
    Quantile { u: &'a Uncertain, floor: f64 },
}

impl Transform<'_> {
    /// Each z in `values` becomes its value.
    fn apply(&self, values: &mut [f64]) {
        match self {
            Transform::Affine {
                centre,
                spread,
                floor,
            } => {
                for x in values {
                    *x = (centre + spread * *x).max(*floor);
                }
            }
            Transform::Quantile { u, floor } => {
                u.from_normals(values);
                at_least(values, *floor);
            }
        }
    }

    /// Each uniform in `values` becomes its value: the quantile at it, or for the older pace
    /// spelling the affine map of its Normal score.
    fn apply_uniform(&self, values: &mut [f64]) {
        match self {
            Transform::Affine { .. } => {
                crate::math::normal_quantiles(values);
                self.apply(values);
            }
            Transform::Quantile { u, floor } => {
                u.from_uniforms(values);
                at_least(values, *floor);
            }
        }
    }
}

fn at_least(values: &mut [f64], floor: f64) {
    for x in values {
        *x = x.max(floor);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys drawn together, sharing their correlation groups' scores chunk by chunk, get the
    /// values each gets drawn alone, bit for bit: without a cache, and with one that already
    /// keeps some of them (those are taken, the rest drawn together and then kept).
    #[test]
    fn keys_drawn_together_equal_keys_drawn_alone() {
        let s = crate::scenario::load("central").unwrap();
        let n = 2 * CHUNK + 917;
        let keys: Vec<String> = [
            "growth.long_run",
            "growth.reversion",
            "growth.volatility",
            "growth.persistence",
            "growth.capacity",
        ]
        .map(String::from)
        .to_vec();
        let sampler = InputSampler::new(&s, 7, None);
        assert!(keys.iter().any(|k| sampler.copula().place_of(k).is_some()));
        let alone: Vec<Vec<f32>> = keys.iter().map(|k| sampler.column_single(k, n)).collect();
        let same = |together: Vec<Arc<Vec<f32>>>| {
            for ((key, a), t) in keys.iter().zip(&alone).zip(together) {
                let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(a), bits(&t), "{key}");
            }
        };
        same(sampler.held_singles(&keys, n));
        let cache = DrawCache::for_runs_of(&s, n);
        let cached = InputSampler::new(&s, 7, None).with_cache(Some(&cache), n);
        cached.held_single("growth.capacity", n);
        let before = cache.bytes();
        same(cached.held_singles(&keys, n));
        assert_eq!(cache.bytes(), before + 4 * n * (keys.len() - 1));
        same(cached.held_singles(&keys, n));
    }
}
