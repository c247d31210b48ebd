//! The uitvoeringsplan as CSV the way Dutch Excel reads and writes it: UTF-8 with a byte order
//! mark, `;` between fields, quotes where needed, and cells that a spreadsheet would run as a
//! formula neutralised with a leading apostrophe. Pure: no I/O.

use crate::model::{parse_euros, parse_number, Status};

pub const BOM: &str = "\u{feff}";

/// The columns. `datum` came last, with progress notes; a file with the 18 columns before it
/// (exported before notes were in the CSV) still imports.
pub const HEADER: [&str; 19] = [
    "soort",
    "code",
    "thema",
    "tekst",
    "status",
    "team",
    "partners",
    "gepland_van",
    "gepland_tot",
    "reden_vervallen",
    "indicator",
    "eenheid",
    "streefwaarde",
    "werkelijk",
    "begroot",
    "toegekend",
    "subsidiebron",
    "besteed",
    "datum",
];

/// The columns a file without progress notes has.
const HEADER_WITHOUT_NOTES: usize = 18;

pub use platform::export::neutralise;

/// Undoes [`neutralise`].
pub fn restore(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_string(),
        _ => cell.to_string(),
    }
}

fn quote(cell: &str) -> String {
    let cell = neutralise(cell);
    if cell.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

/// Writes rows (the header first) as Excel-safe CSV.
pub fn write(rows: &[Vec<String>]) -> String {
    let mut out = String::from(BOM);
    for r in rows {
        out.push_str(&r.iter().map(|c| quote(c)).collect::<Vec<_>>().join(";"));
        out.push_str("\r\n");
    }
    out
}

/// A record: the line number where it starts, and its fields.
pub type Record = (usize, Vec<String>);
/// A problem: the line number and what is wrong, in Dutch.
pub type LineError = (usize, String);

/// Reads CSV into records; quoted fields may span lines.
pub fn read(text: &str) -> Result<Vec<Record>, LineError> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let mut records = Vec::new();
    let mut field = String::new();
    let mut fields = Vec::new();
    let mut line = 1;
    let mut start = 1;
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => in_quotes = true,
            ';' => fields.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                records.push((start, std::mem::take(&mut fields)));
                line += 1;
                start = line;
                any = false;
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err((start, "aanhalingsteken niet gesloten".into()));
    }
    if any {
        fields.push(field);
        records.push((start, fields));
    }
    // Blank lines are no records.
    records.retain(|(_, f)| !(f.len() == 1 && f[0].trim().is_empty()));
    Ok(records)
}

/// One valid row of an imported plan.
#[derive(Clone, Debug, PartialEq)]
pub enum Row {
    Action {
        code: String,
        status: Status,
        team: String,
        partners: String,
        planned_from: String,
        planned_until: String,
        reason: String,
    },
    Indicator {
        code: String,
        name: String,
        unit: String,
        target: Option<f64>,
        actual: Option<f64>,
    },
    Budget {
        code: String,
        begroot: i64,
        toegekend: i64,
        subsidy_source: String,
        besteed: i64,
    },
    /// A progress note: imported when the action does not have the same note already.
    Note {
        code: String,
        noted_on: String,
        text: String,
    },
}

