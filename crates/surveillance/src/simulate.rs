//! Seeded outbreak simulator and the evaluation protocol of crime-data.md §4.5
//! (Noufaily 2013 / Bédubourg 2017 style, adapted and reduced so that it runs in
//! seconds in release mode).
//!
//! **Baseline.** `Y_t ~ NB(mu_t, phi)` with variance `phi * mu_t` (Poisson when
//! `phi = 1`; drawn as a Gamma–Poisson mixture) and
//! `mu_t = mean * exp(beta * (t - t_eval) / freq + season(t))`, where `t_eval` is
//! the start of the evaluation year (so `mean` is the level in the last year) and
//! `season` has `m ∈ {0, 1, 2}` harmonics scaled so that peak/trough ≈ `amplitude`
//! (burglary-like 1.8).
//!
//! **Length** 12 years; the **evaluation window** is the last year (`freq` periods).
//!
//! **Outbreaks.** 4 in the baseline years (start uniform over years 2–11 before the
//! evaluation year, `k` drawn from {2, 3, 5, 10}) and 1 in the evaluation year
//! (start uniform over its first `freq - 1` periods, `k = 1 + (replicate mod 10)`).
//! The number of cases is `Poisson(k * SD)` with, by default, the article's
//! convention `SD = sqrt(phi * mu_start)` ([`SizeConvention::ArticleSd`]); the
//! R `sts_creation` convention `k * mu (1 + mu / size) = k * phi * mu`
//! ([`SizeConvention::StsCreationVariance`]) is available for comparison.
//! Each case is delayed by `floor(L * freq / 52)` periods, `L ~ lognormal(0, 0.5)`
//! (weeks, rescaled to the period length).
//!
//! **Metrics** (per scenario and method, over the evaluation windows):
//! FPR = alarms in non-outbreak periods / non-outbreak periods; POD = share of
//! evaluation outbreaks (with ≥ 1 case) with an alarm in an outbreak period;
//! POD-first = alarm in the outbreak's first period; timeliness =
//! (first alarm − start) / duration, 1 if never detected.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Gamma, LogNormal, Poisson};
use serde::{Deserialize, Serialize};

use crate::cusum::{ears_c1, nb_cusum_on_farrington};
use crate::farrington::{farrington_into, FarringtonParams, FarringtonResult, Workspace};

/// How the outbreak size scales with `k`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SizeConvention {
    /// `Poisson(k * sqrt(phi * mu))`: k × the baseline SD (Noufaily article).
    ArticleSd,
    /// `Poisson(k * phi * mu)`: k × the baseline variance (R `sts_creation` source).
    StsCreationVariance,
}

/// One simulation scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Label.
    pub name: String,
    /// Periods per year (12, 26, 52).
    pub freq: u32,
    /// Mean count per period in the evaluation year (before seasonality).
    pub mean: f64,
    /// Trend, relative change per year on the log scale (−0.1 ≈ −10 %/yr).
    pub trend_per_year: f64,
    /// Number of harmonics (0, 1, 2).
    pub harmonics: u8,
    /// Peak/trough ratio of the seasonal pattern.
    pub amplitude: f64,
    /// Dispersion (variance / mean), >= 1.
    pub phi: f64,
}

/// A simulated series with its outbreak cases.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatedSeries {
    /// Total counts (baseline + outbreaks).
    pub counts: Vec<Option<f64>>,
    /// Cases of the evaluation-year outbreak per period.
    pub eval_outbreak: Vec<f64>,
    /// Index of the first evaluated period.
    pub eval_start: usize,
    /// Start of the evaluation-year outbreak.
    pub outbreak_start: usize,
}

/// One line of the evaluation table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationRow {
    /// Scenario label.
    pub scenario: String,
    /// `farrington`, `nb-cusum` or `ears-c1`.
    pub method: String,
    /// False-positive rate per non-outbreak period.
    pub fpr: f64,
    /// Probability of detection.
    pub pod: f64,
    /// Detection in the first outbreak period.
    pub pod_first: f64,
    /// Mean timeliness (0 = first period, 1 = never).
    pub timeliness: f64,
    /// Replicates whose evaluation outbreak had at least one case.
    pub outbreaks: usize,
}

