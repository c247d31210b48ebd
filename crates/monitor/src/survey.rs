//! Pure logic of the veiligheidsenquête (safety survey): indicators, questionnaire versions, the
//! checks of one result, the CSV format, and the chart with confidence intervals and breaks.

use platform::identity::{field_error, FieldError};
use serde::Serialize;

use crate::model::{readable_records, ImportProblem};

/// What an indicator's figure is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// A share of the respondents, 0–100.
    Percent,
    /// A report grade (rapportcijfer), 1–10.
    Grade,
}

impl Unit {
    fn range(self) -> (f64, f64) {
        match self {
            Unit::Percent => (0.0, 100.0),
            Unit::Grade => (1.0, 10.0),
        }
    }

    fn range_error(self) -> &'static str {
        match self {
            Unit::Percent => "monitor-survey-error-percent",
            Unit::Grade => "monitor-survey-error-grade",
        }
    }
}

/// A survey indicator (the Veiligheidsmonitor's themes, and the gemeente's own questions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Indicator {
    pub slug: &'static str,
    /// Dutch label, as the pages show it.
    pub label: &'static str,
    pub unit: Unit,
}

pub const INDICATORS: [Indicator; 7] = [
    Indicator {
        slug: "voelt-zich-veilig",
        label: "Voelt zich (zeer) veilig in de gemeente",
        unit: Unit::Percent,
    },
    Indicator {
        slug: "rapportcijfer-veiligheid",
        label: "Rapportcijfer veiligheid",
        unit: Unit::Grade,
    },
    Indicator {
        slug: "wel-eens-onveilig",
        label: "Voelt zich wel eens onveilig",
        unit: Unit::Percent,
    },
    Indicator {
        slug: "onveilig-eigen-buurt",
        label: "Voelt zich wel eens onveilig in de eigen buurt",
        unit: Unit::Percent,
    },
    Indicator {
        slug: "rapportcijfer-leefbaarheid",
        label: "Rapportcijfer leefbaarheid van de buurt",
        unit: Unit::Grade,
    },
    Indicator {
        slug: "slachtoffer-criminaliteit",
        label: "Slachtoffer van traditionele criminaliteit",
        unit: Unit::Percent,
    },
    Indicator {
        slug: "slachtoffer-online",
        label: "Slachtoffer van online criminaliteit",
        unit: Unit::Percent,
    },
];

pub fn indicator(slug: &str) -> Option<&'static Indicator> {
    INDICATORS.iter().find(|i| i.slug == slug.trim())
}

/// The versions of the questionnaire; results of different versions are not comparable (the
/// Veiligheidsmonitor was revised in 2021).
pub const QUESTIONNAIRES: [(&str, &str); 3] = [
    ("vm-2012", "Veiligheidsmonitor 2012–2019"),
    (
        "vm-2021",
        "Veiligheidsmonitor 2021 en later (herziene vragenlijst)",
    ),
    ("eigen", "Eigen veiligheidsenquête van de gemeente"),
];

pub fn questionnaire_label(slug: &str) -> Option<&'static str> {
    QUESTIONNAIRES
        .iter()
        .find(|(s, _)| *s == slug.trim())
        .map(|(_, l)| *l)
}

/// A result as typed or read from a file: every field still text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SurveyInput {
    pub year: String,
    pub area: String,
    pub indicator: String,
    pub estimate: String,
    pub lower: String,
    pub upper: String,
    pub questionnaire: String,
    pub source: String,
}

/// A checked result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SurveyResult {
    pub year: i64,
    pub area: String,
    pub indicator: String,
    pub estimate: f64,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub questionnaire: String,
    pub source: String,
}

impl SurveyResult {
    /// The key a result is stored under: one result per year, area and indicator.
    pub fn key(&self) -> (i64, &str, &str) {
        (self.year, &self.area, &self.indicator)
    }
}

pub const FIRST_YEAR: i64 = 2000;
pub const MAX_SOURCE: usize = 200;

