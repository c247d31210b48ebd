//! Period labels and the CSV → JSON entry point used by `baken monitor farrington`.

use serde::{Deserialize, Serialize};

use crate::farrington::{farrington, FarringtonParams};
use crate::SurveillanceError;

/// A parsed period label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Period {
    /// `YYYY-MM` or CBS `YYYYMMnn`.
    Month {
        /// Year.
        year: i32,
        /// 1..=12.
        month: u32,
    },
    /// ISO week `YYYY-Www`.
    Week {
        /// ISO week-numbering year.
        year: i32,
        /// 1..=53 (53 only in long ISO years).
        week: u32,
    },
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since epoch of the Monday of ISO week 1 of `year`.
fn iso_week1_monday(year: i32) -> i64 {
    let jan4 = days_from_civil(year, 1, 4);
    // 1970-01-01 was a Thursday: weekday index Monday=0 → (days + 3) mod 7
    jan4 - (jan4 + 3).rem_euclid(7)
}

fn iso_weeks_in_year(year: i32) -> u32 {
    ((iso_week1_monday(year + 1) - iso_week1_monday(year)) / 7) as u32
}

impl Period {
    /// Consecutive index: months since year 0, or ISO weeks since the epoch.
    pub fn ordinal(&self) -> i64 {
        match *self {
            Period::Month { year, month } => i64::from(year) * 12 + i64::from(month) - 1,
            Period::Week { year, week } => {
                (iso_week1_monday(year) + 7 * (i64::from(week) - 1)).div_euclid(7)
            }
        }
    }
}

/// Parse `"2023-05"`, `"2023-W07"` (ISO week) or CBS `"2023MM05"`.
pub fn parse_period(s: &str) -> Result<Period, SurveillanceError> {
    let t = s.trim();
    let err = || SurveillanceError::InvalidPeriod(s.to_string());
    let num = |x: &str| -> Result<u32, SurveillanceError> {
        if x.is_empty() || !x.chars().all(|c| c.is_ascii_digit()) {
            return Err(err());
        }
        x.parse::<u32>().map_err(|_| err())
    };
    let year_of = |x: &str| -> Result<i32, SurveillanceError> {
        if x.len() != 4 {
            return Err(err());
        }
        Ok(num(x)? as i32)
    };
    let (ys, rest) = (t.get(..4).ok_or_else(err)?, t.get(4..).ok_or_else(err)?);
    let year = year_of(ys)?;
    if let Some(m) = rest
        .strip_prefix("MM")
        .or_else(|| rest.strip_prefix('-').filter(|r| r.len() == 2))
    {
        if m.len() != 2 {
            return Err(err());
        }
        let month = num(m)?;
        if !(1..=12).contains(&month) {
            return Err(err());
        }
        return Ok(Period::Month { year, month });
    }
    if let Some(w) = rest.strip_prefix("-W") {
        if w.len() != 2 {
            return Err(err());
        }
        let week = num(w)?;
        if week == 0 || week > iso_weeks_in_year(year) {
            return Err(err());
        }
        return Ok(Period::Week { year, week });
    }
    Err(err())
}

fn json_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_num(v: f64, out: &mut String) {
    if v.is_finite() {
        out.push_str(&format!("{v}"));
    } else {
        out.push_str("null");
    }
}