/// A date as a spreadsheet may have written "2026-03-15": "2026-03-15", "15-3-2026", "15/03/2026".
pub fn date(v: &str) -> Result<String, String> {
    let v = v.trim();
    let parts: Vec<&str> = v.split(['-', '/']).collect();
    let nums: Option<Vec<i16>> = parts.iter().map(|p| p.parse::<i16>().ok()).collect();
    let ymd = match nums.as_deref() {
        Some([y, m, d]) if parts[0].len() == 4 => Some((*y, *m, *d)),
        Some([d, m, y]) if parts[2].len() == 4 => Some((*y, *m, *d)),
        _ => None,
    };
    ymd.and_then(|(y, m, d)| {
        jiff::civil::Date::new(y, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()
    })
    .map(|d| d.to_string())
    .ok_or_else(|| format!("datum \"{v}\" is geen geldige datum (jjjj-mm-dd)"))
}

/// A month in the plan's year from what a spreadsheet may have made of "2026-03":
/// "2026-03", "03-2026", "1-3-2026", "2026-03-01"; empty stays empty.
pub fn month(v: &str, year: i64) -> Result<String, String> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(String::new());
    }
    let parts: Vec<&str> = v.split(['-', '/']).collect();
    let nums: Option<Vec<i64>> = parts.iter().map(|p| p.parse::<i64>().ok()).collect();
    let (y, m) = match nums.as_deref() {
        Some([y, m]) if parts[0].len() == 4 => (*y, *m),
        Some([m, y]) if parts[1].len() == 4 => (*y, *m),
        Some([y, m, _]) if parts[0].len() == 4 => (*y, *m),
        Some([_, m, y]) if parts[2].len() == 4 => (*y, *m),
        _ => return Err(format!("maand \"{v}\" is geen jjjj-mm")),
    };
    if y != year || !(1..=12).contains(&m) {
        return Err(format!("maand \"{v}\" ligt niet in {year}"));
    }
    Ok(format!("{y:04}-{m:02}"))
}