/// A number as typed: a decimal comma counts as a point.
pub fn parse_number(v: &str) -> Option<f64> {
    let v = v.trim().replace(',', ".");
    v.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Checks a result; errors name the field and carry Fluent keys. `known_area` says whether a
/// code is a region of the monitor; `this_year` is the latest year allowed.
pub fn check(
    input: &SurveyInput,
    known_area: &dyn Fn(&str) -> bool,
    this_year: i64,
) -> Result<SurveyResult, Vec<FieldError>> {
    let mut errors = Vec::new();
    let year = input
        .year
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|y| (FIRST_YEAR..=this_year).contains(y));
    if year.is_none() {
        errors.push(field_error("year", "monitor-survey-error-year"));
    }
    let area = input.area.trim().to_string();
    if !known_area(&area) {
        errors.push(field_error("area", "monitor-survey-error-area"));
    }
    let ind = indicator(&input.indicator);
    if ind.is_none() {
        errors.push(field_error("indicator", "monitor-survey-error-indicator"));
    }
    let unit = ind.map(|i| i.unit).unwrap_or(Unit::Percent);
    let (lo, hi) = unit.range();
    let mut number = |name: &str, v: &str, required: bool| -> Option<f64> {
        if v.trim().is_empty() {
            if required {
                errors.push(field_error(name, "monitor-survey-error-number"));
            }
            return None;
        }
        match parse_number(v) {
            None => {
                errors.push(field_error(name, "monitor-survey-error-number"));
                None
            }
            Some(n) if ind.is_some() && !(lo..=hi).contains(&n) => {
                errors.push(field_error(name, unit.range_error()));
                None
            }
            Some(n) => Some(n),
        }
    };
    let estimate = number("estimate", &input.estimate, true);
    let lower = number("lower", &input.lower, false);
    let upper = number("upper", &input.upper, false);
    let lower_given = !input.lower.trim().is_empty();
    let upper_given = !input.upper.trim().is_empty();
    if lower_given != upper_given {
        let missing = if lower_given { "upper" } else { "lower" };
        errors.push(field_error(missing, "monitor-survey-error-bounds-pair"));
    }
    if let (Some(e), Some(l), Some(u)) = (estimate, lower, upper) {
        if !(l <= e && e <= u) {
            errors.push(field_error("estimate", "monitor-survey-error-bounds-order"));
        }
    }
    let questionnaire = input.questionnaire.trim().to_string();
    if questionnaire_label(&questionnaire).is_none() {
        errors.push(field_error(
            "questionnaire",
            "monitor-survey-error-questionnaire",
        ));
    }
    let source = input.source.trim().to_string();
    if source.is_empty() || source.chars().count() > MAX_SOURCE {
        errors.push(field_error("source", "monitor-survey-error-source"));
    }
    match (year, ind, estimate, errors.is_empty()) {
        (Some(year), Some(ind), Some(estimate), true) => Ok(SurveyResult {
            year,
            area,
            indicator: ind.slug.to_string(),
            estimate,
            lower,
            upper,
            questionnaire,
            source,
        }),
        _ => Err(errors),
    }
}

/// The CSV columns, in the Dutch of the file: `jaar;gebied;indicator;waarde;ondergrens;bovengrens;vragenlijst;bron`.
pub const CSV_COLUMNS: [(&str, &str); 8] = [
    ("jaar", "year"),
    ("gebied", "area"),
    ("indicator", "indicator"),
    ("waarde", "estimate"),
    ("ondergrens", "lower"),
    ("bovengrens", "upper"),
    ("vragenlijst", "questionnaire"),
    ("bron", "source"),
];

fn column_of(field: &str) -> &str {
    CSV_COLUMNS
        .iter()
        .find(|(_, f)| *f == field)
        .map(|(c, _)| *c)
        .unwrap_or(field)
}

