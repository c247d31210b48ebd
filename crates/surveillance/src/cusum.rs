//! Negative-binomial CUSUM (sustained rises) and EARS C1 (weak baseline).
//!
//! **NB-CUSUM parametrisation.** For period `t` with in-control mean `mu0_t`
//! (from the baseline, e.g. the Farrington `expected`) and dispersion `phi`
//! (variance `phi * mu`, NB size `r_t = mu0_t / (phi - 1)`, kept fixed under the
//! alternative), the out-of-control mean is `mu1_t = k * mu0_t`. The
//! log-likelihood-ratio increment is
//! `z_t = y_t * ln(mu1 (r + mu0) / (mu0 (r + mu1))) + r * ln((r + mu0) / (r + mu1))`
//! (Poisson limit when `phi = 1`: `y ln k - (k - 1) mu0`), and
//! `S_t = max(0, S_{t-1} + z_t)`. An alarm is raised when `S_t > h`; the statistic is
//! then reset to 0. `h` is chosen for an in-control average run length `ARL0`
//! with [`nb_cusum_h_for_arl`] (Brook–Evans Markov-chain approximation with a
//! constant in-control mean, deterministic, no simulation).

use serde::{Deserialize, Serialize};

use crate::farrington::FarringtonResult;
use crate::nb::nb_cdf;
use crate::SurveillanceError;

/// NB-CUSUM parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CusumParams {
    /// Out-of-control ratio `k` (`mu1 = k * mu0`), default 2 (a doubling).
    pub k: f64,
    /// Decision interval.
    pub h: f64,
    /// Dispersion `phi >= 1` (variance `phi * mu`).
    pub phi: f64,
}

impl Default for CusumParams {
    fn default() -> Self {
        Self {
            k: 2.0,
            h: 4.0,
            phi: 1.0,
        }
    }
}

/// One CUSUM step.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CusumResult {
    /// Index into the input.
    pub index: usize,
    /// CUSUM statistic after this period (before reset).
    pub statistic: f64,
    /// `statistic > h`.
    pub alarm: bool,
}

/// LLR increment for count `y`.
fn llr(y: f64, mu0: f64, k: f64, phi: f64) -> f64 {
    if !(mu0 > 0.0) {
        return 0.0;
    }
    let mu1 = k * mu0;
    if phi <= 1.0 + 1e-12 {
        y * k.ln() - (mu1 - mu0)
    } else {
        let r = mu0 / (phi - 1.0);
        y * ((mu1 * (r + mu0)) / (mu0 * (r + mu1))).ln() + r * ((r + mu0) / (r + mu1)).ln()
    }
}

/// NB-CUSUM over `observed` with per-period in-control means `in_control_mean`
/// (same length). Missing counts leave the statistic unchanged.
pub fn nb_cusum(
    observed: &[Option<f64>],
    in_control_mean: &[f64],
    params: &CusumParams,
) -> Result<Vec<CusumResult>, SurveillanceError> {
    if observed.len() != in_control_mean.len() {
        return Err(SurveillanceError::InvalidParams(
            "observed and in_control_mean differ in length".into(),
        ));
    }
    if !(params.k > 1.0) || !(params.h > 0.0) || !(params.phi >= 1.0) {
        return Err(SurveillanceError::InvalidParams(
            "cusum needs k > 1, h > 0, phi >= 1".into(),
        ));
    }
    let mut s = 0.0;
    let mut out = Vec::with_capacity(observed.len());
    for (i, (y, mu0)) in observed.iter().zip(in_control_mean).enumerate() {
        if let Some(y) = y {
            s = (s + llr(*y, *mu0, params.k, params.phi)).max(0.0);
        }
        let alarm = s > params.h;
        out.push(CusumResult {
            index: i,
            statistic: s,
            alarm,
        });
        if alarm {
            s = 0.0;
        }
    }
    Ok(out)
}

