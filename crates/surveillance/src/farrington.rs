//! Improved Farrington method (Noufaily et al. 2013), following the semantics
//! of R `surveillance::farringtonFlexible` (1.20) with `thresholdMethod = "nbPlugin"`,
//! `powertrans = "none"`. Implemented from the method description; the factor
//! layout of the reference periods was checked black-box against R output.
//!
//! For each evaluated period `t0`:
//! 1. Baseline: periods `t0 - (b*freq + w) ..= t0 - pastPeriodsNotIncluded - 1`
//!    (missing counts dropped). Each period gets a seasonal factor level: the
//!    windows `t0 - i*freq ± w` share one level, the periods between two windows are
//!    split into `noPeriods - 1` contiguous blocks (extra periods go to the first
//!    blocks). When the gap between windows is shorter than `noPeriods - 1`
//!    (monthly data with `w = 3`), R 1.20 labels the gap `1, 2, …, g-1, last, last`
//!    where the second `last` is the first period of the next window; this crate
//!    reproduces that. `noPeriods = 1` uses only the windows (original Farrington).
//! 2. Quasi-Poisson log-linear GLM `y ~ level (+ t)` fitted by IRLS (here: the
//!    level intercepts profiled out exactly, Newton on the trend).
//!    The trend is kept only if its two-sided t-test p-value is below
//!    `p_threshold_trend` and the prediction at `t0` does not exceed the largest
//!    baseline count; otherwise the model is refitted without trend.
//!    With reweighting, the trend model is fitted, reweighted and refitted before the
//!    test (as R does); the t-test dispersion follows R (see
//!    [`FarringtonParams::r_compatible_trend_test`]).
//! 3. Reweighting: Anscombe residuals `s_i` with dispersion `max(1, phi)`; weights
//!    `gamma * s_i^-2` for `s_i > weights_threshold`, else `gamma`, with `gamma`
//!    making the weights sum to `n`; refit (with the same trend rule).
//! 4. `expected = mu0` (prediction at `t0`), `phi = max(1, Pearson dispersion)`,
//!    `upperbound = qnbinom(1 - alpha, size = mu0/(phi-1), mu = mu0)` (Poisson if `phi == 1`).
//! 5. `alarm = observed > upperbound`, except that no alarm is raised when fewer
//!    than `limit54_cases` cases were counted in the last `limit54_periods` periods
//!    (including `t0`; missing counts as 0).
//!
//! Differences from R worth knowing: R returns `NA` for `expected`/`upperbound`
//! when the limit54 rule blocks or when the baseline is all zero; here they are
//! always computed (0 for an all-zero baseline) and only `alarm` is suppressed.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::nb::{nb_quantile, nb_upper_tail};
use crate::SurveillanceError;

/// Parameters of [`farrington`]; `Default` gives the values of the issue
/// (`b = 5, w = 3, noPeriods = 10, weightsThreshold = 2.58, alpha = 0.05`,
/// trend with `pThresholdTrend = 0.05`, `limit54 = c(5, 4)`,
/// `pastWeeksNotIncluded` = the frequency-dependent default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FarringtonParams {
    /// Number of past years in the baseline.
    pub b: usize,
    /// Half-width of the window around the same period in past years.
    pub w: usize,
    /// Number of seasonal factor levels (1 = windows only).
    pub no_periods: usize,
    /// Anscombe-residual threshold for down-weighting past outbreaks.
    pub weights_threshold: f64,
    /// Recent periods left out of the baseline. `None` = 26 weeks equivalent:
    /// 6 for freq 12, 13 for freq 26, 26 for freq 52 (`freq / 2` otherwise).
    pub past_periods_not_included: Option<usize>,
    /// One-sided level of the NB plug-in threshold.
    pub alpha: f64,
    /// Fit (and test) a linear trend.
    pub trend: bool,
    /// Significance level for keeping the trend.
    pub p_threshold_trend: f64,
    /// Down-weight past outbreaks.
    pub reweight: bool,
    /// limit54: minimum number of cases ...
    pub limit54_cases: f64,
    /// ... in this many most recent periods (including the current one).
    pub limit54_periods: usize,
    /// Reproduce R 1.20's trend test after reweighting (default `true`): there the
    /// reweighted glm's working weights are replaced by the reweighting weights, so
    /// the dispersion in the t-test becomes `sum(omega*((y-mu)/mu)^2)/df` (about
    /// `phi/mean`), which keeps trends far more often for counts above ~1 per period.
    /// `false` uses the Pearson dispersion (the textbook quasi-Poisson t-test).
    pub r_compatible_trend_test: bool,
}