/// Reads a survey CSV (semicolon or comma separated, with the columns of [`CSV_COLUMNS`] in any
/// order). All rows or none: any wrong row, or the same year, area and indicator twice, refuses
/// the whole file, with the line of every problem. `message` turns a Fluent key into text.
pub fn parse_csv(
    text: &str,
    known_area: &dyn Fn(&str) -> bool,
    this_year: i64,
    message: &dyn Fn(&str) -> String,
) -> Result<Vec<SurveyResult>, Vec<ImportProblem>> {
    let fail = |line: usize, reason: String| vec![ImportProblem { line, reason }];
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.contains(';') { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| fail(1, format!("kopregel onleesbaar: {e}")))?
        .clone();
    let mut columns = Vec::new();
    for (name, field) in CSV_COLUMNS {
        match headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
        {
            Some(i) => columns.push((i, field)),
            None => {
                return Err(fail(
                    1,
                    format!(
                        "kopregel mist de kolom {name} (verwacht: {})",
                        CSV_COLUMNS
                            .iter()
                            .map(|(c, _)| *c)
                            .collect::<Vec<_>>()
                            .join(";")
                    ),
                ))
            }
        }
    }
    let mut out: Vec<(usize, SurveyResult)> = Vec::new();
    let mut problems = Vec::new();
    let (records, unreadable) = readable_records(&mut reader);
    problems.extend(unreadable);
    for (line, record) in records {
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let get = |field: &str| {
            columns
                .iter()
                .find(|(_, f)| *f == field)
                .and_then(|(i, _)| record.get(*i))
                .unwrap_or("")
                .to_string()
        };
        let input = SurveyInput {
            year: get("year"),
            area: get("area"),
            indicator: get("indicator"),
            estimate: get("estimate"),
            lower: get("lower"),
            upper: get("upper"),
            questionnaire: get("questionnaire"),
            source: get("source"),
        };
        match check(&input, known_area, this_year) {
            Ok(r) => {
                if let Some((first, _)) = out.iter().find(|(_, o)| o.key() == r.key()) {
                    problems.push(ImportProblem {
                        line,
                        reason: format!(
                            "{} {} {} staat ook op regel {first}",
                            r.year, r.area, r.indicator
                        ),
                    });
                } else {
                    out.push((line, r));
                }
            }
            Err(errors) => {
                for e in errors {
                    problems.push(ImportProblem {
                        line,
                        reason: format!("{}: {}", column_of(&e.field), message(&e.message)),
                    });
                }
            }
        }
    }
    if out.is_empty() && problems.is_empty() {
        problems.push(ImportProblem {
            line: 0,
            reason: "het bestand bevat geen rijen".into(),
        });
    }
    if problems.is_empty() {
        Ok(out.into_iter().map(|(_, r)| r).collect())
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}

/// The indices of the points where the questionnaire differs from the point before: the series
/// breaks there, and earlier years are not comparable.
pub fn breaks(points: &[SurveyResult]) -> Vec<usize> {
    (1..points.len())
        .filter(|&i| points[i].questionnaire != points[i - 1].questionnaire)
        .collect()
}

/// A figure in Dutch notation: one decimal for grades and for percentages that have one.
pub fn decimal(v: f64) -> String {
    let s = if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    };
    s.replace('.', ",")
}

fn esc(s: &str) -> String {
    crate::areas::escape(s)
}

