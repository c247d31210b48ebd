//! Fictitious monthly police series for the demo installation: GM1961, its wijken and its
//! buurten, generated deterministically (a fixed seed per series, no randomness at run time)
//! with seasonality, noise and a few planned increases in recent months, so the map, the alarms
//! and the review can be tried from the first start. Never police figures: the version that
//! holds them says so in its source, and every monitor page shows a notice.

use crate::model::{Cell, Dataset, Period};

/// The source of the demo version, shown with the figures and in the API.
pub const SOURCE: &str = "Fictieve demogegevens: deze cijfers zijn verzonnen om Baken te kunnen proberen (gegenereerd door Baken; geen cijfers van CBS of Politie)";

/// The table id of the demo version (not a police table).
pub const TABLE: &str = "demo";

/// Months generated, ending at the given month: enough history for Farrington's five baseline
/// years before the 24 months that are evaluated.
pub const MONTHS: usize = 96;

/// The seed of every series (with its area and crime type).
pub const SEED: u64 = 1961;

/// A crime type of the demo: its mean per month for the whole gemeente, the seasonal index
/// (January to December) and the change per year.
struct Profile {
    code: &'static str,
    per_month: f64,
    season: [f64; 12],
    trend_per_year: f64,
}

/// Counts of roughly the scale of a gemeente of 58,000 inhabitants. The burglary season is the
/// national index of 2016–2019 (crime-data.md §1.2); the others are plausible shapes.
const PROFILES: [Profile; 6] = [
    Profile {
        code: "1.1.1",
        per_month: 6.5,
        season: [
            1.30, 1.09, 1.01, 0.81, 0.82, 0.77, 0.88, 1.00, 0.81, 0.99, 1.15, 1.39,
        ],
        trend_per_year: -0.03,
    },
    Profile {
        code: "1.2.1",
        per_month: 11.0,
        season: [
            1.10, 1.05, 1.00, 0.95, 0.95, 0.90, 0.95, 1.00, 1.00, 1.00, 1.05, 1.05,
        ],
        trend_per_year: -0.02,
    },
    Profile {
        code: "1.2.3",
        per_month: 14.0,
        season: [
            0.75, 0.75, 0.90, 1.00, 1.05, 1.05, 1.10, 1.10, 1.16, 1.10, 1.05, 0.99,
        ],
        trend_per_year: 0.0,
    },
    Profile {
        code: "1.4.5",
        per_month: 11.0,
        season: [
            0.95, 0.90, 0.95, 1.00, 1.05, 1.10, 1.11, 1.05, 1.00, 0.95, 0.92, 1.02,
        ],
        trend_per_year: 0.01,
    },
    Profile {
        code: "2.2.1",
        per_month: 20.0,
        season: [
            1.25, 0.90, 0.95, 1.00, 1.05, 1.00, 1.00, 0.95, 0.95, 1.00, 1.05, 0.90,
        ],
        trend_per_year: -0.01,
    },
    Profile {
        code: "2.5.2",
        per_month: 8.0,
        season: [
            0.95, 0.90, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 1.00, 1.05, 1.15, 1.25,
        ],
        trend_per_year: 0.02,
    },
];

/// The crimes outside the six types above, counted only in the total (`0.0.0`).
const OTHER: Profile = Profile {
    code: "",
    per_month: 120.0,
    season: [
        1.00, 0.95, 1.00, 1.00, 1.02, 1.00, 1.00, 0.98, 1.00, 1.00, 1.02, 1.03,
    ],
    trend_per_year: -0.01,
};

/// A planned increase: extra cases of a crime type in an area (a wijk spreads them over its
/// buurten) in the last months, oldest first, on top of the ordinary figures.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Increase {
    pub area: &'static str,
    pub crime_type: &'static str,
    pub extra: &'static [i64],
}

/// The increases the demo shows: burglaries in Leerdam-West (wijk), bicycle thefts in the
/// Vianen binnenstad and vandalism in Meerkerk kern (buurten).
pub const INCREASES: [Increase; 3] = [
    Increase {
        area: "WK196124",
        crime_type: "1.1.1",
        extra: &[4, 7, 9],
    },
    Increase {
        area: "BU19612101",
        crime_type: "1.2.3",
        extra: &[8, 12],
    },
    Increase {
        area: "BU19610501",
        crime_type: "2.2.1",
        extra: &[6, 9],
    },
];

/// The crime types of the demo series: the total and the six detailed types.
pub fn crime_types() -> Vec<&'static str> {
    std::iter::once("0.0.0")
        .chain(PROFILES.iter().map(|p| p.code))
        .collect()
}