impl Default for FarringtonParams {
    fn default() -> Self {
        Self {
            b: 5,
            w: 3,
            no_periods: 10,
            weights_threshold: 2.58,
            past_periods_not_included: None,
            alpha: 0.05,
            trend: true,
            p_threshold_trend: 0.05,
            reweight: true,
            limit54_cases: 5.0,
            limit54_periods: 4,
            r_compatible_trend_test: true,
        }
    }
}

impl FarringtonParams {
    /// The guard band actually used for a frequency.
    pub fn past_periods_for(&self, freq: u32) -> usize {
        self.past_periods_not_included.unwrap_or(match freq {
            12 => 6,
            26 => 13,
            52 => 26,
            f => (f / 2) as usize,
        })
    }

    fn validate(&self, freq: u32) -> Result<(), SurveillanceError> {
        let bad = |m: &str| Err(SurveillanceError::InvalidParams(m.to_string()));
        if freq < 2 {
            return bad("freq must be at least 2");
        }
        if self.b == 0 {
            return bad("b must be at least 1");
        }
        if self.no_periods == 0 || self.no_periods > 255 {
            return bad("no_periods must be in 1..=255");
        }
        if 2 * self.w + 1 > freq as usize {
            return bad("2*w+1 must not exceed freq");
        }
        if !(self.alpha > 0.0 && self.alpha < 1.0) {
            return bad("alpha must be in (0, 1)");
        }
        if !(self.p_threshold_trend > 0.0 && self.p_threshold_trend < 1.0) {
            return bad("p_threshold_trend must be in (0, 1)");
        }
        if !(self.weights_threshold > 0.0) {
            return bad("weights_threshold must be positive");
        }
        if self.limit54_periods == 0 {
            return bad("limit54_periods must be at least 1");
        }
        if self.past_periods_for(freq) + 1 >= self.b * freq as usize + self.w {
            return bad("past_periods_not_included leaves no baseline");
        }
        Ok(())
    }
}

/// Outcome for one evaluated period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FarringtonResult {
    /// 0-based index into the input series.
    pub index: usize,
    /// Observed count (`None` = missing).
    pub observed: Option<f64>,
    /// Fitted expected count at this period.
    pub expected: f64,
    /// NB plug-in `(1 - alpha)` quantile.
    pub upperbound: f64,
    /// `observed > upperbound` and the limit54 rule allows an alarm.
    pub alarm: bool,
    /// `P(Y >= observed)` under the fitted NB (1 when observed is missing).
    pub p_value: f64,
    /// Dispersion `phi >= 1` used for the threshold.
    pub dispersion: f64,
    /// Whether the final model kept the trend.
    pub trend: bool,
    /// Whether the limit54 rule blocked an alarm at this period.
    pub limit54_blocked: bool,
}

const WINDOW: u8 = 0;

/// `y^(2/3)`, from a table for small integer counts.
fn pow_two_thirds(y: f64) -> f64 {
    static TABLE: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| (0..4096).map(|k| f64::from(k).powf(2.0 / 3.0)).collect());
    if (0.0..4096.0).contains(&y) && (y as usize) as f64 == y {
        table[y as usize]
    } else {
        y.powf(2.0 / 3.0)
    }
}
const EXCLUDED: u8 = u8::MAX;

