//! Alarm settings for monthly and fortnightly police series, chosen by simulation.
//!
//! The Farrington defaults ([`FarringtonParams::default`], `w = 3`, `noPeriods = 10`, `b = 5`,
//! limit54 = 5 cases in 4 periods) were designed for weekly data. For monthly and fortnightly
//! police counts at the scale of a gemeente, a wijk and a buurt, [`compare`] simulates outbreaks
//! with the protocol of [`crate::simulate`] and reports per setting: sensitivity (POD), false
//! alarms per two-weekly review and timeliness. [`recommended`] are the settings chosen with it
//! (see docs/monitor-alarms.md for the table and the command that reproduces it).

use rand::rngs::StdRng;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use crate::farrington::{farrington_into, FarringtonParams, FarringtonResult, Workspace};
use crate::simulate::{simulate_series, Scenario, SizeConvention};

/// The scale of an area: what a typical series of police counts looks like there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scale {
    Gemeente,
    Wijk,
    Buurt,
}

impl Scale {
    pub const ALL: [Scale; 3] = [Scale::Gemeente, Scale::Wijk, Scale::Buurt];

    pub fn slug(self) -> &'static str {
        match self {
            Scale::Gemeente => "gemeente",
            Scale::Wijk => "wijk",
            Scale::Buurt => "buurt",
        }
    }

    pub fn parse(s: &str) -> Option<Scale> {
        Scale::ALL.into_iter().find(|l| l.slug() == s)
    }

    /// Mean count per month of a typical crime type at this scale in a gemeente of ~60,000
    /// (burglary-like: seasonal, slowly falling, overdispersed).
    fn monthly_mean(self) -> f64 {
        match self {
            Scale::Gemeente => 30.0,
            Scale::Wijk => 4.0,
            Scale::Buurt => 0.6,
        }
    }
}

/// Reviews per year: the review with the police is two-weekly (IVB §1.2).
pub const REVIEWS_PER_YEAR: f64 = 26.0;

/// The simulated series of one scale and frequency (12 or 26 periods a year).
pub fn scenario(scale: Scale, freq: u32) -> Scenario {
    let mean = scale.monthly_mean() * 12.0 / f64::from(freq);
    Scenario {
        name: format!("{} {}", scale.slug(), freq_label(freq)),
        freq,
        mean,
        trend_per_year: -0.1,
        harmonics: 1,
        amplitude: 1.8,
        phi: if scale == Scale::Buurt { 1.2 } else { 1.5 },
    }
}

fn freq_label(freq: u32) -> &'static str {
    match freq {
        12 => "maand",
        26 => "twee weken",
        52 => "week",
        _ => "periode",
    }
}

/// The settings designed for weekly data (the R defaults of the agreement tests).
pub fn weekly_design() -> FarringtonParams {
    FarringtonParams::default()
}

/// The validated settings for a scale and frequency (12 = monthly, 26 = fortnightly); other
/// frequencies keep the weekly design. Chosen with [`compare`]: the highest sensitivity at no
/// more false alarms per review than the weekly design (docs/monitor-alarms.md).
pub fn recommended(scale: Scale, freq: u32) -> FarringtonParams {
    // The same at every scale: the grid found no scale-specific gain beyond simulation noise
    // (the minimum-count rule only matters at buurt scale, where relaxing it buys sensitivity
    // with more false alarms; the per-level configuration lets a gemeente choose that).
    let _ = scale;
    let base = FarringtonParams::default();
    match freq {
        // Monthly: a narrower window (5 months around the same month) and 4 seasonal levels,
        // so the 7-month window no longer swallows most of the year.
        12 => FarringtonParams {
            w: 2,
            no_periods: 4,
            ..base
        },
        // Fortnightly: the weekly window (w = 3 is 7 fortnights) with 6 seasonal levels.
        26 => FarringtonParams {
            w: 3,
            no_periods: 6,
            ..base
        },
        _ => base,
    }
}

/// A short label of the parameters people tune.
pub fn describe(p: &FarringtonParams) -> String {
    format!(
        "w={} periodes={} jaren={} min. {} in {}",
        p.w, p.no_periods, p.b, p.limit54_cases, p.limit54_periods
    )
}