/// The buurten of the gemeente (code, name) from the shipped region list.
fn buurten() -> Vec<(String, String)> {
    let mut reader = csv::Reader::from_reader(crate::store::REGIONS_CSV.as_bytes());
    let mut out: Vec<(String, String)> = reader
        .records()
        .flatten()
        .filter_map(|r| {
            let code = r.get(0)?.trim().to_string();
            let name = r.get(1)?.trim().to_string();
            code.starts_with("BU").then_some((code, name))
        })
        .collect();
    out.sort();
    out
}

/// A small, fast, deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn for_series(parts: &[&str]) -> Rng {
        // FNV-1a over the parts, mixed with the seed.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ SEED;
        for p in parts {
            for b in p.bytes().chain(std::iter::once(0)) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        Rng(h)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    /// Poisson with mean `lambda` (Knuth's product method for small means, a rounded normal
    /// approximation for large ones).
    fn poisson(&mut self, lambda: f64) -> i64 {
        if lambda <= 0.0 {
            return 0;
        }
        if lambda > 30.0 {
            return (lambda + lambda.sqrt() * self.normal()).round().max(0.0) as i64;
        }
        let limit = (-lambda).exp();
        let mut k = 0;
        let mut p = 1.0;
        loop {
            p *= self.uniform();
            if p <= limit {
                return k;
            }
            k += 1;
        }
    }
}

/// How much of a crime type a buurt has, relative to the others (before normalising): the towns'
/// neighbourhoods more than the villages, the countryside least; shoplifting and bicycle theft
/// concentrated in the centres. A fixed jitter per buurt makes them differ.
fn weight(code: &str, name: &str, crime: &str) -> f64 {
    let lower = name.to_lowercase();
    let wijk: u32 = code.get(6..8).and_then(|w| w.parse().ok()).unwrap_or(0);
    let rural =
        lower.contains("buitengebied") || lower.contains("sportcomplex") || code == "BU19613901";
    let business = lower.contains("bedrijventerrein") || wijk == 20;
    let centre = lower.contains("centrum") || lower.contains("binnenstad");
    let town = (18..=29).contains(&wijk);
    let mut w = if rural {
        0.3
    } else if town {
        2.5
    } else {
        1.0
    };
    match crime {
        "2.5.2" => {
            w *= if centre {
                8.0
            } else if business {
                2.0
            } else {
                0.3
            }
        }
        "1.2.3" if centre => w *= 2.5,
        "1.1.1" if business => w *= 0.3,
        "1.2.1" if business => w *= 1.8,
        _ => {}
    }
    let mut rng = Rng::for_series(&["gewicht", code, crime]);
    w * (0.7 + 0.6 * rng.uniform())
}

/// The month `back` months before `end`.
fn months_before(end: Period, back: usize) -> Period {
    let index = end.year * 12 + i32::from(end.month) - 1 - back as i32;
    Period {
        year: index.div_euclid(12),
        month: (index.rem_euclid(12) + 1) as u8,
    }
}