/// A line-and-point chart of one indicator over the years, as inline SVG: the estimate as a
/// point, the 95% interval as a whisker, lines only between comparable years, and a dashed
/// vertical line with a label where the questionnaire changes. `points` are sorted by year;
/// `id` makes the title and description ids unique on the page.
pub fn chart_svg(points: &[SurveyResult], unit: Unit, id: &str, title: &str, desc: &str) -> String {
    let (w, h, left, right, top, bottom) = (640.0_f64, 260.0_f64, 44.0, 16.0, 28.0, 28.0);
    let (lo, hi) = match unit {
        Unit::Percent => {
            let max = points
                .iter()
                .map(|p| p.upper.unwrap_or(p.estimate))
                .fold(0.0_f64, f64::max);
            (0.0, ((max / 10.0).ceil() * 10.0).clamp(10.0, 100.0))
        }
        Unit::Grade => (1.0, 10.0),
    };
    let (first_year, last_year) = match (points.first(), points.last()) {
        (Some(f), Some(l)) => (f.year, l.year.max(f.year + 1)),
        _ => (0, 1),
    };
    let x = |year: i64| {
        left + (w - left - right) * (year - first_year) as f64 / (last_year - first_year) as f64
    };
    let y = |v: f64| top + (h - top - bottom) * (1.0 - (v - lo) / (hi - lo));
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}-titel {id}-beschrijving\" focusable=\"false\"><title id=\"{id}-titel\">{}</title><desc id=\"{id}-beschrijving\">{}</desc>",
        esc(title),
        esc(desc)
    );
    // Axes and the scale at bottom and top.
    svg.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#3d5374\"/><line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{b}\" stroke=\"#3d5374\"/>\
         <text x=\"0\" y=\"{t}\" font-size=\"12\" fill=\"#001a40\">{}</text><text x=\"0\" y=\"{b}\" font-size=\"12\" fill=\"#001a40\">{}</text>",
        decimal(hi),
        decimal(lo),
        b = h - bottom,
        r = w - right,
        t = top + 4.0,
    ));
    let cuts = breaks(points);
    for (i, p) in points.iter().enumerate() {
        let px = x(p.year);
        if let (Some(l), Some(u)) = (p.lower, p.upper) {
            svg.push_str(&format!(
                "<line x1=\"{px:.1}\" y1=\"{:.1}\" x2=\"{px:.1}\" y2=\"{:.1}\" stroke=\"#3b0fb0\" stroke-width=\"2\"/>\
                 <line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#3b0fb0\" stroke-width=\"2\"/>\
                 <line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#3b0fb0\" stroke-width=\"2\"/>",
                y(l),
                y(u),
                px - 6.0,
                y(l),
                px + 6.0,
                y(l),
                px - 6.0,
                y(u),
                px + 6.0,
                y(u),
            ));
        }
        if i > 0 && !cuts.contains(&i) {
            let prev = &points[i - 1];
            svg.push_str(&format!(
                "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{px:.1}\" y2=\"{:.1}\" stroke=\"#3b0fb0\" stroke-width=\"2\"/>",
                x(prev.year),
                y(prev.estimate),
                y(p.estimate)
            ));
        }
        if cuts.contains(&i) {
            let bx = (x(points[i - 1].year) + px) / 2.0;
            svg.push_str(&format!(
                "<line class=\"baken-chart-break\" x1=\"{bx:.1}\" y1=\"{top}\" x2=\"{bx:.1}\" y2=\"{:.1}\" stroke=\"#a01d23\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"#a01d23\">nieuwe vragenlijst</text>",
                h - bottom,
                bx + 4.0,
                top - 10.0
            ));
        }
        svg.push_str(&format!(
            "<circle cx=\"{px:.1}\" cy=\"{:.1}\" r=\"5\" fill=\"#3b0fb0\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"#001a40\">{}</text>",
            y(p.estimate),
            px - 14.0,
            h - 8.0,
            p.year
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> SurveyInput {
        SurveyInput {
            year: "2023".into(),
            area: "GM1961".into(),
            indicator: "wel-eens-onveilig".into(),
            estimate: "28".into(),
            lower: "25,8".into(),
            upper: "30.2".into(),
            questionnaire: "vm-2021".into(),
            source: "CBS Veiligheidsmonitor".into(),
        }
    }

    fn known(code: &str) -> bool {
        code == "GM1961" || code == "WK196124"
    }

    fn fields(errors: &[FieldError]) -> Vec<(&str, &str)> {
        errors
            .iter()
            .map(|e| (e.field.as_str(), e.message.as_str()))
            .collect()
    }

    #[test]
    fn a_good_result_is_read_with_decimal_commas() {
        let r = check(&input(), &known, 2026).unwrap();
        assert_eq!(r.lower, Some(25.8));
        assert_eq!(r.upper, Some(30.2));
        assert_eq!(r.key(), (2023, "GM1961", "wel-eens-onveilig"));
        let mut no_bounds = input();
        no_bounds.lower.clear();
        no_bounds.upper.clear();
        assert_eq!(check(&no_bounds, &known, 2026).unwrap().lower, None);
    }

    #[test]
    fn each_wrong_field_is_named() {
        let mut i = input();
        i.year = "2031".into();
        i.area = "GM0344".into();
        i.questionnaire = "vm-1999".into();
        i.source = " ".into();
        let e = check(&i, &known, 2026).unwrap_err();
        assert_eq!(
            fields(&e),
            vec![
                ("year", "monitor-survey-error-year"),
                ("area", "monitor-survey-error-area"),
                ("questionnaire", "monitor-survey-error-questionnaire"),
                ("source", "monitor-survey-error-source"),
            ]
        );
        let mut i = input();
        i.estimate = "31".into();
        assert_eq!(
            fields(&check(&i, &known, 2026).unwrap_err()),
            vec![("estimate", "monitor-survey-error-bounds-order")]
        );
        let mut i = input();
        i.upper.clear();
        assert_eq!(
            fields(&check(&i, &known, 2026).unwrap_err()),
            vec![("upper", "monitor-survey-error-bounds-pair")]
        );
        let mut i = input();
        i.indicator = "rapportcijfer-veiligheid".into();
        i.estimate = "11".into();
        i.lower = "x".into();
        i.upper = "9".into();
        assert_eq!(
            fields(&check(&i, &known, 2026).unwrap_err()),
            vec![
                ("estimate", "monitor-survey-error-grade"),
                ("lower", "monitor-survey-error-number"),
            ]
        );
        let mut i = input();
        i.indicator = "onbekend".into();
        i.year = "1999".into();
        assert_eq!(
            fields(&check(&i, &known, 2026).unwrap_err()),
            vec![
                ("year", "monitor-survey-error-year"),
                ("indicator", "monitor-survey-error-indicator"),
            ]
        );
    }

    #[test]
    fn a_csv_is_taken_whole_or_refused_with_lines() {
        let msg = |k: &str| k.to_string();
        let good = "\u{feff}jaar;gebied;indicator;waarde;ondergrens;bovengrens;vragenlijst;bron\n\
                    2019;GM1961;wel-eens-onveilig;25;22,4;27,6;vm-2012;CBS\n\
                    \n\
                    2021;GM1961;wel-eens-onveilig;27;;;vm-2021;CBS\n";
        let rows = parse_csv(good, &known, 2026, &msg).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].lower, None);
        // Comma separated with the columns in another order.
        let comma = "bron,vragenlijst,jaar,gebied,indicator,waarde,ondergrens,bovengrens\nCBS,vm-2021,2023,WK196124,slachtoffer-online,16.5,,\n";
        assert_eq!(
            parse_csv(comma, &known, 2026, &msg).unwrap()[0].estimate,
            16.5
        );
        let bad = "jaar;gebied;indicator;waarde;ondergrens;bovengrens;vragenlijst;bron\n\
                   2019;GM1961;wel-eens-onveilig;25;;;vm-2012;CBS\n\
                   2019;XX;wel-eens-onveilig;25;;;vm-2012;CBS\n\
                   2019;GM1961;wel-eens-onveilig;26;;;vm-2012;CBS\n";
        let problems = parse_csv(bad, &known, 2026, &msg).unwrap_err();
        assert_eq!(
            problems.iter().map(|p| p.line).collect::<Vec<_>>(),
            vec![3, 4]
        );
        assert!(problems[0]
            .reason
            .starts_with("gebied: monitor-survey-error-area"));
        assert!(problems[1].reason.contains("staat ook op regel 2"));
        let missing = parse_csv("jaar;gebied\n2019;GM1961\n", &known, 2026, &msg).unwrap_err();
        assert!(missing[0].reason.contains("kolom indicator"));
        assert!(parse_csv(
            "jaar;gebied;indicator;waarde;ondergrens;bovengrens;vragenlijst;bron\n",
            &known,
            2026,
            &msg
        )
        .is_err());
    }

    #[test]
    fn the_chart_breaks_where_the_questionnaire_changes() {
        let r = |year: i64, q: &str, e: f64| SurveyResult {
            year,
            area: "GM1961".into(),
            indicator: "wel-eens-onveilig".into(),
            estimate: e,
            lower: Some(e - 2.0),
            upper: Some(e + 2.0),
            questionnaire: q.into(),
            source: "CBS".into(),
        };
        let points = vec![
            r(2017, "vm-2012", 24.0),
            r(2019, "vm-2012", 25.0),
            r(2021, "vm-2021", 27.0),
            r(2023, "vm-2021", 28.0),
        ];
        assert_eq!(breaks(&points), vec![2]);
        let svg = chart_svg(&points, Unit::Percent, "g1", "Titel <x>", "Beschrijving");
        assert!(
            svg.contains("role=\"img\"")
                && svg.contains("<title id=\"g1-titel\">Titel &lt;x&gt;</title>")
        );
        assert_eq!(svg.matches("<circle").count(), 4);
        assert_eq!(svg.matches("baken-chart-break").count(), 1);
        assert!(svg.contains("nieuwe vragenlijst"));
        // Lines join 2017–2019 and 2021–2023, not 2019–2021; each point has 3 whisker lines.
        let lines = svg.matches("<line").count();
        assert_eq!(lines, 2 + 4 * 3 + 2 + 1);
        assert_eq!(decimal(7.8), "7,8");
        assert_eq!(decimal(82.0), "82");
    }
}