/// Approximate in-control ARL of the NB-CUSUM for a constant mean `mu0`
/// (Brook–Evans Markov chain with `states` bins on `[0, h)`).
pub fn nb_cusum_arl(mu0: f64, phi: f64, k: f64, h: f64, states: usize) -> f64 {
    let m = states.max(5);
    if !(mu0 > 0.0) || !(h > 0.0) {
        return f64::INFINITY;
    }
    let width = h / m as f64;
    // count distribution support
    let ymax = (mu0 + 12.0 * (phi.max(1.0) * mu0).sqrt() + 10.0).ceil() as u64;
    let mut pmf = Vec::with_capacity(ymax as usize + 1);
    let mut prev = 0.0;
    for y in 0..=ymax {
        let c = nb_cdf(y, mu0, phi);
        pmf.push((c - prev).max(0.0));
        prev = c;
    }
    // (I - Q) x = 1, state i at midpoint (state 0 at 0)
    let mut a = vec![0.0; m * m];
    for i in 0..m {
        let s = if i == 0 {
            0.0
        } else {
            (i as f64 + 0.5) * width
        };
        for (y, p) in pmf.iter().enumerate() {
            if *p == 0.0 {
                continue;
            }
            let s2 = (s + llr(y as f64, mu0, k, phi)).max(0.0);
            if s2 > h {
                continue;
            }
            let j = if s2 <= 0.0 {
                0
            } else {
                ((s2 / width) as usize).min(m - 1)
            };
            a[i * m + j] -= p;
        }
        a[i * m + i] += 1.0;
    }
    let mut b = vec![1.0; m];
    // Gaussian elimination with partial pivoting
    for c in 0..m {
        let mut piv = c;
        for r in c + 1..m {
            if a[r * m + c].abs() > a[piv * m + c].abs() {
                piv = r;
            }
        }
        if a[piv * m + c].abs() < 1e-300 {
            return f64::INFINITY;
        }
        if piv != c {
            for x in 0..m {
                a.swap(c * m + x, piv * m + x);
            }
            b.swap(c, piv);
        }
        for r in c + 1..m {
            let f = a[r * m + c] / a[c * m + c];
            if f != 0.0 {
                for x in c..m {
                    a[r * m + x] -= f * a[c * m + x];
                }
                b[r] -= f * b[c];
            }
        }
    }
    for c in (0..m).rev() {
        let mut v = b[c];
        for x in c + 1..m {
            v -= a[c * m + x] * b[x];
        }
        b[c] = v / a[c * m + c];
    }
    b[0]
}