/// Seasonal factor label for each baseline offset (index `i` ↔ offset `i - (b*freq+w)`).
fn level_pattern(freq: usize, b: usize, w: usize, p: usize) -> Vec<u8> {
    let len = b * freq + w + 1;
    let win = 2 * w + 1;
    let g = freq - win;
    let q = p.saturating_sub(1);
    let mut sizes: Vec<usize> = Vec::new();
    if q > 0 && g >= q {
        let (base, rem) = (g / q, g % q);
        sizes = (0..q).map(|j| base + usize::from(j < rem)).collect();
    }
    let mut out = vec![EXCLUDED; len];
    for (i, slot) in out.iter_mut().enumerate() {
        let pos = i % freq;
        *slot = if pos < win {
            if q > 0 && g > 0 && g < q && pos == 0 && i > 0 {
                q as u8
            } else {
                WINDOW
            }
        } else if q == 0 {
            EXCLUDED
        } else if g < q {
            let k = pos - win;
            if k + 1 < g {
                (k + 1) as u8
            } else {
                q as u8
            }
        } else {
            let mut k = pos - win;
            let mut lab = 1u8;
            for s in &sizes {
                if k < *s {
                    break;
                }
                k -= s;
                lab += 1;
            }
            lab
        };
    }
    out
}

/// Reusable buffers so that repeated evaluations do not allocate.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    pattern: Vec<u8>,
    pattern_key: (usize, usize, usize, usize),
    y: Vec<f64>,
    y23: Vec<f64>,
    t: Vec<f64>,
    lev: Vec<u8>,
    wt: Vec<f64>,
    mu: Vec<f64>,
    s0: Vec<f64>,
    s1: Vec<f64>,
    s2: Vec<f64>,
    sy: Vec<f64>,
    cnt: Vec<u32>,
    tcrit: Vec<(f64, f64)>,
}

#[derive(Debug, Clone, Copy)]
struct Fit {
    beta: f64,
    trend: bool,
    mu0: f64,
    dispersion: f64,
}

impl Workspace {
    /// Empty workspace.
    pub fn new() -> Self {
        Self::default()
    }

    fn prepare(&mut self, freq: usize, p: &FarringtonParams) {
        let key = (freq, p.b, p.w, p.no_periods);
        if self.pattern.is_empty() || self.pattern_key != key {
            self.pattern = level_pattern(freq, p.b, p.w, p.no_periods);
            self.pattern_key = key;
            let nl = p.no_periods.max(1);
            self.s0 = vec![0.0; nl];
            self.s1 = vec![0.0; nl];
            self.s2 = vec![0.0; nl];
            self.sy = vec![0.0; nl];
            self.cnt = vec![0; nl];
        }
    }

    /// Critical |t| for a two-sided test at level `pthr` with `df` degrees of freedom (cached).
    fn t_critical(&mut self, df: usize, pthr: f64) -> f64 {
        if self.tcrit.len() <= df {
            self.tcrit.resize(df + 1, (f64::NAN, f64::NAN));
        }
        let (p, v) = self.tcrit[df];
        if p == pthr && v.is_finite() {
            return v;
        }
        let v = match StudentsT::new(0.0, 1.0, df as f64) {
            Ok(d) => d.inverse_cdf(1.0 - pthr / 2.0),
            Err(_) => f64::INFINITY,
        };
        self.tcrit[df] = (pthr, v);
        v
    }