/// Checks every record of an imported plan; returns the rows, or every problem by line number.
/// `action_codes` and `theme_codes` are the codes the plan's actions and themes have.
pub fn parse_plan(
    text: &str,
    year: i64,
    action_codes: &[String],
    theme_codes: &[String],
) -> Result<Vec<Row>, Vec<LineError>> {
    let records = read(text).map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    let Some((_, header)) = records.first() else {
        return Err(vec![(1, "het bestand is leeg".into())]);
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    if header != HEADER && header != HEADER[..HEADER_WITHOUT_NOTES] {
        return Err(vec![(
            1,
            format!("de kopregel moet zijn: {}", HEADER.join(";")),
        )]);
    }
    let mut rows = Vec::new();
    let mut seen_actions = std::collections::HashSet::new();
    let mut seen_budgets = std::collections::HashSet::new();
    for (line, rec) in records.iter().skip(1) {
        let line = *line;
        if rec.len() != header.len() {
            errors.push((
                line,
                format!("{} velden in plaats van {}", rec.len(), header.len()),
            ));
            continue;
        }
        let mut f: Vec<String> = rec.iter().map(|c| restore(c.trim())).collect();
        f.resize(HEADER.len(), String::new());
        let code = f[1].clone();
        let mut problems = Vec::new();
        match f[0].to_lowercase().as_str() {
            "actie" => {
                if !action_codes.contains(&code) {
                    problems.push(format!("onbekende actie \"{code}\""));
                } else if !seen_actions.insert(code.clone()) {
                    problems.push(format!("actie \"{code}\" staat er twee keer in"));
                }
                let status = Status::from_slug(&f[4]);
                if status.is_none() {
                    problems.push(format!(
                        "status \"{}\" is niet gepland, lopend, gereed of vervallen",
                        f[4]
                    ));
                }
                if status == Some(Status::Vervallen) && f[9].is_empty() {
                    problems.push("bij vervallen hoort een reden".into());
                }
                let from = month(&f[7], year).map_err(|e| problems.push(e)).ok();
                let until = month(&f[8], year).map_err(|e| problems.push(e)).ok();
                if let (Some(a), Some(b)) = (&from, &until) {
                    if !a.is_empty() && !b.is_empty() && a > b {
                        problems.push("gepland_tot ligt voor gepland_van".into());
                    }
                }
                if let (Some(status), Some(from), Some(until), true) =
                    (status, from, until, problems.is_empty())
                {
                    rows.push(Row::Action {
                        code,
                        status,
                        team: f[5].clone(),
                        partners: f[6].clone(),
                        planned_from: from,
                        planned_until: until,
                        reason: f[9].clone(),
                    });
                }
            }
            "indicator" => {
                if !action_codes.contains(&code) {
                    problems.push(format!("onbekende actie \"{code}\""));
                }
                if f[10].is_empty() {
                    problems.push("een indicator heeft een naam".into());
                }
                let target = parse_number(&f[12])
                    .map_err(|_| problems.push(format!("streefwaarde \"{}\" is geen getal", f[12])))
                    .ok()
                    .flatten();
                let actual = parse_number(&f[13])
                    .map_err(|_| problems.push(format!("werkelijk \"{}\" is geen getal", f[13])))
                    .ok()
                    .flatten();
                if problems.is_empty() {
                    rows.push(Row::Indicator {
                        code,
                        name: f[10].clone(),
                        unit: f[11].clone(),
                        target,
                        actual,
                    });
                }
            }
            "budget" => {
                if !theme_codes.contains(&code) {
                    problems.push(format!("onbekend thema \"{code}\""));
                } else if !seen_budgets.insert(code.clone()) {
                    problems.push(format!("budget van \"{code}\" staat er twee keer in"));
                }
                let mut money = |i: usize, name: &str| -> i64 {
                    match parse_euros(&f[i]) {
                        Some(c) if c >= 0 => c,
                        _ => {
                            problems.push(format!("{name} \"{}\" is geen bedrag", f[i]));
                            0
                        }
                    }
                };
                let begroot = money(14, "begroot");
                let toegekend = money(15, "toegekend");
                let besteed = money(17, "besteed");
                if toegekend > 0 && f[16].is_empty() {
                    problems.push("bij toegekend hoort de subsidiebron".into());
                }
                if problems.is_empty() {
                    rows.push(Row::Budget {
                        code,
                        begroot,
                        toegekend,
                        subsidy_source: f[16].clone(),
                        besteed,
                    });
                }
            }
            "voortgang" => {
                if !action_codes.contains(&code) {
                    problems.push(format!("onbekende actie \"{code}\""));
                }
                if f[3].is_empty() {
                    problems.push("bij voortgang hoort een tekst".into());
                }
                let noted_on = date(&f[18]).map_err(|e| problems.push(e)).ok();
                if let (Some(noted_on), true) = (noted_on, problems.is_empty()) {
                    rows.push(Row::Note {
                        code,
                        noted_on,
                        text: f[3].clone(),
                    });
                }
            }
            other => problems.push(format!(
                "soort \"{other}\" is niet actie, indicator, budget of voortgang"
            )),
        }
        errors.extend(problems.into_iter().map(|p| (line, p)));
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(cells: &[&str]) -> String {
        let mut v: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
        v.resize(HEADER.len(), String::new());
        v.join(";")
    }

    #[test]
    fn writes_excel_safe_csv() {
        let out = write(&[
            vec!["a".into(), "=HYPERLINK(\"x\")".into()],
            vec!["b;c".into(), "-1".into()],
        ]);
        assert!(out.starts_with(BOM));
        assert!(out.contains("a;\"'=HYPERLINK(\"\"x\"\")\"\r\n"));
        assert!(out.contains("\"b;c\";'-1\r\n"));
        let back = read(&out).unwrap_or_default();
        assert_eq!(back[0].1[1], "'=HYPERLINK(\"x\")");
        assert_eq!(restore(&back[0].1[1]), "=HYPERLINK(\"x\")");
        assert_eq!(restore("'gewoon"), "'gewoon");
    }

    #[test]
    fn reads_quoted_multiline_fields_with_line_numbers() {
        let r = read("a;b\r\n\"x\ny\";z\r\n\r\nc;d").unwrap_or_default();
        assert_eq!(r.len(), 3);
        assert_eq!(r[1], (2, vec!["x\ny".to_string(), "z".to_string()]));
        assert_eq!(r[2].0, 5);
        assert!(read("\"open").is_err());
    }

    #[test]
    fn months_in_spreadsheet_shapes() {
        assert_eq!(month("2026-03", 2026).as_deref(), Ok("2026-03"));
        assert_eq!(month("03-2026", 2026).as_deref(), Ok("2026-03"));
        assert_eq!(month("1-3-2026", 2026).as_deref(), Ok("2026-03"));
        assert!(month("2025-03", 2026).is_err());
        assert!(month("maart", 2026).is_err());
    }

    #[test]
    fn dates_in_spreadsheet_shapes() {
        assert_eq!(date("2026-03-15").as_deref(), Ok("2026-03-15"));
        assert_eq!(date("15-3-2026").as_deref(), Ok("2026-03-15"));
        assert_eq!(date("15/03/2026").as_deref(), Ok("2026-03-15"));
        assert!(date("2026-02-30").is_err());
        assert!(date("").is_err());
        assert!(date("morgen").is_err());
    }

    #[test]
    fn progress_notes_import_and_old_files_without_them_still_do() {
        let actions = vec!["T2-A1".to_string()];
        let note = |code: &str, text: &str, day: &str| {
            let mut v = vec!["voortgang", code, "", text];
            v.resize(HEADER.len() - 1, "");
            v.push(day);
            v.join(";")
        };
        let text = [
            HEADER.join(";"),
            note("T2-A1", "Eerste controle gehouden", "12-2-2026"),
            note("T2-A1", "", "2026-02-12"),
            note("T9-A1", "Onbekend", "2026-13-01"),
        ]
        .join("\r\n");
        let errors = parse_plan(&text, 2026, &actions, &[]).unwrap_err();
        assert_eq!(
            errors,
            vec![
                (3, "bij voortgang hoort een tekst".to_string()),
                (4, "onbekende actie \"T9-A1\"".to_string()),
                (
                    4,
                    "datum \"2026-13-01\" is geen geldige datum (jjjj-mm-dd)".to_string()
                ),
            ]
        );
        let rows = parse_plan(
            &text.lines().take(2).collect::<Vec<_>>().join("\n"),
            2026,
            &actions,
            &[],
        );
        assert_eq!(
            rows,
            Ok(vec![Row::Note {
                code: "T2-A1".into(),
                noted_on: "2026-02-12".into(),
                text: "Eerste controle gehouden".into(),
            }])
        );
        let old = format!(
            "{}\r\nactie;T2-A1;;;gepland;IV;;;;;;;;;;;;",
            HEADER[..HEADER_WITHOUT_NOTES].join(";")
        );
        assert_eq!(
            parse_plan(&old, 2026, &actions, &[]).map(|r| r.len()),
            Ok(1)
        );
    }

    #[test]
    fn every_bad_line_is_reported_and_nothing_passes() {
        let actions = vec!["T2-A1".to_string(), "T2-A2".to_string()];
        let themes = vec!["T2".to_string()];
        let text = [
            HEADER.join(";"),
            line(&[
                "actie", "T2-A1", "2", "", "lopend", "IV", "Politie", "2026-01", "2026-06",
            ]),
            line(&["actie", "T9-A1", "", "", "klaar"]),
            line(&["actie", "T2-A2", "", "", "vervallen"]),
            line(&[
                "budget",
                "T2",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "10.000,00",
                "500",
                "",
                "x",
            ]),
            "te;kort".to_string(),
        ]
        .join("\r\n");
        let errors = parse_plan(&text, 2026, &actions, &themes)
            .err()
            .unwrap_or_default();
        let lines: Vec<usize> = errors.iter().map(|e| e.0).collect();
        assert_eq!(lines, [3, 3, 4, 5, 5, 6], "{errors:?}");
        let ok = [
            HEADER.join(";"),
            line(&[
                "actie", "T2-A1", "2", "", "Lopend", "IV", "Politie", "2026-01", "2026-06",
            ]),
            line(&[
                "indicator",
                "T2-A1",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "Controles",
                "aantal",
                "40",
                "12,5",
            ]),
            line(&[
                "budget",
                "T2",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "10.000,00",
                "500",
                "Rijk",
                "250",
            ]),
        ]
        .join("\r\n");
        let rows = parse_plan(&ok, 2026, &actions, &themes).unwrap_or_default();
        assert_eq!(rows.len(), 3);
        assert!(matches!(rows[1], Row::Indicator { actual: Some(a), .. } if a == 12.5));
        assert!(matches!(
            rows[2],
            Row::Budget {
                begroot: 1_000_000,
                toegekend: 50_000,
                ..
            }
        ));
        let wrong_header = parse_plan("a;b\r\n", 2026, &actions, &themes);
        assert_eq!(wrong_header.err().map(|e| e[0].0), Some(1));
    }
}