/// Validate a `period,count` CSV, run [`farrington`] and return a JSON array with one
/// object per evaluated period: `{"period", "observed", "expected", "upperbound", "alarm"}`.
///
/// - header `period,count` (case-insensitive; a UTF-8 BOM is ignored);
/// - `count` empty or `.` (CBS "suppressed") = missing; otherwise a finite number >= 0;
/// - periods must be consecutive: months with `freq = 12`, ISO weeks with
///   `freq = 52` (step 1 week) or `freq = 26` (step 2 weeks);
/// - `last = None` evaluates every period with enough history.
///
/// Errors carry the 1-based line number.
pub fn farrington_csv(
    text: &str,
    params: &FarringtonParams,
    freq: u32,
    last: Option<usize>,
) -> Result<String, SurveillanceError> {
    if !matches!(freq, 12 | 26 | 52) {
        return Err(SurveillanceError::InvalidParams(format!(
            "freq must be 12, 26 or 52, got {freq}"
        )));
    }
    let csv = |line: usize, message: String| SurveillanceError::Csv { line, message };
    let mut labels: Vec<String> = Vec::new();
    let mut series: Vec<Option<f64>> = Vec::new();
    let mut prev: Option<(Period, usize)> = None;
    let mut header_seen = false;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim_start_matches('\u{feff}').trim();
        if line.is_empty() {
            continue;
        }
        if !header_seen {
            let cols: Vec<String> = line
                .split(',')
                .map(|c| c.trim().trim_matches('"').to_ascii_lowercase())
                .collect();
            if cols != ["period", "count"] {
                return Err(csv(
                    line_no,
                    format!("expected header `period,count`, found `{line}`"),
                ));
            }
            header_seen = true;
            continue;
        }
        let cols: Vec<&str> = line
            .split(',')
            .map(|c| c.trim().trim_matches('"'))
            .collect();
        if cols.len() != 2 {
            return Err(csv(
                line_no,
                format!("expected 2 columns, found {}", cols.len()),
            ));
        }
        let period = parse_period(cols[0]).map_err(|e| csv(line_no, e.to_string()))?;
        let step = match (period, freq) {
            (Period::Month { .. }, 12) => 1,
            (Period::Week { .. }, 52) => 1,
            (Period::Week { .. }, 26) => 2,
            (Period::Month { .. }, f) => {
                return Err(csv(
                    line_no,
                    format!("monthly period `{}` needs --freq 12, got {f}", cols[0]),
                ))
            }
            (Period::Week { .. }, f) => {
                return Err(csv(
                    line_no,
                    format!("weekly period `{}` needs --freq 52 or 26, got {f}", cols[0]),
                ))
            }
        };
        if let Some((p, pl)) = prev {
            let kinds_match = std::mem::discriminant(&p) == std::mem::discriminant(&period);
            if !kinds_match {
                return Err(csv(line_no, "mixed period formats".into()));
            }
            let d = period.ordinal() - p.ordinal();
            if d != step {
                let what = if d <= 0 {
                    "out of order or duplicate"
                } else {
                    "gap (add the row with an empty count)"
                };
                return Err(csv(
                    line_no,
                    format!(
                        "period `{}` does not follow `{}` (line {pl}): {what}",
                        cols[0],
                        labels[labels.len() - 1]
                    ),
                ));
            }
        }
        let count = match cols[1] {
            "" | "." | "NA" => None,
            c => {
                let v: f64 = c
                    .parse()
                    .map_err(|_| csv(line_no, format!("count `{c}` is not a number")))?;
                if !v.is_finite() || v < 0.0 {
                    return Err(csv(line_no, format!("count `{c}` must be >= 0")));
                }
                Some(v)
            }
        };
        prev = Some((period, line_no));
        labels.push(cols[0].to_string());
        series.push(count);
    }
    if !header_seen {
        return Err(csv(1, "empty input: expected header `period,count`".into()));
    }
    let span = params.b * freq as usize + params.w;
    let n_eval = match last {
        Some(n) => n,
        None => series.len().saturating_sub(span),
    };
    if n_eval == 0 {
        return Err(SurveillanceError::TooShort {
            needed: span + 1,
            available: series.len(),
        });
    }
    let res = farrington(&series, freq, params, n_eval)?;
    let mut out = String::from("[");
    for (k, r) in res.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        out.push_str("\n  {\"period\": ");
        json_str(&labels[r.index], &mut out);
        out.push_str(", \"observed\": ");
        match r.observed {
            Some(v) => json_num(v, &mut out),
            None => out.push_str("null"),
        }
        out.push_str(", \"expected\": ");
        json_num(r.expected, &mut out);
        out.push_str(", \"upperbound\": ");
        json_num(r.upperbound, &mut out);
        out.push_str(", \"alarm\": ");
        out.push_str(if r.alarm { "true" } else { "false" });
        out.push('}');
    }
    out.push_str(if res.is_empty() { "]" } else { "\n]" });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_three_formats() {
        assert_eq!(
            parse_period("2023-05").unwrap(),
            Period::Month {
                year: 2023,
                month: 5
            }
        );
        assert_eq!(
            parse_period("2023MM05").unwrap(),
            Period::Month {
                year: 2023,
                month: 5
            }
        );
        assert_eq!(
            parse_period("2023-W07").unwrap(),
            Period::Week {
                year: 2023,
                week: 7
            }
        );
        assert_eq!(
            parse_period(" 2020-W53 ").unwrap(),
            Period::Week {
                year: 2020,
                week: 53
            }
        );
        for bad in [
            "2023-13", "2023MM00", "2023-W54", "2023-W53", "23-05", "2023JJ00", "2023-5", "",
            "2023-W7",
        ] {
            assert!(parse_period(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ordinals_are_consecutive_across_years() {
        let a = parse_period("2020-W53").unwrap().ordinal();
        let b = parse_period("2021-W01").unwrap().ordinal();
        assert_eq!(b - a, 1);
        let a = parse_period("2022MM12").unwrap().ordinal();
        let b = parse_period("2023-01").unwrap().ordinal();
        assert_eq!(b - a, 1);
        assert_eq!(iso_weeks_in_year(2015), 53);
        assert_eq!(iso_weeks_in_year(2023), 52);
    }

    fn monthly_csv(n: usize, f: impl Fn(usize) -> String) -> String {
        let mut s = String::from("period,count\n");
        for i in 0..n {
            s.push_str(&format!("{}-{:02},{}\n", 2015 + i / 12, i % 12 + 1, f(i)));
        }
        s
    }

    #[test]
    fn csv_to_json() {
        let text = monthly_csv(80, |i| {
            if i == 70 {
                String::new()
            } else {
                ((i * 7) % 5 + 8).to_string()
            }
        });
        let json = farrington_csv(&text, &FarringtonParams::default(), 12, Some(12)).unwrap();
        assert_eq!(json.matches("\"period\"").count(), 12);
        assert!(json.starts_with("[\n  {\"period\": \"2020-09\", \"observed\": "));
        assert!(json.contains("{\"period\": \"2020-11\", \"observed\": null, \"expected\": "));
        assert!(json.trim_end().ends_with('}') || json.ends_with(']'));
        let all = farrington_csv(&text, &FarringtonParams::default(), 12, None).unwrap();
        assert_eq!(all.matches("\"period\"").count(), 80 - 63);
    }

    #[test]
    fn csv_errors_have_line_numbers() {
        let p = FarringtonParams::default();
        let e = farrington_csv("periode,aantal\n", &p, 12, None).unwrap_err();
        assert!(matches!(e, SurveillanceError::Csv { line: 1, .. }));
        let e = farrington_csv("period,count\n2020-01,3\n2020-03,4\n", &p, 12, None).unwrap_err();
        assert!(matches!(e, SurveillanceError::Csv { line: 3, .. }), "{e}");
        let e = farrington_csv("period,count\n2020-01,3\n2020-02,-4\n", &p, 12, None).unwrap_err();
        assert!(matches!(e, SurveillanceError::Csv { line: 3, .. }));
        let e = farrington_csv("period,count\n2020-01,3\n2020-02,x\n", &p, 12, None).unwrap_err();
        assert!(matches!(e, SurveillanceError::Csv { line: 3, .. }));
        let e = farrington_csv("period,count\n2020-W01,3\n", &p, 12, None).unwrap_err();
        assert!(matches!(e, SurveillanceError::Csv { line: 2, .. }));
        let e = farrington_csv("period,count\n2020-01,3\n2020-01,3\n", &p, 12, None).unwrap_err();
        assert!(e.to_string().contains("line 3"), "{e}");
        let e = farrington_csv("period,count\n2020-01,3\n", &p, 12, None).unwrap_err();
        assert!(matches!(e, SurveillanceError::TooShort { .. }));
        assert!(farrington_csv("period,count\n", &p, 7, None).is_err());
        // fortnights labelled by ISO week, step 2
        let mut s = String::from("period,count\n");
        for k in 0..140 {
            let wk = 1 + 2 * (k % 26);
            s.push_str(&format!("{}-W{:02},5\n", 2015 + k / 26, wk));
        }
        // 2015 has 53 ISO weeks, so W01 of 2016 follows W51 of 2015 after 3 weeks
        let e = farrington_csv(&s, &p, 26, Some(1)).unwrap_err();
        assert!(matches!(e, SurveillanceError::Csv { .. }));
    }
}