    /// Fit the GLM with the current prior weights `wt`; fills `mu`.
    fn fit(&mut self, with_trend: bool, beta_start: f64) -> Fit {
        let n = self.y.len();
        let nl = self.s0.len();
        for l in 0..nl {
            self.sy[l] = 0.0;
            self.cnt[l] = 0;
        }
        for i in 0..n {
            let l = self.lev[i] as usize;
            self.sy[l] += self.wt[i] * self.y[i];
            self.cnt[l] += 1;
        }
        let levels_used = self.cnt.iter().filter(|c| **c > 0).count();
        let mut beta: f64 = if beta_start.is_finite() {
            beta_start
        } else {
            0.0
        };
        let mut ok = true;
        if with_trend {
            let mut converged = false;
            let mut wty = 0.0;
            for i in 0..n {
                wty += self.wt[i] * self.t[i] * self.y[i];
            }
            for _ in 0..60 {
                // one pass: per-level sums of w e, w e t, w e t^2 with e = exp(beta t)
                for l in 0..nl {
                    self.s0[l] = 0.0;
                    self.s1[l] = 0.0;
                    self.s2[l] = 0.0;
                }
                let step_mult = beta.exp();
                let mut tc = self.t[0];
                let mut cur = (beta * tc).exp();
                for i in 0..n {
                    let ti = self.t[i];
                    let gap = ti - tc;
                    if gap == 1.0 {
                        cur *= step_mult;
                    } else if gap > 0.0 {
                        cur *= step_mult.powi(gap as i32);
                    }
                    tc = ti;
                    let we = self.wt[i] * cur;
                    let l = self.lev[i] as usize;
                    self.s0[l] += we;
                    self.s1[l] += we * ti;
                    self.s2[l] += we * ti * ti;
                }
                let (mut score, mut d2) = (wty, 0.0);
                for l in 0..nl {
                    if self.s0[l] > 0.0 && self.sy[l] > 0.0 {
                        let a = self.sy[l] / self.s0[l];
                        score -= a * self.s1[l];
                        d2 += a * (self.s2[l] - self.s1[l] * self.s1[l] / self.s0[l]);
                    }
                }
                if !(d2 > 0.0) || !score.is_finite() {
                    ok = false;
                    break;
                }
                let step = (score / d2).clamp(-0.05, 0.05);
                beta += step;
                if step.abs() < 1e-9 {
                    converged = true;
                    break;
                }
            }
            ok = ok && converged;
        }
        if !with_trend || !ok {
            beta = 0.0;
        }
        let used_trend = with_trend && ok;
        self.level_means(beta);
        // Pearson dispersion
        let rank = levels_used + usize::from(used_trend);
        let mut x2 = 0.0;
        for i in 0..n {
            if self.mu[i] > 0.0 {
                let r = self.y[i] - self.mu[i];
                x2 += self.wt[i] * r * r / self.mu[i];
            }
        }
        let dispersion = if n > rank {
            x2 / (n - rank) as f64
        } else {
            f64::NAN
        };
        let mu0 = self.level_mu0_after_means();
        Fit {
            beta,
            trend: used_trend,
            mu0,
            dispersion,
        }
    }

    /// Profiled level intercepts for a given trend `beta`; fills `mu` and `s0` (= sum w e^{bt}).
    fn level_means(&mut self, beta: f64) {
        let n = self.y.len();
        for v in self.s0.iter_mut() {
            *v = 0.0;
        }
        if n == 0 {
            return;
        }
        if beta == 0.0 {
            for i in 0..n {
                self.mu[i] = 1.0;
                self.s0[self.lev[i] as usize] += self.wt[i];
            }
        } else {
            // offsets are increasing integers: e^{beta t} by running products
            let step = beta.exp();
            let mut tc = self.t[0];
            let mut cur = (beta * tc).exp();
            for i in 0..n {
                let gap = self.t[i] - tc;
                if gap == 1.0 {
                    cur *= step;
                } else if gap > 0.0 {
                    cur *= step.powi(gap as i32);
                }
                tc = self.t[i];
                self.mu[i] = cur;
                self.s0[self.lev[i] as usize] += self.wt[i] * cur;
            }
        }
        for i in 0..n {
            let l = self.lev[i] as usize;
            let a = if self.s0[l] > 0.0 {
                self.sy[l] / self.s0[l]
            } else {
                0.0
            };
            self.mu[i] *= a;
        }
    }

    /// Prediction at offset 0 (window level) = exp(alpha_window), valid right after
    /// [`Self::level_means`] (which leaves `s0 = sum w e^{beta t}` per level).
    fn level_mu0_after_means(&self) -> f64 {
        let l = WINDOW as usize;
        if self.cnt[l] == 0 {
            return f64::NAN;
        }
        if self.s0[l] > 0.0 {
            self.sy[l] / self.s0[l]
        } else {
            0.0
        }
    }