/// The candidate settings tried for a frequency: window half-width, number of seasonal
/// periods, reference years and the minimum-count rule.
pub fn grid(freq: u32) -> Vec<FarringtonParams> {
    let ws: &[usize] = &[1, 2, 3];
    let nps: &[usize] = if freq == 12 { &[1, 4, 10] } else { &[1, 6, 10] };
    let mut out = Vec::new();
    for &w in ws {
        for &no_periods in nps {
            for b in [3, 5] {
                for (cases, periods) in [(5.0, 4), (5.0, 2), (3.0, 2)] {
                    let p = FarringtonParams {
                        w,
                        no_periods,
                        b,
                        limit54_cases: cases,
                        limit54_periods: if freq == 26 && periods == 2 {
                            3
                        } else {
                            periods
                        },
                        ..FarringtonParams::default()
                    };
                    if !out.contains(&p) {
                        out.push(p);
                    }
                }
            }
        }
    }
    out
}

/// One line of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingsRow {
    pub scale: Scale,
    pub freq: u32,
    /// `oud` (the weekly design), `nieuw` (recommended) or `kandidaat`.
    pub label: String,
    pub settings: String,
    /// Alarms in periods without outbreak cases / such periods.
    pub fpr: f64,
    /// Expected false alarms per two-weekly review per 100 series of this kind.
    pub false_per_review_100: f64,
    /// Share of evaluation outbreaks detected.
    pub pod: f64,
    /// Mean (first alarm − start) / duration, 1 when missed.
    pub timeliness: f64,
    pub outbreaks: usize,
}

#[derive(Default)]
struct Tally {
    fp: f64,
    neg: f64,
    detected: f64,
    timely: f64,
    outbreaks: usize,
}

impl Tally {
    fn add(&mut self, results: &[FarringtonResult], outbreak: &[f64], start: usize) {
        for (r, o) in results.iter().zip(outbreak) {
            if *o == 0.0 {
                self.neg += 1.0;
                if r.alarm {
                    self.fp += 1.0;
                }
            }
        }
        if let Some(last) = outbreak.iter().rposition(|o| *o > 0.0) {
            self.outbreaks += 1;
            let duration = (last + 1 - start.min(last)) as f64;
            match (start..=last).find(|&i| outbreak[i] > 0.0 && results[i].alarm) {
                Some(i) => {
                    self.detected += 1.0;
                    self.timely += (i - start) as f64 / duration;
                }
                None => self.timely += 1.0,
            }
        }
    }
}

/// Simulates `replicates` series of `scale` at `freq` (seeded) and evaluates each setting on the
/// same series: the rows in the order of `settings`.
pub fn compare(
    scale: Scale,
    freq: u32,
    settings: &[(String, FarringtonParams)],
    replicates: usize,
    seed: u64,
) -> Vec<SettingsRow> {
    let sc = scenario(scale, freq);
    let mut rng = StdRng::seed_from_u64(seed ^ (u64::from(freq) << 8) ^ scale as u64);
    let f = freq as usize;
    let mut tallies: Vec<Tally> = settings.iter().map(|_| Tally::default()).collect();
    let mut ws = Workspace::new();
    let mut res: Vec<FarringtonResult> = Vec::new();
    for r in 0..replicates {
        let k = 1.0 + (r % 10) as f64;
        let sim = simulate_series(&sc, k, SizeConvention::ArticleSd, &mut rng);
        let outbreak = &sim.eval_outbreak[sim.eval_start..];
        let start = sim.outbreak_start - sim.eval_start;
        for ((_, params), tally) in settings.iter().zip(tallies.iter_mut()) {
            if farrington_into(&mut ws, &sim.counts, freq, params, f, &mut res).is_ok() {
                tally.add(&res, outbreak, start);
            }
        }
    }
    settings
        .iter()
        .zip(tallies)
        .map(|((label, params), t)| {
            let fpr = if t.neg > 0.0 { t.fp / t.neg } else { 0.0 };
            let n = t.outbreaks.max(1) as f64;
            SettingsRow {
                scale,
                freq,
                label: label.clone(),
                settings: describe(params),
                fpr,
                false_per_review_100: 100.0 * fpr * f64::from(freq) / REVIEWS_PER_YEAR,
                pod: t.detected / n,
                timeliness: if t.outbreaks > 0 { t.timely / n } else { 1.0 },
                outbreaks: t.outbreaks,
            }
        })
        .collect()
}

