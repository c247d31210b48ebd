//! Alarm settings per level (gemeente, wijk, buurt) and frequency (monthly, fortnightly): the
//! parameters people tune of improved Farrington, with the validated defaults of
//! [`surveillance::tuning::recommended`]. A gemeente may change them (stored per organisation,
//! audited). Pure; no I/O.

use std::collections::BTreeMap;

use platform::identity::{field_error, FieldError};
use surveillance::tuning::{recommended, Scale};
use surveillance::FarringtonParams;

use crate::model::Level;

/// The frequencies the monitor alarms on.
pub const FREQS: [u32; 2] = [12, 26];

/// The levels with their own settings (national series use the gemeente's).
pub const LEVELS: [Level; 3] = [Level::Gemeente, Level::Wijk, Level::Buurt];

/// The tunable parameters of one level and frequency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AlarmSettings {
    /// `w`: half-width of the window around the same period in earlier years.
    pub window_half_width: u32,
    /// `noPeriods`: seasonal levels of the rest of the year (1 = windows only).
    pub seasonal_periods: u32,
    /// `b`: reference years.
    pub reference_years: u32,
    /// The minimum-count rule: no alarm with fewer than `minimum_cases` …
    pub minimum_cases: u32,
    /// … in the last `minimum_periods` periods.
    pub minimum_periods: u32,
}

fn scale(level: Level) -> Scale {
    match level {
        Level::Wijk => Scale::Wijk,
        Level::Buurt => Scale::Buurt,
        _ => Scale::Gemeente,
    }
}

impl AlarmSettings {
    /// The validated default of a level and frequency.
    pub fn default_for(level: Level, freq: u32) -> AlarmSettings {
        let p = recommended(scale(level), freq);
        AlarmSettings {
            window_half_width: p.w as u32,
            seasonal_periods: p.no_periods as u32,
            reference_years: p.b as u32,
            minimum_cases: p.limit54_cases as u32,
            minimum_periods: p.limit54_periods as u32,
        }
    }

    /// The Farrington parameters: these settings on the method's other defaults.
    pub fn params(&self) -> FarringtonParams {
        FarringtonParams {
            w: self.window_half_width as usize,
            no_periods: self.seasonal_periods as usize,
            b: self.reference_years as usize,
            limit54_cases: f64::from(self.minimum_cases),
            limit54_periods: self.minimum_periods as usize,
            ..FarringtonParams::default()
        }
    }
}

/// The settings in force: per level and frequency, the gemeente's own or the default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SettingsSet {
    own: BTreeMap<(u8, u32), AlarmSettings>,
}

impl SettingsSet {
    /// The defaults with `own` (level, frequency, settings) in their place.
    pub fn with(own: impl IntoIterator<Item = (Level, u32, AlarmSettings)>) -> SettingsSet {
        SettingsSet {
            own: own.into_iter().map(|(l, f, s)| ((l as u8, f), s)).collect(),
        }
    }

    pub fn get(&self, level: Level, freq: u32) -> AlarmSettings {
        let level = if level == Level::Land {
            Level::Gemeente
        } else {
            level
        };
        self.own
            .get(&(level as u8, freq))
            .copied()
            .unwrap_or_else(|| AlarmSettings::default_for(level, freq))
    }

    /// Whether the gemeente changed this one.
    pub fn is_own(&self, level: Level, freq: u32) -> bool {
        self.own.contains_key(&(level as u8, freq))
    }

    /// A number that changes when any setting changes (part of the cache key of the alarms).
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.hash(&mut h);
        h.finish()
    }
}

/// Checks the form of one level and frequency. Field names: `window_half_width`,
/// `seasonal_periods`, `reference_years`, `minimum_cases`, `minimum_periods`. Messages are
/// Fluent keys.
pub fn check(
    freq: u32,
    window_half_width: &str,
    seasonal_periods: &str,
    reference_years: &str,
    minimum_cases: &str,
    minimum_periods: &str,
) -> Result<AlarmSettings, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut number = |field: &str, v: &str, min: u32, max: u32, key: &str| -> u32 {
        match v.trim().parse::<u32>() {
            Ok(n) if (min..=max).contains(&n) => n,
            _ => {
                errors.push(field_error(field, key));
                min
            }
        }
    };
    // 2w + 1 periods must fit in a year; at least one seasonal level beside the window.
    let max_w = (freq - 1) / 2;
    let s = AlarmSettings {
        window_half_width: number(
            "window_half_width",
            window_half_width,
            0,
            max_w,
            if freq == 12 {
                "monitor-settings-error-window-12"
            } else {
                "monitor-settings-error-window-26"
            },
        ),
        seasonal_periods: number(
            "seasonal_periods",
            seasonal_periods,
            1,
            12,
            "monitor-settings-error-periods",
        ),
        reference_years: number(
            "reference_years",
            reference_years,
            2,
            7,
            "monitor-settings-error-years",
        ),
        minimum_cases: number(
            "minimum_cases",
            minimum_cases,
            0,
            50,
            "monitor-settings-error-cases",
        ),
        minimum_periods: number(
            "minimum_periods",
            minimum_periods,
            1,
            6,
            "monitor-settings-error-min-periods",
        ),
    };
    if errors.is_empty() {
        Ok(s)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_validated_ones_and_own_settings_replace_them() {
        let m = AlarmSettings::default_for(Level::Wijk, 12);
        assert_eq!(
            (m.window_half_width, m.seasonal_periods, m.reference_years),
            (2, 4, 5)
        );
        assert_eq!(m.params(), recommended(Scale::Wijk, 12));
        let own = AlarmSettings {
            minimum_cases: 3,
            minimum_periods: 2,
            ..AlarmSettings::default_for(Level::Buurt, 12)
        };
        let set = SettingsSet::with([(Level::Buurt, 12, own)]);
        assert_eq!(set.get(Level::Buurt, 12), own);
        assert!(set.is_own(Level::Buurt, 12) && !set.is_own(Level::Wijk, 12));
        assert_eq!(
            set.get(Level::Land, 26),
            AlarmSettings::default_for(Level::Gemeente, 26)
        );
        assert_ne!(set.fingerprint(), SettingsSet::default().fingerprint());
    }

    #[test]
    fn the_form_is_checked_against_the_frequency() {
        assert_eq!(
            check(12, "2", "4", "5", "5", "4"),
            Ok(AlarmSettings::default_for(Level::Gemeente, 12))
        );
        let errs = check(12, "6", "0", "1", "x", "9").unwrap_err();
        assert_eq!(
            errs.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            vec![
                "window_half_width",
                "seasonal_periods",
                "reference_years",
                "minimum_cases",
                "minimum_periods"
            ]
        );
        assert!(
            check(26, "6", "6", "5", "5", "4").is_ok(),
            "w = 6 fits 26 periods"
        );
        // Every accepted setting is one the method accepts.
        for freq in FREQS {
            for w in 0..=((freq - 1) / 2) {
                let s = check(freq, &w.to_string(), "12", "2", "0", "1").unwrap();
                let series: Vec<Option<f64>> = (0..3 * freq as usize)
                    .map(|i| Some((i % 4) as f64))
                    .collect();
                assert!(
                    surveillance::farrington(&series, freq, &s.params(), 1).is_ok(),
                    "{s:?}"
                );
            }
        }
    }
}
