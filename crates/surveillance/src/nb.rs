//! Negative-binomial / Poisson tail probabilities and quantiles.
//!
//! Parametrisation used throughout the crate: mean `mu` and dispersion
//! `phi >= 1` with variance `phi * mu` (quasi-Poisson scale), i.e. a
//! negative binomial with size `r = mu / (phi - 1)`; `phi == 1` is Poisson.

use statrs::distribution::{DiscreteCDF, NegativeBinomial, Poisson};

/// Means above this use `statrs` CDFs instead of the pmf recursion.
const RECURSION_LIMIT: f64 = 400.0;
/// Fuzz used by R's `qnbinom`/`qpois` when comparing the CDF with `p`.
const FUZZ: f64 = 1.0 - 64.0 * f64::EPSILON;

fn is_poisson(mu: f64, phi: f64) -> bool {
    phi <= 1.0 + 1e-12 || !(mu / (phi - 1.0)).is_finite()
}

/// `P(Y <= k)` for `Y ~ NB(mean mu, variance phi*mu)`.
pub fn nb_cdf(k: u64, mu: f64, phi: f64) -> f64 {
    if !(mu > 0.0) {
        return 1.0;
    }
    if mu <= RECURSION_LIMIT {
        let mut acc = 0.0;
        let mut p = pmf0(mu, phi);
        for j in 0..=k {
            acc += p;
            p *= ratio(j, mu, phi);
            if p == 0.0 && j as f64 > mu {
                break;
            }
        }
        return acc.min(1.0);
    }
    big_cdf(k, mu, phi)
}

/// Upper tail `P(Y >= y)`; 1 for `y <= 0`.
pub fn nb_upper_tail(y: f64, mu: f64, phi: f64) -> f64 {
    if y <= 0.0 {
        return 1.0;
    }
    if !(mu > 0.0) {
        return 0.0;
    }
    let k = (y.ceil() as u64).saturating_sub(1);
    (1.0 - nb_cdf(k, mu, phi)).clamp(0.0, 1.0)
}

/// Smallest `k` with `P(Y <= k) >= p` (R's `qnbinom(p, size = mu/(phi-1), mu = mu)`,
/// or `qpois(p, mu)` when `phi <= 1`).
pub fn nb_quantile(p: f64, mu: f64, phi: f64) -> f64 {
    if !(mu > 0.0) {
        return 0.0;
    }
    let target = p * FUZZ;
    if mu <= RECURSION_LIMIT {
        let mut acc = 0.0;
        let mut pk = pmf0(mu, phi);
        let mut k: u64 = 0;
        loop {
            acc += pk;
            if acc >= target || k > 100_000 {
                return k as f64;
            }
            pk *= ratio(k, mu, phi);
            k += 1;
        }
    }
    // Large means: bracket around a normal approximation, then bisect on the CDF.
    let sd = (phi.max(1.0) * mu).sqrt();
    let mut lo = (mu - 10.0 * sd).max(0.0).floor() as u64;
    let mut hi = (mu + 12.0 * sd).ceil() as u64 + 1;
    while big_cdf(hi, mu, phi) < target {
        hi = hi.saturating_mul(2).max(1);
    }
    if big_cdf(lo, mu, phi) >= target {
        return lo as f64;
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if big_cdf(mid, mu, phi) >= target {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi as f64
}

fn pmf0(mu: f64, phi: f64) -> f64 {
    if is_poisson(mu, phi) {
        (-mu).exp()
    } else {
        let r = mu / (phi - 1.0);
        // (r/(r+mu))^r = phi^(-r)
        (-r * phi.ln()).exp()
    }
}

/// `P(k+1) / P(k)`.
fn ratio(k: u64, mu: f64, phi: f64) -> f64 {
    let kf = k as f64;
    if is_poisson(mu, phi) {
        mu / (kf + 1.0)
    } else {
        let r = mu / (phi - 1.0);
        (kf + r) / (kf + 1.0) * (mu / (r + mu))
    }
}

fn big_cdf(k: u64, mu: f64, phi: f64) -> f64 {
    if is_poisson(mu, phi) {
        match Poisson::new(mu) {
            Ok(d) => d.cdf(k),
            Err(_) => f64::NAN,
        }
    } else {
        let r = mu / (phi - 1.0);
        match NegativeBinomial::new(r, r / (r + mu)) {
            Ok(d) => d.cdf(k),
            Err(_) => f64::NAN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_quantiles_match_r() {
        // qpois(0.95, 10) = 15; qpois(0.99, 6.5) = 13; qpois(0.95, 0.5) = 2
        assert_eq!(nb_quantile(0.95, 10.0, 1.0), 15.0);
        assert_eq!(nb_quantile(0.99, 6.5, 1.0), 13.0);
        assert_eq!(nb_quantile(0.95, 0.5, 1.0), 2.0);
    }

    #[test]
    fn nb_quantiles_match_r() {
        // qnbinom(0.95, size = 10/(2-1), mu = 10) = 18
        assert_eq!(nb_quantile(0.95, 10.0, 2.0), 18.0);
        // qnbinom(0.95, size = 1.5/0.5, mu = 1.5) = 4
        assert_eq!(nb_quantile(0.95, 1.5, 1.5), 4.0);
    }

    #[test]
    fn large_mean_paths_agree() {
        for &(mu, phi) in &[(350.0, 1.0), (350.0, 3.0), (399.0, 1.7)] {
            let q_rec = nb_quantile(0.95, mu, phi);
            let sd: f64 = (phi * mu).sqrt();
            let approx = mu + 1.645 * sd;
            assert!(
                (q_rec - approx).abs() < 0.15 * sd + 3.0,
                "{mu} {phi} {q_rec}"
            );
            let c1 = nb_cdf(q_rec as u64, mu, phi);
            let c2 = big_cdf(q_rec as u64, mu, phi);
            assert!((c1 - c2).abs() < 1e-8, "{c1} {c2}");
        }
        let q = nb_quantile(0.95, 5000.0, 2.0);
        assert!((q - (5000.0 + 1.645 * 100.0)).abs() < 10.0, "{q}");
    }

    #[test]
    fn upper_tail_edges() {
        assert_eq!(nb_upper_tail(0.0, 3.0, 1.0), 1.0);
        assert_eq!(nb_upper_tail(2.0, 0.0, 1.0), 0.0);
        let p = nb_upper_tail(15.0, 10.0, 1.0); // 1 - ppois(14, 10)
        assert!((p - 0.08345847).abs() < 1e-6, "{p}");
    }
}
