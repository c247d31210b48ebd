//! Throughput benchmark: Farrington on many generated monthly series.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::farrington::{farrington_into, FarringtonParams, FarringtonResult, Workspace};
use crate::SurveillanceError;

/// Result of [`bench`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchReport {
    /// Number of series.
    pub series: usize,
    /// Evaluated periods per series.
    pub periods: usize,
    /// Length of each generated series (months).
    pub series_length: usize,
    /// Threads used.
    pub threads: usize,
    /// Farrington evaluations (series × periods).
    pub evaluations: u64,
    /// Alarms raised.
    pub alarms: u64,
    /// Wall-clock seconds, generation + Farrington.
    pub total_seconds: f64,
    /// Seconds spent generating series (summed over threads, divided by threads).
    pub generate_seconds: f64,
    /// Evaluations per second (wall clock, total).
    pub evaluations_per_second: f64,
}

/// SplitMix64: tiny deterministic generator for the benchmark's synthetic data.
struct SplitMix(u64);

impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Poisson draw: inversion for small means, rounded normal approximation otherwise.
    fn poisson(&mut self, mu: f64) -> f64 {
        if mu <= 0.0 {
            return 0.0;
        }
        if mu < 30.0 {
            let u = self.uniform();
            let mut p = (-mu).exp();
            let mut c = p;
            let mut k = 0.0;
            while u > c && k < 1000.0 {
                k += 1.0;
                p *= mu / k;
                c += p;
            }
            k
        } else {
            let (u1, u2) = (self.uniform().max(1e-300), self.uniform());
            let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
            (mu + mu.sqrt() * z).round().max(0.0)
        }
    }
}

fn gen_series(i: usize, seed: u64, buf: &mut Vec<Option<f64>>, len: usize) {
    let mut rng = SplitMix(seed ^ (i as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93));
    // level log-uniform between 0.2 and 50 per month, burglary-like seasonality
    // (peak/trough ~1.8), trend between -10 %/yr and +5 %/yr
    let (lo, hi) = (0.2f64.ln(), 50f64.ln());
    let level = (lo + (hi - lo) * rng.uniform()).exp();
    let trend = (-0.1 + 0.15 * rng.uniform()) / 12.0;
    let phase = (rng.next_u64() % 12) as f64;
    buf.clear();
    for t in 0..len {
        let x = 2.0 * std::f64::consts::PI * (t as f64 + phase) / 12.0;
        let mu = level * (0.29 * x.cos() + trend * (t as f64 - len as f64)).exp();
        buf.push(Some(rng.poisson(mu)));
    }
}

/// Generate `series` monthly series (length `b*12 + w + periods`, default
/// parameters) and run Farrington over their last `periods` months, on all
/// available cores (`std::thread::scope`). The data (level log-uniform 0.2–50 per
/// month, seasonality, trend; Poisson) depend only on `seed`, not on the thread count.
pub fn bench(series: usize, periods: usize, seed: u64) -> Result<BenchReport, SurveillanceError> {
    let params = FarringtonParams::default();
    let len = params.b * 12 + params.w + periods;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 64);
    let start = Instant::now();
    let chunk = series.div_ceil(threads).max(1);
    let results: Vec<Result<(u64, f64), SurveillanceError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|th| {
                let params = &params;
                s.spawn(move || -> Result<(u64, f64), SurveillanceError> {
                    let mut ws = Workspace::new();
                    let mut out: Vec<FarringtonResult> = Vec::with_capacity(periods);
                    let mut buf = Vec::with_capacity(len);
                    let (mut alarms, mut gen) = (0u64, 0.0f64);
                    for i in th * chunk..((th + 1) * chunk).min(series) {
                        let g0 = Instant::now();
                        gen_series(i, seed, &mut buf, len);
                        gen += g0.elapsed().as_secs_f64();
                        farrington_into(&mut ws, &buf, 12, params, periods, &mut out)?;
                        alarms += out.iter().filter(|r| r.alarm).count() as u64;
                    }
                    Ok((alarms, gen))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(SurveillanceError::InvalidParams(
                        "worker thread failed".into(),
                    ))
                })
            })
            .collect()
    });
    let mut alarms = 0;
    let mut gen = 0.0;
    for r in results {
        let (a, g) = r?;
        alarms += a;
        gen += g;
    }
    let total = start.elapsed().as_secs_f64();
    let evaluations = (series * periods) as u64;
    Ok(BenchReport {
        series,
        periods,
        series_length: len,
        threads,
        evaluations,
        alarms,
        total_seconds: total,
        generate_seconds: gen / threads as f64,
        evaluations_per_second: if total > 0.0 {
            evaluations as f64 / total
        } else {
            0.0
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_bench_runs() {
        let r = bench(50, 24, 1).unwrap();
        assert_eq!(r.evaluations, 1200);
        assert_eq!(r.series_length, 87);
        // false-alarm rate at alpha = 0.05 on in-control series stays modest
        assert!((r.alarms as f64) < 0.15 * 1200.0, "{r:?}");
        let r2 = bench(50, 24, 1).unwrap();
        assert_eq!(r.alarms, r2.alarms);
    }
}