/// Decision interval `h` giving in-control ARL ≈ `arl0` for constant mean `mu0`
/// (bisection on `h` over [`nb_cusum_arl`]).
pub fn nb_cusum_h_for_arl(mu0: f64, phi: f64, k: f64, arl0: f64) -> f64 {
    let (mut lo, mut hi) = (1e-3, 1.0);
    while nb_cusum_arl(mu0, phi, k, hi, 40) < arl0 && hi < 200.0 {
        lo = hi;
        hi *= 2.0;
    }
    for _ in 0..25 {
        let mid = 0.5 * (lo + hi);
        if nb_cusum_arl(mu0, phi, k, mid, 40) < arl0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

/// NB-CUSUM on model-based predictions: in-control means and dispersion from
/// Farrington results (their `expected`, the mean `dispersion`), `h` calibrated for
/// `arl0` periods at the average expected count. Starts at 0 at the first result.
pub fn nb_cusum_on_farrington(
    results: &[FarringtonResult],
    k: f64,
    arl0: f64,
) -> Result<(CusumParams, Vec<CusumResult>), SurveillanceError> {
    if results.is_empty() {
        return Ok((CusumParams::default(), Vec::new()));
    }
    let n = results.len() as f64;
    let phi = (results.iter().map(|r| r.dispersion).sum::<f64>() / n).max(1.0);
    let mean_mu = results.iter().map(|r| r.expected).sum::<f64>() / n;
    let h = if mean_mu > 0.0 {
        nb_cusum_h_for_arl(mean_mu, phi, k, arl0)
    } else {
        1.0
    };
    let params = CusumParams { k, h, phi };
    let obs: Vec<Option<f64>> = results.iter().map(|r| r.observed).collect();
    let mu: Vec<f64> = results.iter().map(|r| r.expected).collect();
    let mut res = nb_cusum(&obs, &mu, &params)?;
    for (c, r) in res.iter_mut().zip(results) {
        c.index = r.index;
    }
    Ok((params, res))
}

/// EARS C1 result.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EarsResult {
    /// Index into the series.
    pub index: usize,
    /// Mean of the 7 previous periods.
    pub mean: f64,
    /// Threshold `mean + 3 * sd`.
    pub threshold: f64,
    /// `observed > threshold`.
    pub alarm: bool,
}

/// EARS C1 on the last `evaluate_last` periods: baseline = the 7 previous periods
/// (missing ones skipped; at least 2 needed), threshold `mean + 3 * sd`
/// (sample sd). With a zero sd, any count above the mean alarms (known weakness).
pub fn ears_c1(
    series: &[Option<f64>],
    evaluate_last: usize,
) -> Result<Vec<EarsResult>, SurveillanceError> {
    if series.len() < evaluate_last + 7 {
        return Err(SurveillanceError::TooShort {
            needed: evaluate_last + 7,
            available: series.len(),
        });
    }
    let mut out = Vec::with_capacity(evaluate_last);
    for t in series.len() - evaluate_last..series.len() {
        let vals = series[t - 7..t].iter().flatten();
        let (mut n, mut s, mut s2) = (0.0, 0.0, 0.0);
        for v in vals {
            n += 1.0;
            s += v;
            s2 += v * v;
        }
        let (mean, threshold) = if n >= 2.0 {
            let mean = s / n;
            let var = ((s2 - n * mean * mean) / (n - 1.0)).max(0.0);
            (mean, mean + 3.0 * var.sqrt())
        } else {
            (f64::NAN, f64::NAN)
        };
        let alarm = series[t].is_some_and(|y| threshold.is_finite() && y > threshold);
        out.push(EarsResult {
            index: t,
            mean,
            threshold,
            alarm,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cusum_detects_sustained_doubling_and_not_flat() {
        let mu = vec![5.0; 40];
        let mut obs: Vec<Option<f64>> = vec![Some(5.0); 40];
        let p = CusumParams {
            k: 2.0,
            h: 4.0,
            phi: 1.0,
        };
        let r = nb_cusum(&obs, &mu, &p).unwrap();
        assert!(r.iter().all(|c| !c.alarm));
        for o in obs.iter_mut().skip(20) {
            *o = Some(9.0);
        }
        let r = nb_cusum(&obs, &mu, &p).unwrap();
        let first = r.iter().position(|c| c.alarm).unwrap();
        assert!((20..24).contains(&first), "{first}");
    }

    #[test]
    fn poisson_llr_limit() {
        let a = llr(7.0, 5.0, 2.0, 1.0);
        let b = llr(7.0, 5.0, 2.0, 1.0 + 1e-9);
        assert!((a - b).abs() < 1e-5, "{a} {b}");
        assert!((a - (7.0 * 2f64.ln() - 5.0)).abs() < 1e-12);
    }

    #[test]
    fn arl_calibration_is_monotone_and_hits_target() {
        let a1 = nb_cusum_arl(3.0, 1.5, 2.0, 2.0, 40);
        let a2 = nb_cusum_arl(3.0, 1.5, 2.0, 4.0, 40);
        assert!(a2 > a1 && a1 > 1.0, "{a1} {a2}");
        let h = nb_cusum_h_for_arl(3.0, 1.5, 2.0, 60.0);
        let arl = nb_cusum_arl(3.0, 1.5, 2.0, h, 40);
        assert!((arl - 60.0).abs() / 60.0 < 0.05, "h {h} arl {arl}");
    }

    #[test]
    fn ears_c1_basic() {
        let mut s: Vec<Option<f64>> = [4.0, 6.0, 5.0, 5.0, 4.0, 6.0, 5.0, 5.0].map(Some).to_vec();
        let r = ears_c1(&s, 1).unwrap();
        assert!(!r[0].alarm);
        s.push(Some(20.0));
        let r = ears_c1(&s, 1).unwrap();
        assert!(r[0].alarm);
        assert!(ears_c1(&s[..5], 1).is_err());
    }
}