    /// Whether a fitted trend model passes the trend rule: two-sided t-test
    /// p-value below `p_threshold_trend` and prediction at `t0` not above the
    /// largest baseline count. `reweighted` selects the R-compatible dispersion
    /// used in the test (see [`FarringtonParams::r_compatible_trend_test`]).
    fn trend_ok(&mut self, f: &Fit, p: &FarringtonParams, ymax: f64, reweighted: bool) -> bool {
        if !f.trend || !(f.mu0 <= ymax) {
            return false;
        }
        let n = self.y.len();
        let levels_used = self.cnt.iter().filter(|c| **c > 0).count();
        let df = n.saturating_sub(levels_used + 1);
        if df == 0 {
            return false;
        }
        let disp = if reweighted && p.r_compatible_trend_test {
            // R 1.20 overwrites the working weights of the reweighted glm with the
            // prior weights, so summary() estimates the dispersion as
            // sum(omega * ((y - mu) / mu)^2) / df.
            let mut acc = 0.0;
            for i in 0..n {
                let r = if self.mu[i] > 0.0 {
                    (self.y[i] - self.mu[i]) / self.mu[i]
                } else {
                    -1.0
                };
                acc += self.wt[i] * r * r;
            }
            acc / df as f64
        } else {
            f.dispersion
        };
        if !(disp.is_finite() && disp > 0.0) {
            return false;
        }
        let d = self.schur(f.beta);
        if !(d > 0.0) {
            return false;
        }
        let tstat = (f.beta / (disp / d).sqrt()).abs();
        let crit = self.t_critical(df, p.p_threshold_trend);
        tstat > crit
    }

    /// farringtonFlexible's model selection: with trend, fit → reweight → refit and
    /// test; if the trend fails the rule, the same without trend.
    fn fit_select(&mut self, p: &FarringtonParams, ymax: f64) -> Fit {
        if p.trend {
            self.wt.iter_mut().for_each(|w| *w = 1.0);
            let mut f = self.fit(true, 0.0);
            // the refit is skipped when no weight changed (it would be identical);
            // otherwise it starts from the unweighted slope
            if f.trend && p.reweight && self.reweight(&f, p.weights_threshold) {
                f = self.fit(true, f.beta);
            }
            if self.trend_ok(&f, p, ymax, p.reweight) {
                return f;
            }
        }
        self.wt.iter_mut().for_each(|w| *w = 1.0);
        let mut f = self.fit(false, 0.0);
        if p.reweight && self.reweight(&f, p.weights_threshold) {
            f = self.fit(false, 0.0);
        }
        f
    }

    /// Schur complement `D` for the trend (needs `mu` from the current fit); also fills s0/s1.
    fn schur(&mut self, _beta: f64) -> f64 {
        for l in 0..self.s0.len() {
            self.s0[l] = 0.0;
            self.s1[l] = 0.0;
        }
        let mut d2 = 0.0;
        for i in 0..self.y.len() {
            let wm = self.wt[i] * self.mu[i];
            let l = self.lev[i] as usize;
            d2 += wm * self.t[i] * self.t[i];
            self.s0[l] += wm;
            self.s1[l] += wm * self.t[i];
        }
        for l in 0..self.s0.len() {
            if self.s0[l] > 0.0 {
                d2 -= self.s1[l] * self.s1[l] / self.s0[l];
            }
        }
        d2
    }