fn season(t: usize, freq: u32, harmonics: u8, amplitude: f64) -> f64 {
    if harmonics == 0 || amplitude <= 1.0 {
        return 0.0;
    }
    let g = amplitude.ln() / 2.0;
    let x = 2.0 * std::f64::consts::PI * t as f64 / f64::from(freq);
    if harmonics == 1 {
        g * x.cos()
    } else {
        // two harmonics; the second at half strength, rescaled to the same peak/trough
        let raw = |x: f64| x.cos() + 0.5 * (2.0 * x + 0.7).sin();
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for i in 0..360 {
            let v = raw(f64::from(i) * std::f64::consts::PI / 180.0);
            lo = lo.min(v);
            hi = hi.max(v);
        }
        2.0 * g * (raw(x) - (hi + lo) / 2.0) / (hi - lo)
    }
}

fn draw_count(mu: f64, phi: f64, rng: &mut StdRng) -> f64 {
    if mu <= 0.0 {
        return 0.0;
    }
    let lambda = if phi > 1.0 + 1e-12 {
        let r = mu / (phi - 1.0);
        match Gamma::new(r, mu / r) {
            Ok(g) => g.sample(rng),
            Err(_) => mu,
        }
    } else {
        mu
    };
    draw_poisson(lambda, rng)
}

fn draw_poisson(lambda: f64, rng: &mut StdRng) -> f64 {
    if lambda <= 0.0 {
        return 0.0;
    }
    match Poisson::new(lambda) {
        Ok(p) => p.sample(rng),
        Err(_) => 0.0,
    }
}

/// Baseline mean at period `t` of a series of length `n`.
pub fn scenario_mean(sc: &Scenario, t: usize, n: usize) -> f64 {
    let t_eval = n - sc.freq as usize;
    let dt = (t as f64 - t_eval as f64) / f64::from(sc.freq);
    sc.mean * (sc.trend_per_year * dt + season(t, sc.freq, sc.harmonics, sc.amplitude)).exp()
}

fn add_outbreak(
    out: &mut [f64],
    start: usize,
    k: f64,
    mu_start: f64,
    sc: &Scenario,
    conv: SizeConvention,
    rng: &mut StdRng,
) {
    let size_mean = match conv {
        SizeConvention::ArticleSd => k * (sc.phi * mu_start).sqrt(),
        SizeConvention::StsCreationVariance => k * sc.phi * mu_start,
    };
    let cases = draw_poisson(size_mean, rng) as usize;
    let ln = LogNormal::new(0.0, 0.5).ok();
    for _ in 0..cases {
        let l = ln.map_or(1.0, |d| d.sample(rng));
        let delay = (l * f64::from(sc.freq) / 52.0).floor() as usize;
        if let Some(v) = out.get_mut(start + delay) {
            *v += 1.0;
        }
    }
}

/// Simulate one 12-year series with 4 baseline outbreaks and one evaluation
/// outbreak of size `k_eval`.
pub fn simulate_series(
    sc: &Scenario,
    k_eval: f64,
    conv: SizeConvention,
    rng: &mut StdRng,
) -> SimulatedSeries {
    let f = sc.freq as usize;
    let n = 12 * f;
    let eval_start = n - f;
    let mut base: Vec<f64> = (0..n)
        .map(|t| draw_count(scenario_mean(sc, t, n), sc.phi, rng))
        .collect();
    let mut past = vec![0.0; n];
    for _ in 0..4 {
        let start = rng.gen_range(f..eval_start.saturating_sub(1).max(f + 1));
        let k = [2.0, 3.0, 5.0, 10.0][rng.gen_range(0..4)];
        add_outbreak(
            &mut past,
            start,
            k,
            scenario_mean(sc, start, n),
            sc,
            conv,
            rng,
        );
    }
    let outbreak_start = eval_start + rng.gen_range(0..f - 1);
    let mut eval_outbreak = vec![0.0; n];
    add_outbreak(
        &mut eval_outbreak,
        outbreak_start,
        k_eval,
        scenario_mean(sc, outbreak_start, n),
        sc,
        conv,
        rng,
    );
    for t in 0..n {
        base[t] += past[t] + eval_outbreak[t];
    }
    SimulatedSeries {
        counts: base.into_iter().map(Some).collect(),
        eval_outbreak,
        eval_start,
        outbreak_start,
    }
}

