//! Fortnightly police counts: a CSV of period start, area code, crime code and count, checked
//! whole (every problem named by line and field, in Dutch; nothing imported when any), and the
//! series of frequency 26 they make. Pure; no I/O.

use std::collections::{BTreeMap, HashSet};

use crate::meeting::add_days;
use crate::model::ImportProblem;
use crate::review::parse_date;

/// One checked row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FortnightRow {
    /// `YYYY-MM-DD`, the first day of the fortnight.
    pub period_start: String,
    pub region: String,
    pub crime_type: String,
    pub value: i64,
}

/// Days since 1970-01-01.
fn day_number(iso: &str) -> Option<i64> {
    let (y, m, d) = parse_date(iso)?;
    let (y, m, d) = (i64::from(y), i64::from(m), i64::from(d));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

const FIELDS: [&str; 4] = ["periode", "gebied", "soort", "aantal"];

/// Parses the CSV (`;` or `,` separated; a header line is optional). Every row must name a
/// fortnight on the same 14-day grid as the first row, a known area and crime type, and a
/// whole count of at least 0; a fortnight, area and crime type only once.
pub fn parse_csv(
    text: &str,
    known_area: &dyn Fn(&str) -> bool,
    known_crime: &dyn Fn(&str) -> bool,
) -> Result<Vec<FortnightRow>, Vec<ImportProblem>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    let mut seen = HashSet::new();
    let mut grid: Option<(i64, String)> = None;
    let problem = |line: usize, field: &str, reason: String| ImportProblem {
        line,
        reason: format!("veld '{field}': {reason}"),
    };
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let sep = if raw.contains(';') { ';' } else { ',' };
        let cells: Vec<&str> = raw.split(sep).map(|c| c.trim().trim_matches('"')).collect();
        if rows.is_empty()
            && problems.is_empty()
            && cells.first().is_some_and(|c| parse_date(c).is_none())
            && cells
                .first()
                .is_some_and(|c| c.chars().any(|ch| ch.is_alphabetic()))
        {
            continue; // the header
        }
        if cells.len() != FIELDS.len() {
            problems.push(ImportProblem {
                line,
                reason: format!(
                    "verwacht 4 velden (periode, gebied, soort, aantal), gevonden {}",
                    cells.len()
                ),
            });
            continue;
        }
        let before = problems.len();
        let start = cells[0];
        match day_number(start) {
            None => problems.push(problem(
                line,
                FIELDS[0],
                format!("'{start}' is geen datum als jjjj-mm-dd"),
            )),
            Some(n) => match &grid {
                None => grid = Some((n, start.to_string())),
                Some((first, first_label)) if (n - first).rem_euclid(14) != 0 => {
                    problems.push(problem(
                        line,
                        FIELDS[0],
                        format!(
                            "{start} is geen begin van een periode van twee weken gerekend vanaf {first_label}"
                        ),
                    ))
                }
                Some(_) => {}
            },
        }
        if !known_area(cells[1]) {
            problems.push(problem(
                line,
                FIELDS[1],
                format!(
                    "'{}' is geen bekende gemeente-, wijk- of buurtcode",
                    cells[1]
                ),
            ));
        }
        if !known_crime(cells[2]) {
            problems.push(problem(
                line,
                FIELDS[2],
                format!("'{}' is geen bekende soort misdrijf", cells[2]),
            ));
        }
        let value = match cells[3].parse::<i64>() {
            Ok(v) if v >= 0 => v,
            _ => {
                problems.push(problem(
                    line,
                    FIELDS[3],
                    format!("'{}' is geen heel getal van 0 of meer", cells[3]),
                ));
                0
            }
        };
        if problems.len() > before {
            continue;
        }
        if !seen.insert((
            start.to_string(),
            cells[1].to_string(),
            cells[2].to_string(),
        )) {
            problems.push(ImportProblem {
                line,
                reason: format!(
                    "periode {start}, gebied {} en soort {} staan al eerder in het bestand",
                    cells[1], cells[2]
                ),
            });
            continue;
        }
        rows.push(FortnightRow {
            period_start: start.to_string(),
            region: cells[1].to_string(),
            crime_type: cells[2].to_string(),
            value,
        });
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(ImportProblem {
            line: 1,
            reason: "het bestand bevat geen regels met cijfers".into(),
        });
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// A series' points as a continuous fortnightly series from its first to its last start
/// (`None` for a missing fortnight): `(period start, value)`.
pub fn continuous(points: &BTreeMap<String, i64>) -> Vec<(String, Option<i64>)> {
    let (Some(first), Some(last)) = (points.keys().next(), points.keys().next_back()) else {
        return Vec::new();
    };
    let (Some(a), Some(b)) = (day_number(first), day_number(last)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut day = first.clone();
    for _ in 0..=((b - a) / 14) {
        out.push((day.clone(), points.get(&day).copied()));
        match add_days(&day, 14) {
            Some(next) => day = next,
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(c: &str) -> bool {
        c == "GM1961" || c == "WK196101"
    }

    fn crime(c: &str) -> bool {
        c == "1.1.1"
    }

    #[test]
    fn a_good_file_is_read_with_or_without_header() {
        let csv =
            "periode;gebied;soort;aantal\n2026-01-05;GM1961;1.1.1;7\n2026-01-19;WK196101;1.1.1;0\n";
        let rows = parse_csv(csv, &area, &crime).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].value, 0);
        let rows = parse_csv("2026-01-05,GM1961,1.1.1,3\n", &area, &crime).unwrap();
        assert_eq!(rows[0].region, "GM1961");
    }

    #[test]
    fn every_problem_is_named_by_line_and_field() {
        let csv = "periode;gebied;soort;aantal\n\
                   2026-01-05;GM1961;1.1.1;7\n\
                   2026-01-12;GM1961;1.1.1;7\n\
                   2026-13-01;XX;9.9;-1\n\
                   2026-01-19;GM1961;1.1.1\n\
                   2026-01-05;GM1961;1.1.1;2\n";
        let problems = parse_csv(csv, &area, &crime).unwrap_err();
        let text: Vec<String> = problems
            .iter()
            .map(|p| format!("{}: {}", p.line, p.reason))
            .collect();
        assert!(
            text[0].starts_with("3: veld 'periode': 2026-01-12 is geen begin"),
            "{text:?}"
        );
        assert!(text[1].starts_with("4: veld 'periode'"), "{text:?}");
        assert!(text[2].starts_with("4: veld 'gebied'"));
        assert!(text[3].starts_with("4: veld 'soort'"));
        assert!(text[4].starts_with("4: veld 'aantal'"));
        assert!(text[5].starts_with("5: verwacht 4 velden"));
        assert!(text[6].starts_with("6: periode 2026-01-05"), "{text:?}");
        assert_eq!(parse_csv("", &area, &crime).unwrap_err().len(), 1);
    }

    #[test]
    fn gaps_become_missing_fortnights() {
        let points = BTreeMap::from([("2025-12-22".to_string(), 4), ("2026-01-19".to_string(), 6)]);
        let c = continuous(&points);
        assert_eq!(
            c,
            vec![
                ("2025-12-22".to_string(), Some(4)),
                ("2026-01-05".to_string(), None),
                ("2026-01-19".to_string(), Some(6)),
            ]
        );
    }
}