    /// Anscombe residuals of the current fit, turned into Farrington weights in `wt`.
    fn reweight(&mut self, fit: &Fit, thr: f64) -> bool {
        let n = self.y.len();
        let phi = if fit.dispersion.is_finite() {
            fit.dispersion.max(1.0)
        } else {
            1.0
        };
        // hat values need per-level sums of w*mu and w*mu*t
        let d = if fit.trend { self.schur(fit.beta) } else { 0.0 };
        if !fit.trend {
            for l in 0..self.s0.len() {
                self.s0[l] = 0.0;
                self.s1[l] = 0.0;
            }
            for i in 0..n {
                self.s0[self.lev[i] as usize] += self.wt[i] * self.mu[i];
            }
        }
        let mut denom = 0.0;
        // store residual-based factor temporarily in wt (after computing all h)
        for i in 0..n {
            let mu = self.mu[i];
            let l = self.lev[i] as usize;
            // only counts above the fit can exceed the (positive) threshold
            let s = if mu > 0.0 && self.s0[l] > 0.0 && self.y[i] > mu {
                let wm = self.wt[i] * mu;
                let mut h = wm / self.s0[l];
                if fit.trend && d > 0.0 {
                    let tc = self.t[i] - self.s1[l] / self.s0[l];
                    h += wm * tc * tc / d;
                }
                let one_minus_h = 1.0 - h;
                if one_minus_h > 1e-10 {
                    let scale = (phi * one_minus_h).sqrt();
                    let sq = mu.sqrt();
                    // Anscombe <= Pearson for y > mu (concavity of y^(2/3)), so a
                    // Pearson residual below the threshold needs no power function
                    if (self.y[i] - mu) / (sq * scale) <= thr {
                        0.0
                    } else {
                        1.5 * (self.y23[i] * mu.powf(-1.0 / 6.0) - sq) / scale
                    }
                } else {
                    0.0
                }
            } else {
                0.0
            };
            let f = if s > thr { 1.0 / (s * s) } else { 1.0 };
            denom += f;
            self.wt[i] = f;
        }
        let changed = self.wt.iter().any(|w| *w != 1.0);
        if changed {
            let gamma = if denom > 0.0 { n as f64 / denom } else { 1.0 };
            for v in self.wt.iter_mut() {
                *v *= gamma;
            }
        }
        changed
    }
}

/// Run the improved Farrington method on the last `evaluate_last` periods of `series`
/// (`None` = missing count). `freq` = periods per year (12, 26 or 52; other values
/// are accepted). Errors if the parameters are invalid or the series is too short
/// (the first evaluated period needs `b*freq + w` earlier periods).
pub fn farrington(
    series: &[Option<f64>],
    freq: u32,
    params: &FarringtonParams,
    evaluate_last: usize,
) -> Result<Vec<FarringtonResult>, SurveillanceError> {
    let mut ws = Workspace::new();
    let mut out = Vec::with_capacity(evaluate_last);
    farrington_into(&mut ws, series, freq, params, evaluate_last, &mut out)?;
    Ok(out)
}

/// Like [`farrington`] but reusing a [`Workspace`] and output buffer (cleared first).
pub fn farrington_into(
    ws: &mut Workspace,
    series: &[Option<f64>],
    freq: u32,
    params: &FarringtonParams,
    evaluate_last: usize,
    out: &mut Vec<FarringtonResult>,
) -> Result<(), SurveillanceError> {
    params.validate(freq)?;
    out.clear();
    if evaluate_last == 0 {
        return Ok(());
    }
    for v in series.iter().flatten() {
        if !v.is_finite() || *v < 0.0 {
            return Err(SurveillanceError::InvalidCount(*v));
        }
    }
    let f = freq as usize;
    let span = params.b * f + params.w;
    let needed = span + evaluate_last;
    if series.len() < needed {
        return Err(SurveillanceError::TooShort {
            needed,
            available: series.len(),
        });
    }
    ws.prepare(f, params);
    let pni = params.past_periods_for(freq);
    for t0 in series.len() - evaluate_last..series.len() {
        out.push(evaluate_one(ws, series, t0, span, pni, params));
    }
    Ok(())
}

