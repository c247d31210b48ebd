//! Hand-reasoned behaviour on generated series.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use rand::rngs::StdRng;
use rand::SeedableRng;
use rand_distr::{Distribution, Poisson};
use surveillance::{farrington, fdr_alarms, FarringtonParams, SurveillanceError};

fn poisson_series(n: usize, mu: f64, seed: u64) -> Vec<Option<f64>> {
    let mut rng = StdRng::seed_from_u64(seed);
    let d = Poisson::new(mu).unwrap();
    (0..n).map(|_| Some(d.sample(&mut rng))).collect()
}

#[test]
fn flat_poisson10_gives_few_alarms() {
    let p = FarringtonParams::default();
    let mut alarms = 0;
    let mut total = 0;
    for seed in 0..20 {
        let s = poisson_series(120, 10.0, seed);
        let r = farrington(&s, 12, &p, 24).unwrap();
        alarms += r.iter().filter(|x| x.alarm).count();
        total += r.len();
        for x in &r {
            assert!(x.expected > 5.0 && x.expected < 16.0, "{x:?}");
            assert!(x.upperbound >= x.expected);
        }
    }
    let rate = alarms as f64 / total as f64;
    assert!(rate < 0.08, "alarm rate {rate}");
}

#[test]
fn fivefold_spike_alarms_with_small_p_value() {
    let mut s = poisson_series(120, 10.0, 99);
    s[119] = Some(50.0);
    let r = farrington(&s, 12, &FarringtonParams::default(), 1).unwrap();
    assert!(r[0].alarm, "{:?}", r[0]);
    assert!(r[0].p_value < 1e-6);
    assert_eq!(r[0].index, 119);
}

#[test]
fn fewer_than_five_cases_in_last_four_never_alarms() {
    // all-zero history with 4 cases now: above any bound, but limit54 blocks
    let mut s = vec![Some(0.0); 100];
    s[99] = Some(4.0);
    let r = farrington(&s, 12, &FarringtonParams::default(), 1).unwrap();
    assert!(!r[0].alarm);
    assert!(r[0].limit54_blocked);
    assert_eq!(r[0].expected, 0.0);
    // 5 cases over the last 4 periods → alarm on an all-zero baseline
    s[98] = Some(1.0);
    let r = farrington(&s, 12, &FarringtonParams::default(), 1).unwrap();
    assert!(r[0].alarm);
    // low-count series: limit54 holds for every evaluated period
    let s = poisson_series(150, 0.3, 5);
    let r = farrington(&s, 12, &FarringtonParams::default(), 80).unwrap();
    for x in &r {
        let recent: f64 = (0..4).map(|k| s[x.index - k].unwrap()).sum();
        if recent < 5.0 {
            assert!(!x.alarm, "{x:?}");
        }
    }
}

#[test]
fn missing_values_are_handled() {
    let mut s = poisson_series(120, 8.0, 11);
    for i in (0..120).step_by(7) {
        s[i] = None;
    }
    s[119] = None;
    let r = farrington(&s, 12, &FarringtonParams::default(), 24).unwrap();
    assert_eq!(r.len(), 24);
    let last = r.last().unwrap();
    assert_eq!(last.observed, None);
    assert!(!last.alarm);
    assert_eq!(last.p_value, 1.0);
    assert!(r
        .iter()
        .all(|x| x.expected.is_finite() && x.upperbound.is_finite()));
    // an entirely missing baseline gives expected 0 rather than a panic
    let mut s = vec![None; 80];
    s[79] = Some(3.0);
    let r = farrington(&s, 12, &FarringtonParams::default(), 1).unwrap();
    assert_eq!(r[0].expected, 0.0);
}

#[test]
fn weekly_and_fortnightly_series_work() {
    let s = poisson_series(400, 6.0, 3);
    let r = farrington(&s, 52, &FarringtonParams::default(), 52).unwrap();
    assert_eq!(r.len(), 52);
    assert!(r.iter().filter(|x| x.alarm).count() < 8);
    let s = poisson_series(200, 6.0, 4);
    let r = farrington(&s, 26, &FarringtonParams::default(), 26).unwrap();
    assert_eq!(r.len(), 26);
    assert!(matches!(
        farrington(&s[..100], 26, &FarringtonParams::default(), 26),
        Err(SurveillanceError::TooShort { .. })
    ));
}

#[test]
fn no_trend_and_windows_only_options() {
    let s = poisson_series(120, 10.0, 8);
    let p = FarringtonParams {
        trend: false,
        ..Default::default()
    };
    let r = farrington(&s, 12, &p, 12).unwrap();
    assert!(r.iter().all(|x| !x.trend));
    let p = FarringtonParams {
        no_periods: 1,
        ..Default::default()
    };
    let r = farrington(&s, 12, &p, 12).unwrap();
    assert_eq!(r.len(), 12);
}

#[test]
fn fdr_over_buurt_p_values() {
    // 88 buurten: one with a real spike, the rest in control
    let p = FarringtonParams::default();
    let mut pv = Vec::new();
    for b in 0..88u64 {
        let mut s = poisson_series(100, 3.0, 1000 + b);
        if b == 17 {
            s[99] = Some(25.0);
        }
        pv.push(farrington(&s, 12, &p, 1).unwrap()[0].p_value);
    }
    let alarms = fdr_alarms(&pv, 0.05);
    assert!(alarms[17]);
    assert!(alarms.iter().filter(|a| **a).count() <= 3);
}

#[test]
fn nb_cusum_catches_slow_sustained_rise_that_farrington_misses() {
    // 10 per month for 8 years, then 15 per month for 8 months: never above the
    // Farrington bound qpois(0.95, 10) = 15, but a sustained 1.5x rise.
    let mut s = vec![Some(10.0); 96];
    s.extend(std::iter::repeat_n(Some(15.0), 8));
    let res = farrington(&s, 12, &FarringtonParams::default(), 20).unwrap();
    assert!(res.iter().all(|r| !r.alarm), "{res:?}");
    let (params, cu) = surveillance::nb_cusum_on_farrington(&res, 1.5, 60.0).unwrap();
    assert!(params.h > 0.0);
    assert!(cu[..12].iter().all(|c| !c.alarm));
    assert!(cu[12..].iter().any(|c| c.alarm), "{cu:?} {params:?}");
}