/// The old (weekly design) against the new (recommended) settings for every scale at `freqs`.
pub fn old_and_new(freqs: &[u32], replicates: usize, seed: u64) -> Vec<SettingsRow> {
    let mut rows = Vec::new();
    for &freq in freqs {
        for scale in Scale::ALL {
            let mut settings = vec![
                ("oud".to_string(), weekly_design()),
                ("nieuw".to_string(), recommended(scale, freq)),
            ];
            if scale == Scale::Buurt {
                settings.push(("ruimer".to_string(), relaxed_buurt(freq)));
            }
            rows.extend(compare(scale, freq, &settings, replicates, seed));
        }
    }
    rows
}

/// The recommended settings with the minimum-count rule relaxed to 3 cases in 2 (monthly) or
/// 3 (fortnightly) periods: the buurt alternative a gemeente may configure.
pub fn relaxed_buurt(freq: u32) -> FarringtonParams {
    FarringtonParams {
        limit54_cases: 3.0,
        limit54_periods: if freq == 26 { 3 } else { 2 },
        ..recommended(Scale::Buurt, freq)
    }
}

/// The grid search behind [`recommended`]: every candidate of [`grid`] on the same series.
pub fn search(freqs: &[u32], replicates: usize, seed: u64) -> Vec<SettingsRow> {
    let mut rows = Vec::new();
    for &freq in freqs {
        for scale in Scale::ALL {
            let mut settings = vec![("oud".to_string(), weekly_design())];
            settings.extend(
                grid(freq)
                    .into_iter()
                    .filter(|p| *p != weekly_design())
                    .map(|p| ("kandidaat".to_string(), p)),
            );
            rows.extend(compare(scale, freq, &settings, replicates, seed));
        }
    }
    rows
}

/// The rows as a Markdown table.
pub fn markdown(rows: &[SettingsRow]) -> String {
    let mut s = String::from(
        "| niveau | frequentie | instelling | parameters | FPR per periode | vals alarm per bespreking (per 100 reeksen) | sensitiviteit (POD) | tijdigheid | uitbraken |\n|---|---|---|---|---:|---:|---:|---:|---:|\n",
    );
    for r in rows {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {:.4} | {:.2} | {:.3} | {:.3} | {} |\n",
            r.scale.slug(),
            freq_label(r.freq),
            r.label,
            r.settings,
            r.fpr,
            r.false_per_review_100,
            r.pod,
            r.timeliness,
            r.outbreaks
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recommended_settings_are_valid_and_differ_from_the_weekly_design() {
        for freq in [12, 26] {
            for scale in Scale::ALL {
                let p = recommended(scale, freq);
                assert_ne!(p, weekly_design(), "{scale:?} {freq}");
                // Valid for the frequency: a short series evaluates without error.
                let series: Vec<Option<f64>> = (0..(p.b + 1) * freq as usize)
                    .map(|i| Some((i % 7) as f64))
                    .collect();
                assert!(crate::farrington(&series, freq, &p, 2).is_ok(), "{p:?}");
            }
        }
        assert_eq!(recommended(Scale::Wijk, 52), weekly_design());
        assert!(grid(12).iter().all(|p| 2 * p.w < 12));
    }

    #[test]
    fn a_small_comparison_is_deterministic_and_in_range() {
        let settings = vec![
            ("oud".to_string(), weekly_design()),
            ("nieuw".to_string(), recommended(Scale::Wijk, 12)),
        ];
        let a = compare(Scale::Wijk, 12, &settings, 12, 5);
        let b = compare(Scale::Wijk, 12, &settings, 12, 5);
        assert_eq!(a, b);
        assert_eq!(a.len(), 2);
        for r in &a {
            assert!(
                (0.0..=1.0).contains(&r.fpr) && (0.0..=1.0).contains(&r.pod),
                "{r:?}"
            );
            assert!((r.false_per_review_100 - 100.0 * r.fpr * 12.0 / 26.0).abs() < 1e-9);
        }
        assert!(markdown(&a).lines().count() == 4);
    }
}