fn evaluate_one(
    ws: &mut Workspace,
    series: &[Option<f64>],
    t0: usize,
    span: usize,
    pni: usize,
    p: &FarringtonParams,
) -> FarringtonResult {
    ws.y.clear();
    ws.y23.clear();
    ws.t.clear();
    ws.lev.clear();
    let mut ymax: f64 = 0.0;
    let last_off = pni + 1; // include offsets <= -(pni+1)
    for (i, &lab) in ws.pattern.iter().enumerate() {
        let back = span - i; // t0 - back
        if back < last_off || lab == EXCLUDED {
            continue;
        }
        if let Some(y) = series[t0 - back] {
            ws.y.push(y);
            ws.y23.push(pow_two_thirds(y));
            ws.t.push(-(back as f64));
            ws.lev.push(lab);
            ymax = ymax.max(y);
        }
    }
    let n = ws.y.len();
    ws.wt.clear();
    ws.wt.resize(n, 1.0);
    ws.mu.clear();
    ws.mu.resize(n, 0.0);
    let observed = series[t0];
    let recent: f64 = (0..p.limit54_periods.min(t0 + 1))
        .map(|k| series[t0 - k].unwrap_or(0.0))
        .sum();
    let blocked = recent < p.limit54_cases;

    let (mu0, phi, trend) = if n == 0 || ws.y.iter().all(|v| *v == 0.0) {
        (0.0, 1.0, false)
    } else {
        let fit = ws.fit_select(p, ymax);
        let phi = if fit.dispersion.is_finite() {
            fit.dispersion.max(1.0)
        } else {
            1.0
        };
        let mu0 = if fit.mu0.is_finite() { fit.mu0 } else { 0.0 };
        (mu0, phi, fit.trend)
    };
    let upperbound = nb_quantile(1.0 - p.alpha, mu0, phi);
    let (alarm, p_value) = match observed {
        Some(y) => (y > upperbound && !blocked, nb_upper_tail(y, mu0, phi)),
        None => (false, 1.0),
    };
    FarringtonResult {
        index: t0,
        observed,
        expected: mu0,
        upperbound,
        alarm,
        p_value,
        dispersion: phi,
        trend,
        limit54_blocked: blocked && observed.is_some_and(|y| y > upperbound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern_str(freq: usize, w: usize, p: usize, b: usize) -> String {
        let pat = level_pattern(freq, b, w, p);
        pat.iter()
            .map(|&l| {
                if l == WINDOW {
                    p.to_string()
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    #[test]
    fn level_patterns_match_r_blocks() {
        // Outputs of surveillance:::blocks (R 1.20.3), from the oldest baseline offset to t0.
        let r = "10,10,10,10,10,10,10,1,2,3,4,9,9,10,10,10,10,10,10,1,2,3,4,9,9,10,10,10,10,10,10,1,2,3,4,9,9,10,10,10,10,10,10,1,2,3,4,9,9,10,10,10,10,10,10,1,2,3,4,9,9,10,10,10";
        assert_eq!(pattern_str(12, 3, 10, 5), r);
        let r = "10,10,10,10,10,1,2,3,4,5,6,9,9,10,10,10,10,1,2,3,4,5,6,9,9,10,10,10,10,1,2,3,4,5,6,9,9,10,10";
        assert_eq!(pattern_str(12, 2, 10, 3), r);
        let r = "4,4,4,4,4,4,4,1,1,2,2,3,4,4,4,4,4,4,4,1,1,2,2,3,4,4,4,4,4,4,4,1,1,2,2,3,4,4,4,4,4,4,4,1,1,2,2,3,4,4,4,4,4,4,4,1,1,2,2,3,4,4,4,4";
        assert_eq!(pattern_str(12, 3, 4, 5), r);
        let r = "10,1,1,2,2,3,4,5,6,7,8,9,10,1,1,2,2,3,4,5,6,7,8,9,10,1,1,2,2,3,4,5,6,7,8,9,10,1,1,2,2,3,4,5,6,7,8,9,10,1,1,2,2,3,4,5,6,7,8,9,10";
        assert_eq!(pattern_str(12, 0, 10, 5), r);
        let r = "6,6,6,6,6,1,1,1,1,1,2,2,2,2,3,3,3,3,4,4,4,4,5,5,5,5,6,6,6,6,6,1,1,1,1,1,2,2,2,2,3,3,3,3,4,4,4,4,5,5,5,5,6,6,6,6,6,1,1,1,1,1,2,2,2,2,3,3,3,3,4,4,4,4,5,5,5,5,6,6,6";
        assert_eq!(pattern_str(26, 2, 6, 3), r);
        let pat = pattern_str(52, 2, 10, 2);
        assert!(pat.starts_with("10,10,10,10,10,1,1,1,1,1,1,2,2,2,2,2,2,3,3,3,3,3,4"));
    }

    fn load_ws(y: &[f64], t: &[f64], lev: &[u8], nl: usize) -> Workspace {
        let mut ws = Workspace::new();
        ws.y = y.to_vec();
        ws.y23 = y.iter().map(|v| v.cbrt() * v.cbrt()).collect();
        ws.t = t.to_vec();
        ws.lev = lev.to_vec();
        ws.wt = vec![1.0; y.len()];
        ws.mu = vec![0.0; y.len()];
        ws.s0 = vec![0.0; nl];
        ws.s1 = vec![0.0; nl];
        ws.s2 = vec![0.0; nl];
        ws.sy = vec![0.0; nl];
        ws.cnt = vec![0; nl];
        ws
    }

    #[test]
    fn glm_fit_matches_r_glm() {
        // R: glm(y ~ g + t, family = quasipoisson) with the data below gives
        // exp(intercept) = 13.6033590731 (level 0 at t = 0), slope 0.0899102371249,
        // dispersion 1.97900193254, se(t) = 0.0489927297701, hat[1:3] = 0.3286, 0.2989, 0.2718;
        // without trend the dispersion is 2.71820639411.
        let y = [
            3.0, 5.0, 4.0, 8.0, 6.0, 9.0, 7.0, 12.0, 10.0, 11.0, 0.0, 14.0,
        ];
        let t: Vec<f64> = (-12..0).map(f64::from).collect();
        let lev = [0u8, 1, 1, 0, 2, 2, 0, 1, 1, 0, 2, 2];
        let mut ws = load_ws(&y, &t, &lev, 3);
        let f = ws.fit(true, 0.0);
        assert!(f.trend);
        assert!((f.beta - 0.0899102371249).abs() < 1e-8, "{}", f.beta);
        assert!((f.mu0 - 13.6033590731).abs() < 1e-6, "{}", f.mu0);
        assert!(
            (f.dispersion - 1.97900193254).abs() < 1e-5,
            "{}",
            f.dispersion
        );
        let d = ws.schur(f.beta);
        let se = (f.dispersion / d).sqrt();
        assert!((se - 0.0489927297701).abs() < 1e-6, "{se}");
        // hat values via the block formula
        let h0 = ws.wt[0] * ws.mu[0] * (1.0 / ws.s0[0] + (t[0] - ws.s1[0] / ws.s0[0]).powi(2) / d);
        assert!((h0 - 0.328602448669).abs() < 1e-7, "{h0}");
        let f0 = ws.fit(false, 0.0);
        assert!((f0.dispersion - 2.71820639411).abs() < 1e-5);
        assert!((f0.mu0 - 7.25).abs() < 1e-12); // mean of level 0 = (3 + 8 + 7 + 11) / 4
    }

    #[test]
    fn too_short_is_an_error() {
        let s = vec![Some(3.0); 60];
        let e = farrington(&s, 12, &FarringtonParams::default(), 1);
        assert!(matches!(
            e,
            Err(SurveillanceError::TooShort { needed: 64, .. })
        ));
    }

    #[test]
    fn invalid_params_are_errors() {
        let s = vec![Some(3.0); 200];
        let p = FarringtonParams {
            w: 6,
            ..Default::default()
        };
        assert!(farrington(&s, 12, &p, 1).is_err());
        let p = FarringtonParams {
            alpha: 0.0,
            ..Default::default()
        };
        assert!(farrington(&s, 12, &p, 1).is_err());
        assert!(matches!(
            farrington(&[Some(-1.0); 100], 12, &FarringtonParams::default(), 1),
            Err(SurveillanceError::InvalidCount(_))
        ));
    }
}