/// The demo series of the [`MONTHS`] months up to and including `end`: every buurt, wijk and
/// the gemeente, for the total (`0.0.0`) and six crime types, with the [`INCREASES`] in the
/// last months. Wijken are the sum of their buurten and the gemeente of its wijken. The same
/// `end` always gives the same figures. Pure.
pub fn generate(end: Period) -> Dataset {
    let buurten = buurten();
    let periods: Vec<Period> = (0..MONTHS)
        .rev()
        .map(|back| months_before(end, back))
        .collect();
    // Per crime type: the buurt figures, month by month.
    let mut per_crime: Vec<(&str, Vec<Vec<i64>>)> = Vec::new();
    let mut total: Vec<Vec<i64>> = vec![vec![0; MONTHS]; buurten.len()];
    for profile in PROFILES.iter().chain(std::iter::once(&OTHER)) {
        let crime = if profile.code.is_empty() {
            "overig"
        } else {
            profile.code
        };
        let weights: Vec<f64> = buurten
            .iter()
            .map(|(code, name)| weight(code, name, crime))
            .collect();
        let sum: f64 = weights.iter().sum();
        // A common month factor for the whole gemeente (extra-Poisson variation), then Poisson
        // counts per buurt.
        let mut common = Rng::for_series(&["gemeente", crime]);
        let factors: Vec<f64> = (0..MONTHS)
            .map(|_| (0.12 * common.normal() - 0.0072).exp())
            .collect();
        let mut counts = Vec::with_capacity(buurten.len());
        for (b, (code, _)) in buurten.iter().enumerate() {
            let mut rng = Rng::for_series(&[code, crime]);
            let row: Vec<i64> = periods
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let years_back = (MONTHS - 1 - i) as f64 / 12.0;
                    let level = profile.per_month
                        * profile.season[usize::from(p.month - 1)]
                        * (1.0 + profile.trend_per_year).powf(-years_back)
                        * factors[i];
                    rng.poisson(level * weights[b] / sum)
                })
                .collect();
            counts.push(row);
        }
        if !profile.code.is_empty() {
            per_crime.push((profile.code, counts.clone()));
        }
        for (t, row) in total.iter_mut().zip(&counts) {
            for (a, v) in t.iter_mut().zip(row) {
                *a += v;
            }
        }
    }
    // The planned increases, added to the type and to the total.
    for inc in INCREASES {
        let targets: Vec<usize> = buurten
            .iter()
            .enumerate()
            .filter(|(_, (code, _))| {
                code == inc.area || code.get(2..8).is_some_and(|w| inc.area == format!("WK{w}"))
            })
            .map(|(i, _)| i)
            .collect();
        let Some((_, counts)) = per_crime.iter_mut().find(|(c, _)| *c == inc.crime_type) else {
            continue;
        };
        if targets.is_empty() {
            continue;
        }
        let first = MONTHS - inc.extra.len();
        for (k, extra) in inc.extra.iter().enumerate() {
            // Spread over the buurten of a wijk, one case at a time, starting at a different
            // buurt each month.
            for case in 0..*extra {
                let b = targets[(case as usize + k) % targets.len()];
                counts[b][first + k] += 1;
                total[b][first + k] += 1;
            }
        }
    }
    per_crime.insert(0, ("0.0.0", total));
    let mut cells = Vec::new();
    for (crime, counts) in &per_crime {
        let mut wijken: std::collections::BTreeMap<&str, Vec<i64>> = Default::default();
        let mut gemeente = vec![0; MONTHS];
        for ((code, _), row) in buurten.iter().zip(counts) {
            let wijk = wijken
                .entry(code.get(..8).unwrap_or(code))
                .or_insert_with(|| vec![0; MONTHS]);
            for (i, v) in row.iter().enumerate() {
                wijk[i] += v;
                gemeente[i] += v;
            }
            push(&mut cells, crime, code, &periods, row);
        }
        for (code, row) in &wijken {
            push(
                &mut cells,
                crime,
                &format!("WK{}", &code[2..]),
                &periods,
                row,
            );
        }
        push(&mut cells, crime, crate::GEMEENTE_CODE, &periods, &gemeente);
    }
    Dataset {
        table: TABLE.to_string(),
        cells,
    }
}

fn push(cells: &mut Vec<Cell>, crime: &str, region: &str, periods: &[Period], row: &[i64]) {
    cells.extend(periods.iter().zip(row).map(|(p, v)| Cell {
        crime_type: crime.to_string(),
        region: region.to_string(),
        period: *p,
        value: Some(*v),
    }));
}

/// The dataset as the police's semicolon CSV (the bytes its version is identified by).
pub fn to_csv(dataset: &Dataset) -> String {
    let mut out =
        String::from("ID;SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n");
    for (i, c) in dataset.cells.iter().enumerate() {
        let value = c.value.map(|v| v.to_string()).unwrap_or_else(|| ".".into());
        out.push_str(&format!(
            "{i};{};{};{};{value}\n",
            c.crime_type,
            c.region,
            c.period.code()
        ));
    }
    out
}

