//! A projection's percentile lines as the year charts plot them.

use crate::sim::Projection;

/// Revenue per percentile band, with the start year prepended (where every path is at the
/// start revenue), so bands grow out of the last published point.
pub struct FanSeries {
    pub years: Vec<i32>,
    /// `lines[k][i]`: percentile k (p5, p10, p25, p50, p75, p90, p95) in year i.
    pub lines: [Vec<f64>; 7],
}

impl FanSeries {
    pub fn of(p: &Projection) -> FanSeries {
        let start = p.scenario.market.start_year;
        let r0 = p.scenario.market.start_revenue;
        let mut years = vec![start];
        let mut lines: [Vec<f64>; 7] = Default::default();
        for line in lines.iter_mut() {
            line.push(r0);
        }
        for ys in &p.years {
            years.push(ys.year);
            for (k, line) in lines.iter_mut().enumerate() {
                line.push(ys.percentiles[k]);
            }
        }
        FanSeries { years, lines }
    }

    /// Points of the band between percentiles `lo` and `hi` (indices into `lines`), as a polygon.
    pub fn band(&self, lo: usize, hi: usize) -> Vec<(i32, f64)> {
        let upper = self
            .years
            .iter()
            .zip(&self.lines[hi])
            .map(|(&y, &v)| (y, v));
        let lower = self
            .years
            .iter()
            .zip(&self.lines[lo])
            .rev()
            .map(|(&y, &v)| (y, v));
        upper.chain(lower).collect()
    }

    /// Lowest 5th and highest 95th percentile.
    pub fn extent(&self) -> (f64, f64) {
        let lo = self.lines[0]
            .iter()
            .copied()
            .filter(|v| v.is_finite() && *v > 0.0)
            .fold(f64::INFINITY, f64::min);
        (lo, finite_max(self.lines[6].iter().copied()))
    }

    /// Only the years in `from..=to` (either end open), so nothing is drawn outside the axes.
    pub fn clipped(mut self, (from, to): (Option<i32>, Option<i32>)) -> FanSeries {
        let keep: Vec<bool> = self
            .years
            .iter()
            .map(|&y| from.is_none_or(|f| y >= f) && to.is_none_or(|t| y <= t))
            .collect();
        let filter = |v: &mut Vec<f64>| {
            let mut k = keep.iter();
            v.retain(|_| *k.next().unwrap_or(&false));
        };
        for line in self.lines.iter_mut() {
            filter(line);
        }
        let mut k = keep.iter();
        self.years.retain(|_| *k.next().unwrap_or(&false));
        self
    }

    pub fn line(&self, k: usize) -> Vec<(i32, f64)> {
        self.years
            .iter()
            .zip(&self.lines[k])
            .map(|(&y, &v)| (y, v))
            .collect()
    }
}

/// Largest finite value among `values`, or 0.
pub fn finite_max(values: impl IntoIterator<Item = f64>) -> f64 {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}