/// The scenario grid: a reduced Noufaily-style block (weekly, fortnightly,
/// monthly) plus the low-count monthly block (mean 0.05 … 15, phi 1.5,
/// burglary-like seasonality 1.8 and −10 %/yr trend).
pub fn scenarios() -> Vec<Scenario> {
    let s = |name: &str, freq, mean, trend_per_year, harmonics, amplitude, phi| Scenario {
        name: name.to_string(),
        freq,
        mean,
        trend_per_year,
        harmonics,
        amplitude,
        phi,
    };
    let mut v = vec![
        s("W1 weekly mu=2 phi=1 flat", 52, 2.0, 0.0, 0, 1.0, 1.0),
        s("W2 weekly mu=5 phi=1.5 seas", 52, 5.0, 0.0, 1, 1.8, 1.5),
        s(
            "W3 weekly mu=20 phi=2 seas -10%/yr",
            52,
            20.0,
            -0.1,
            1,
            1.8,
            2.0,
        ),
        s("W4 weekly mu=50 phi=3 2harm", 52, 50.0, 0.05, 2, 1.8, 3.0),
        s(
            "F1 2-weekly mu=6 phi=1.5 seas -10%/yr",
            26,
            6.0,
            -0.1,
            1,
            1.8,
            1.5,
        ),
        s("M1 monthly mu=10 phi=1 flat", 12, 10.0, 0.0, 0, 1.0, 1.0),
        s(
            "M2 monthly mu=25 phi=1.5 seas -10%/yr",
            12,
            25.0,
            -0.1,
            1,
            1.8,
            1.5,
        ),
        s("M3 monthly mu=60 phi=5 2harm", 12, 60.0, 0.0, 2, 1.8, 5.0),
    ];
    for m in [0.05, 0.2, 0.5, 1.0, 3.0, 6.0, 15.0] {
        v.push(s(
            &format!("L monthly mu={m} phi=1.5 seas -10%/yr"),
            12,
            m,
            -0.1,
            1,
            1.8,
            1.5,
        ));
    }
    v
}

#[derive(Default)]
struct Acc {
    fp: f64,
    neg: f64,
    det: f64,
    first: f64,
    timely: f64,
    outbreaks: usize,
}

impl Acc {
    fn add(&mut self, alarms: &[bool], sim: &SimulatedSeries) {
        let ob = &sim.eval_outbreak[sim.eval_start..];
        let start = sim.outbreak_start - sim.eval_start;
        for (a, o) in alarms.iter().zip(ob) {
            if *o == 0.0 {
                self.neg += 1.0;
                if *a {
                    self.fp += 1.0;
                }
            }
        }
        let last = ob.iter().rposition(|o| *o > 0.0);
        if let Some(last) = last {
            self.outbreaks += 1;
            let dur = (last + 1 - start.min(last)) as f64;
            let first_alarm = (start..=last).find(|&i| ob[i] > 0.0 && alarms[i]);
            match first_alarm {
                Some(i) => {
                    self.det += 1.0;
                    if i == start {
                        self.first += 1.0;
                    }
                    self.timely += (i - start) as f64 / dur;
                }
                None => self.timely += 1.0,
            }
        }
    }

    fn row(&self, scenario: &str, method: &str) -> EvaluationRow {
        let n = self.outbreaks.max(1) as f64;
        EvaluationRow {
            scenario: scenario.to_string(),
            method: method.to_string(),
            fpr: if self.neg > 0.0 {
                self.fp / self.neg
            } else {
                f64::NAN
            },
            pod: self.det / n,
            pod_first: self.first / n,
            timeliness: if self.outbreaks > 0 {
                self.timely / n
            } else {
                f64::NAN
            },
            outbreaks: self.outbreaks,
        }
    }
}