/// The newest month the demo shows on `today`: the previous calendar month.
pub fn end_month(year: i32, month: u8) -> Period {
    months_before(
        Period {
            year,
            month: month.clamp(1, 12),
        },
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn end() -> Period {
        Period {
            year: 2026,
            month: 11,
        }
    }

    fn series(d: &Dataset, region: &str, crime: &str) -> Vec<(Period, i64)> {
        d.cells
            .iter()
            .filter(|c| c.region == region && c.crime_type == crime)
            .map(|c| (c.period, c.value.unwrap_or(0)))
            .collect()
    }

    #[test]
    fn the_same_month_gives_the_same_figures() {
        let a = generate(end());
        assert_eq!(a, generate(end()));
        assert_eq!(to_csv(&a), to_csv(&generate(end())));
        // 88 buurten, 39 wijken and the gemeente, 7 crime types, 96 months.
        assert_eq!(a.cells.len(), (88 + 39 + 1) * 7 * MONTHS);
        let s = series(&a, "GM1961", "0.0.0");
        assert_eq!(s.first().map(|p| p.0.code()), Some("2018MM12".to_string()));
        assert_eq!(s.last().map(|p| p.0.code()), Some("2026MM11".to_string()));
        assert_ne!(to_csv(&a), to_csv(&generate(end_month(2027, 1))));
        assert_eq!(end_month(2027, 1).code(), "2026MM12");
    }

    #[test]
    fn wijken_and_gemeente_are_sums_and_the_total_exceeds_the_types() {
        let d = generate(end());
        let mut sums: HashMap<(String, String, Period), i64> = HashMap::new();
        for c in d.cells.iter().filter(|c| c.region.starts_with("BU")) {
            *sums
                .entry((
                    c.crime_type.clone(),
                    c.region[..8].replace("BU", "WK"),
                    c.period,
                ))
                .or_default() += c.value.unwrap_or(0);
            *sums
                .entry((c.crime_type.clone(), "GM1961".into(), c.period))
                .or_default() += c.value.unwrap_or(0);
        }
        for c in d.cells.iter().filter(|c| !c.region.starts_with("BU")) {
            assert_eq!(
                sums.get(&(c.crime_type.clone(), c.region.clone(), c.period)),
                c.value.as_ref(),
                "{} {} {}",
                c.crime_type,
                c.region,
                c.period.code()
            );
        }
        let total: i64 = series(&d, "GM1961", "0.0.0").iter().map(|p| p.1).sum();
        let detail: i64 = PROFILES
            .iter()
            .map(|p| {
                series(&d, "GM1961", p.code)
                    .iter()
                    .map(|p| p.1)
                    .sum::<i64>()
            })
            .sum();
        assert!(total > detail * 2, "{total} {detail}");
        let per_month = total as f64 / MONTHS as f64;
        assert!((150.0..260.0).contains(&per_month), "{per_month}");
    }

    #[test]
    fn burglaries_have_the_dark_months_season() {
        let d = generate(end());
        // Leave out the last year (the planned increase) and compare December–January with June.
        let s = series(&d, "GM1961", "1.1.1");
        let old: Vec<&(Period, i64)> = s.iter().take(MONTHS - 12).collect();
        let mean = |months: &[u8]| {
            let v: Vec<i64> = old
                .iter()
                .filter(|p| months.contains(&p.0.month))
                .map(|p| p.1)
                .collect();
            v.iter().sum::<i64>() as f64 / v.len() as f64
        };
        let dark = mean(&[12, 1]);
        let june = mean(&[6]);
        assert!(dark > 1.35 * june, "dark {dark}, june {june}");
    }

    #[test]
    fn the_planned_increases_are_there_and_raise_alarms() {
        // Whatever month the demo is started in: here a year of starts.
        for month in 1..=12 {
            planned_increases_raise_alarms(Period { year: 2027, month });
        }
    }

    fn planned_increases_raise_alarms(end: Period) {
        let d = generate(end);
        let crimes: Vec<&str> = INCREASES.iter().map(|i| i.crime_type).collect();
        let mut grouped: std::collections::BTreeMap<(String, String), Vec<crate::store::Point>> =
            Default::default();
        for c in d
            .cells
            .iter()
            .filter(|c| crimes.contains(&c.crime_type.as_str()))
        {
            grouped
                .entry((c.region.clone(), c.crime_type.clone()))
                .or_default()
                .push(crate::store::Point {
                    period: c.period.code(),
                    value: c.value,
                });
        }
        let series: Vec<(String, String, Vec<crate::store::Point>)> =
            grouped.into_iter().map(|((r, c), p)| (r, c, p)).collect();
        let overview = crate::overview_of(
            &HashMap::new(),
            &HashMap::new(),
            series,
            &crate::settings::SettingsSet::default(),
        );
        for inc in INCREASES {
            let months: Vec<String> = (0..inc.extra.len())
                .map(|back| months_before(end, back).code())
                .collect();
            assert!(
                overview.alarms.iter().any(|a| a.region == inc.area
                    && a.crime_type == inc.crime_type
                    && months.contains(&a.period)),
                "no alarm for {inc:?} up to {}; alarms: {:?}",
                end.code(),
                overview
                    .alarms
                    .iter()
                    .map(|a| (&a.region, &a.crime_type, &a.period))
                    .collect::<Vec<_>>()
            );
        }
    }
}