/// Run the evaluation on `scenarios` with `replicates` series each.
/// Farrington uses `params`; the NB-CUSUM runs on the Farrington expected values
/// (k = 2, in-control ARL = 5 years); EARS C1 is the weak baseline.
pub fn evaluate_with(
    scenarios: &[Scenario],
    replicates: usize,
    params: &FarringtonParams,
    conv: SizeConvention,
    seed: u64,
) -> Vec<EvaluationRow> {
    let mut rows = Vec::new();
    let mut ws = Workspace::new();
    let mut res: Vec<FarringtonResult> = Vec::new();
    for (si, sc) in scenarios.iter().enumerate() {
        let mut rng =
            StdRng::seed_from_u64(seed ^ ((si as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)));
        let (mut a_f, mut a_c, mut a_e) = (Acc::default(), Acc::default(), Acc::default());
        let f = sc.freq as usize;
        for r in 0..replicates {
            let k = 1.0 + (r % 10) as f64;
            let sim = simulate_series(sc, k, conv, &mut rng);
            if farrington_into(&mut ws, &sim.counts, sc.freq, params, f, &mut res).is_err() {
                continue;
            }
            let fa: Vec<bool> = res.iter().map(|x| x.alarm).collect();
            a_f.add(&fa, &sim);
            if let Ok((_, cu)) = nb_cusum_on_farrington(&res, 2.0, 5.0 * f as f64) {
                let ca: Vec<bool> = cu.iter().map(|x| x.alarm).collect();
                a_c.add(&ca, &sim);
            }
            if let Ok(e) = ears_c1(&sim.counts, f) {
                let ea: Vec<bool> = e.iter().map(|x| x.alarm).collect();
                a_e.add(&ea, &sim);
            }
        }
        rows.push(a_f.row(&sc.name, "farrington"));
        rows.push(a_c.row(&sc.name, "nb-cusum"));
        rows.push(a_e.row(&sc.name, "ears-c1"));
    }
    rows
}

/// The §4.5 evaluation with the default grid, 100 replicates per scenario,
/// default Farrington parameters and the article's outbreak-size convention.
pub fn evaluate(seed: u64) -> Vec<EvaluationRow> {
    evaluate_with(
        &scenarios(),
        100,
        &FarringtonParams::default(),
        SizeConvention::ArticleSd,
        seed,
    )
}

/// Plain-text table of evaluation rows (for the CLI).
pub fn format_table(rows: &[EvaluationRow]) -> String {
    let mut s = format!(
        "{:<42} {:<11} {:>7} {:>6} {:>9} {:>10} {:>5}\n",
        "scenario", "method", "FPR", "POD", "POD-first", "timeliness", "n"
    );
    for r in rows {
        s.push_str(&format!(
            "{:<42} {:<11} {:>7.4} {:>6.3} {:>9.3} {:>10.3} {:>5}\n",
            r.scenario, r.method, r.fpr, r.pod, r.pod_first, r.timeliness, r.outbreaks
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulation_is_deterministic_and_has_outbreak() {
        let sc = &scenarios()[5];
        let a = simulate_series(
            sc,
            5.0,
            SizeConvention::ArticleSd,
            &mut StdRng::seed_from_u64(7),
        );
        let b = simulate_series(
            sc,
            5.0,
            SizeConvention::ArticleSd,
            &mut StdRng::seed_from_u64(7),
        );
        assert_eq!(a, b);
        assert_eq!(a.counts.len(), 144);
        assert!(a.eval_outbreak.iter().sum::<f64>() > 0.0);
        assert!(a.outbreak_start >= a.eval_start);
    }

    #[test]
    fn size_conventions_differ() {
        // mu = 10, phi = 1: SD convention ~ k*3.2 cases, variance convention ~ k*10.
        let sc = &scenarios()[5];
        let mut tot = [0.0, 0.0];
        for (i, conv) in [
            SizeConvention::ArticleSd,
            SizeConvention::StsCreationVariance,
        ]
        .into_iter()
        .enumerate()
        {
            let mut rng = StdRng::seed_from_u64(3);
            for _ in 0..50 {
                tot[i] += simulate_series(sc, 4.0, conv, &mut rng)
                    .eval_outbreak
                    .iter()
                    .sum::<f64>();
            }
        }
        let ratio = tot[1] / tot[0];
        assert!((2.3..4.3).contains(&ratio), "{ratio}");
    }

    #[test]
    fn small_evaluation_runs() {
        let sc = vec![scenarios()[5].clone(), scenarios()[12].clone()];
        let rows = evaluate_with(
            &sc,
            10,
            &FarringtonParams::default(),
            SizeConvention::ArticleSd,
            1,
        );
        assert_eq!(rows.len(), 6);
        for r in &rows {
            assert!(r.fpr.is_nan() || (0.0..=1.0).contains(&r.fpr), "{r:?}");
            assert!((0.0..=1.0).contains(&r.pod));
        }
        assert!(format_table(&rows).lines().count() == 7);
    }
}
