//! Pure monitor logic: region codes, periods, the police/CBS file formats and point-in-polygon.

use serde::Serialize;

/// The level of a CBS region code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Land,
    Gemeente,
    Wijk,
    Buurt,
}

impl Level {
    pub fn slug(self) -> &'static str {
        match self {
            Level::Land => "land",
            Level::Gemeente => "gemeente",
            Level::Wijk => "wijk",
            Level::Buurt => "buurt",
        }
    }
}

/// Reads a region code (padded or not): its level and its parent (`BU19612401` → `WK196124`
/// → `GM1961`).
pub fn region_level(code: &str) -> Option<(Level, Option<String>)> {
    let code = code.trim();
    let digits = |s: &str, n: usize| s.len() == n && s.chars().all(|c| c.is_ascii_digit());
    if code == "NL00" || code == "NL01" {
        return Some((Level::Land, None));
    }
    if code.strip_prefix("GM").is_some_and(|r| digits(r, 4)) {
        return Some((Level::Gemeente, None));
    }
    if let Some(rest) = code.strip_prefix("WK").filter(|r| digits(r, 6)) {
        return Some((Level::Wijk, Some(format!("GM{}", &rest[..4]))));
    }
    code.strip_prefix("BU")
        .filter(|r| digits(r, 8))
        .map(|rest| (Level::Buurt, Some(format!("WK{}", &rest[..6]))))
}

/// Whether `code` is the gemeente `gemeente` (`GM1961`) or one of its wijken or buurten.
pub fn in_gemeente(code: &str, gemeente: &str) -> bool {
    let code = code.trim();
    let digits = gemeente.trim_start_matches("GM");
    code == gemeente
        || match region_level(code) {
            Some((Level::Wijk | Level::Buurt, _)) => code[2..].starts_with(digits),
            _ => false,
        }
}

/// A CBS period: a month (`2023MM01`) or a year (`2023JJ00`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i32,
    /// 1–12 for a month, 0 for a whole year.
    pub month: u8,
}

impl Period {
    pub fn parse(code: &str) -> Option<Period> {
        let code = code.trim();
        if code.len() != 8 || !code.is_char_boundary(4) || !code.is_char_boundary(6) {
            return None;
        }
        let year: i32 = code[..4].parse().ok()?;
        let n: u8 = code[6..].parse().ok()?;
        match &code[4..6] {
            "MM" if (1..=12).contains(&n) => Some(Period { year, month: n }),
            "JJ" if n == 0 => Some(Period { year, month: 0 }),
            _ => None,
        }
    }

    pub fn code(self) -> String {
        if self.month == 0 {
            format!("{}JJ00", self.year)
        } else {
            format!("{}MM{:02}", self.year, self.month)
        }
    }

    pub fn is_month(self) -> bool {
        self.month > 0
    }

    /// "jan 2024" style label in Dutch.
    pub fn label(self) -> String {
        const MONTHS: [&str; 12] = [
            "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
        ];
        match MONTHS.get(usize::from(self.month).wrapping_sub(1)) {
            Some(m) => format!("{m} {}", self.year),
            None => self.year.to_string(),
        }
    }
}

/// One cell of a police table: crime type × region × period; `None` is a suppressed cell
/// (never zero).
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub crime_type: String,
    pub region: String,
    pub period: Period,
    pub value: Option<i64>,
}

/// A parsed file, all rows valid.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    pub table: String,
    pub cells: Vec<Cell>,
}

/// One reason a file is refused, with where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImportProblem {
    /// Line (CSV) or row number (JSON, 1-based).
    pub line: usize,
    pub reason: String,
}

/// The records of a CSV file with their line numbers, and a problem for each record that
/// cannot be read (so the file is refused as a whole, with every reason at once).
pub fn readable_records<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
) -> (Vec<(usize, csv::StringRecord)>, Vec<ImportProblem>) {
    let mut records = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => records.push((r.position().map(|p| p.line() as usize).unwrap_or(0), r)),
            Err(e) => problems.push(ImportProblem {
                line: e.position().map(|p| p.line() as usize).unwrap_or(0),
                reason: format!("regel onleesbaar: {e}"),
            }),
        }
    }
    (records, problems)
}

pub const TABLES: [&str; 3] = ["47022NED", "47018NED", "47013NED"];
const VALUE_COLUMN: &str = "GeregistreerdeMisdrijven_1";

fn region_key<'a>(keys: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    keys.into_iter()
        .find(|k| *k == "WijkenEnBuurten" || *k == "RegioS")
}

/// Checks one row's fields and adds a cell or problems.
/// The three keys of a row as read: crime type, region, period.
type RowKeys<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>);

fn check_row(
    line: usize,
    (crime, region, period): RowKeys<'_>,
    value: Result<Option<i64>, String>,
    table: &str,
    cells: &mut Vec<Cell>,
    problems: &mut Vec<ImportProblem>,
) {
    let mut bad = |reason: String| problems.push(ImportProblem { line, reason });
    let crime = match crime.map(str::trim) {
        Some(c) if !c.is_empty() && c.chars().all(|ch| ch.is_ascii_digit() || ch == '.') => c,
        other => {
            return bad(format!(
                "soort misdrijf ontbreekt of is ongeldig: {other:?}"
            ))
        }
    };
    let region = match region.map(str::trim) {
        Some(r) if region_level(r).is_some() => r,
        other => return bad(format!("onbekende regiocode: {other:?}")),
    };
    let Some(period) = period.and_then(Period::parse) else {
        return bad(format!(
            "ongeldige periode: {:?} (verwacht bijv. 2023MM01 of 2023JJ00)",
            period.unwrap_or("")
        ));
    };
    if table == "47018NED" && period.is_month() {
        return bad(format!(
            "47018NED heeft jaarcijfers, maar {} is een maand",
            period.code()
        ));
    }
    match value {
        Ok(value) => cells.push(Cell {
            crime_type: crime.to_string(),
            region: region.to_string(),
            period,
            value,
        }),
        Err(reason) => bad(reason),
    }
}

/// Reads an OData v3 `TypedDataSet` reply (JSON). The table comes from `odata.metadata`.
pub fn parse_odata_json(text: &str) -> Result<Dataset, Vec<ImportProblem>> {
    let fail = |reason: String| vec![ImportProblem { line: 0, reason }];
    let doc: serde_json::Value =
        serde_json::from_str(text).map_err(|e| fail(format!("geen geldige JSON: {e}")))?;
    let table = doc
        .get("odata.metadata")
        .and_then(|v| v.as_str())
        .and_then(|m| TABLES.into_iter().find(|t| m.contains(t)))
        .ok_or_else(|| {
            fail(format!(
                "odata.metadata noemt geen bekende tabel ({})",
                TABLES.join(", ")
            ))
        })?;
    let rows = doc
        .get("value")
        .and_then(|v| v.as_array())
        .ok_or_else(|| fail("geen 'value'-lijst met rijen".into()))?;
    let mut cells = Vec::with_capacity(rows.len());
    let mut problems = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let Some(obj) = row.as_object() else {
            problems.push(ImportProblem {
                line: i + 1,
                reason: "rij is geen object".into(),
            });
            continue;
        };
        let region_col = region_key(obj.keys().map(String::as_str)).unwrap_or("WijkenEnBuurten");
        let value =
            match obj.get(VALUE_COLUMN) {
                Some(serde_json::Value::Null) => Ok(None),
                Some(v) => v.as_i64().filter(|n| *n >= 0).map(Some).ok_or_else(|| {
                    format!("{VALUE_COLUMN} is geen niet-negatief geheel getal: {v}")
                }),
                None => Err(format!("kolom {VALUE_COLUMN} ontbreekt")),
            };
        check_row(
            i + 1,
            (
                obj.get("SoortMisdrijf").and_then(|v| v.as_str()),
                obj.get(region_col).and_then(|v| v.as_str()),
                obj.get("Perioden").and_then(|v| v.as_str()),
            ),
            value,
            table,
            &mut cells,
            &mut problems,
        );
    }
    finish(table, cells, problems)
}

/// Reads the semicolon CSV export ("onbewerkte dataset") of data.politie.nl: a header with the
/// codes (`ID;SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1`), `.` for a
/// suppressed cell. The table cannot be read from the file, so it is given.
pub fn parse_csv(text: &str, table: &str) -> Result<Dataset, Vec<ImportProblem>> {
    let fail = |line: usize, reason: String| vec![ImportProblem { line, reason }];
    let table = TABLES.into_iter().find(|t| *t == table).ok_or_else(|| {
        fail(
            0,
            format!("onbekende tabel {table} (bekend: {})", TABLES.join(", ")),
        )
    })?;
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| fail(1, format!("kopregel onleesbaar: {e}")))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let region_name = region_key(headers.iter().map(str::trim)).unwrap_or("WijkenEnBuurten");
    let (Some(c_crime), Some(c_region), Some(c_period), Some(c_value)) = (
        col("SoortMisdrijf"),
        col(region_name),
        col("Perioden"),
        col(VALUE_COLUMN),
    ) else {
        return Err(fail(
            1,
            format!("kopregel mist een van de kolommen SoortMisdrijf, WijkenEnBuurten/RegioS, Perioden, {VALUE_COLUMN}"),
        ));
    };
    let mut cells = Vec::new();
    let mut problems = Vec::new();
    let (records, unreadable) = readable_records(&mut reader);
    problems.extend(unreadable);
    for (line, record) in records {
        let value = match record.get(c_value).map(str::trim) {
            Some(".") | Some("") => Ok(None),
            Some(v) => v
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .map(Some)
                .ok_or_else(|| format!("aantal is geen niet-negatief geheel getal: {v:?}")),
            None => Err(format!("kolom {VALUE_COLUMN} ontbreekt op deze regel")),
        };
        check_row(
            line,
            (
                record.get(c_crime),
                record.get(c_region),
                record.get(c_period),
            ),
            value,
            table,
            &mut cells,
            &mut problems,
        );
    }
    finish(table, cells, problems)
}

fn finish(
    table: &str,
    cells: Vec<Cell>,
    mut problems: Vec<ImportProblem>,
) -> Result<Dataset, Vec<ImportProblem>> {
    // The same cell twice in one file is ambiguous: refuse rather than pick one.
    let mut seen = std::collections::HashSet::new();
    for (i, c) in cells.iter().enumerate() {
        if !seen.insert((&c.crime_type, &c.region, c.period)) {
            problems.push(ImportProblem {
                line: i + 1,
                reason: format!(
                    "dubbele cel {} {} {}",
                    c.crime_type,
                    c.region,
                    c.period.code()
                ),
            });
        }
    }
    if cells.is_empty() && problems.is_empty() {
        problems.push(ImportProblem {
            line: 0,
            reason: "het bestand bevat geen rijen".into(),
        });
    }
    if problems.is_empty() {
        Ok(Dataset {
            table: table.to_string(),
            cells,
        })
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}

/// A polygon as rings of (lon, lat); the first ring is the outline, the others holes.
pub type Polygon = Vec<Vec<(f64, f64)>>;

/// Reads the polygons of a GeoJSON geometry (Polygon or MultiPolygon).
pub fn geometry_polygons(geometry: &serde_json::Value) -> Vec<Polygon> {
    fn ring(v: &serde_json::Value) -> Vec<(f64, f64)> {
        v.as_array()
            .map(|pts| {
                pts.iter()
                    .filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
                    .collect()
            })
            .unwrap_or_default()
    }
    fn polygon(v: &serde_json::Value) -> Polygon {
        v.as_array()
            .map(|rings| rings.iter().map(ring).collect())
            .unwrap_or_default()
    }
    match (
        geometry.get("type").and_then(|t| t.as_str()),
        geometry.get("coordinates"),
    ) {
        (Some("Polygon"), Some(c)) => vec![polygon(c)],
        (Some("MultiPolygon"), Some(c)) => c
            .as_array()
            .map(|ps| ps.iter().map(polygon).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn in_ring(ring: &[(f64, f64)], lon: f64, lat: f64) -> bool {
    let mut inside = false;
    let mut j = ring.len().wrapping_sub(1);
    for i in 0..ring.len() {
        let (xi, yi) = ring[i];
        let (xj, yj) = ring[j];
        if (yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// Even-odd ray casting: inside the outline and not in a hole.
pub fn contains(polygons: &[Polygon], lon: f64, lat: f64) -> bool {
    polygons.iter().any(|p| match p.split_first() {
        Some((outer, holes)) => {
            in_ring(outer, lon, lat) && !holes.iter().any(|h| in_ring(h, lon, lat))
        }
        None => false,
    })
}

/// What a choropleth shows for one area.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MapCell {
    /// A published count at or above the minimum cell size, with its class (0 = lowest).
    Shown { count: i64, class: usize },
    /// A count below the minimum cell size: hidden, so small numbers cannot point at people.
    Hidden,
    /// Not published by the police (suppressed) or no figure.
    Missing,
}

/// Sequential colours (light to dark) for the classes; colour-blind safe.
pub const CLASS_COLOURS: [&str; 5] = ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"];

/// Classes by equal steps between the smallest and the largest shown count; `min_cell` hides
/// counts from 1 up to it (exclusive). Returns the cells and the lower bound of each class.
pub fn choropleth(values: &[Option<i64>], min_cell: i64) -> (Vec<MapCell>, Vec<i64>) {
    let shown = |v: i64| v == 0 || v >= min_cell;
    let visible: Vec<i64> = values
        .iter()
        .flatten()
        .copied()
        .filter(|v| shown(*v))
        .collect();
    let lo = visible.iter().copied().min().unwrap_or(0);
    let hi = visible.iter().copied().max().unwrap_or(0);
    let n = CLASS_COLOURS.len() as i64;
    let step = ((hi - lo) as f64 / n as f64).max(1.0);
    let bounds: Vec<i64> = (0..n)
        .map(|k| lo + (k as f64 * step).ceil() as i64)
        .collect();
    let cells = values
        .iter()
        .map(|v| match v {
            None => MapCell::Missing,
            Some(v) if !shown(*v) => MapCell::Hidden,
            Some(v) => MapCell::Shown {
                count: *v,
                class: (((v - lo) as f64 / step) as usize).min(CLASS_COLOURS.len() - 1),
            },
        })
        .collect();
    (cells, bounds)
}

/// The IVB themes with the crime types (47022NED codes) counted under each, as first loaded;
/// the mapping is editable afterwards.
pub const DEFAULT_THEMES: [(&str, &str, &[&str]); 4] = [
    (
        "veilige-woonomgeving",
        "Veilige woonomgeving",
        &["1.1.1", "1.1.2", "1.2.1", "1.4.6"],
    ),
    ("ondermijning", "Ondermijning", &["3.1.1", "3.1.3", "1.6.3"]),
    ("jeugd", "Jeugd en veiligheid", &["2.2.1", "1.4.3", "2.1.1"]),
    (
        "digitale-veiligheid",
        "Digitale veiligheid",
        &["3.9.1", "3.9.3", "3.7.4"],
    ),
];

/// The longest theme name accepted.
pub const THEME_NAME_MAX: usize = 80;

/// Codes sort by their numbers (`2.6.10` after `2.6.9`).
pub fn crime_sort_key(code: &str) -> Vec<u32> {
    code.split('.').map(|n| n.parse().unwrap_or(0)).collect()
}

/// The URL name of a theme: lower case, letters and digits, words joined by `-`; accents
/// dropped (`Ondermijning & drugs` → `ondermijning-drugs`). Empty when the name has no letter or
/// digit.
pub fn theme_slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().to_lowercase().chars() {
        let c = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' | 'ĳ' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out: String = out.trim_end_matches('-').chars().take(60).collect();
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// `base`, or `base-2`, `base-3`, … if taken.
pub fn unique_slug(base: &str, taken: &dyn Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|s| !taken(s))
        .unwrap_or_else(|| base.to_string())
}

/// Checks a theme's (new) name against the names of the other themes (`others`, not the theme
/// being renamed): filled in, at most [`THEME_NAME_MAX`] characters, with a letter or digit, and
/// not the name of another theme (ignoring case). Answers the trimmed name; errors are Fluent
/// keys on the field `field`.
pub fn check_theme_name(
    name: &str,
    others: &[&str],
    field: &str,
) -> Result<String, platform::identity::FieldError> {
    let name = name.trim();
    let fail = |key: &str| Err(platform::identity::field_error(field, key));
    if name.is_empty() {
        return fail("error-required");
    }
    if name.chars().count() > THEME_NAME_MAX {
        return fail("monitor-theme-error-name-long");
    }
    if theme_slug(name).is_empty() {
        return fail("monitor-theme-error-name-letters");
    }
    if others
        .iter()
        .any(|o| o.trim().to_lowercase() == name.to_lowercase())
    {
        return fail("monitor-theme-error-name-taken");
    }
    Ok(name.to_string())
}

/// Checks the crime types chosen for a theme against the known codes: trimmed, sorted by code,
/// without doubles; an unknown code refuses the whole choice (Fluent key on `field`).
pub fn check_theme_crimes(
    chosen: &[String],
    known: &dyn Fn(&str) -> bool,
    field: &str,
) -> Result<Vec<String>, platform::identity::FieldError> {
    let mut out: Vec<String> = chosen.iter().map(|c| c.trim().to_string()).collect();
    if out.iter().any(|c| !known(c)) {
        return Err(platform::identity::field_error(
            field,
            "monitor-theme-error-crime",
        ));
    }
    out.sort_by_key(|c| crime_sort_key(c));
    out.dedup();
    Ok(out)
}

/// The status of a period's figures in a police table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodStatus {
    Definitief,
    Voorlopig,
    NaderVoorlopig,
}

impl PeriodStatus {
    pub fn parse(s: &str) -> Option<PeriodStatus> {
        match s.trim().to_lowercase().as_str() {
            "definitief" => Some(PeriodStatus::Definitief),
            "voorlopig" | "*" => Some(PeriodStatus::Voorlopig),
            "nader voorlopig" | "nader-voorlopig" | "**" => Some(PeriodStatus::NaderVoorlopig),
            _ => None,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            PeriodStatus::Definitief => "definitief",
            PeriodStatus::Voorlopig => "voorlopig",
            PeriodStatus::NaderVoorlopig => "nader-voorlopig",
        }
    }

    /// The Dutch words the tables show.
    pub fn label(self) -> &'static str {
        match self {
            PeriodStatus::Definitief => "definitief",
            PeriodStatus::Voorlopig => "voorlopig",
            PeriodStatus::NaderVoorlopig => "nader voorlopig",
        }
    }
}

/// The period statuses of a table, as its metadata export names them.
#[derive(Clone, Debug, PartialEq)]
pub struct PeriodStatuses {
    pub table: String,
    pub periods: Vec<(Period, PeriodStatus)>,
}

/// Whether a file is a metadata export of data.politie.nl (sections `TableInfos`,
/// `DataProperties`, …, `Perioden`), rather than figures.
pub fn is_metadata_export(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with("TableInfos")
}

/// Reads the `Perioden` section of a metadata export (`Key;Title;Description;Status`) and the
/// table's identifier from `TableInfos`. A wrong period or status refuses the file, with lines.
pub fn parse_period_status(text: &str) -> Result<PeriodStatuses, Vec<ImportProblem>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut section = String::new();
    let mut header: Vec<String> = Vec::new();
    let mut table = None;
    let mut periods = Vec::new();
    let mut problems = Vec::new();
    let (records, unreadable) = readable_records(&mut reader);
    problems.extend(unreadable);
    for (line, record) in records {
        let first = record.get(0).unwrap_or("").trim();
        // A section starts with its name alone on a line; its next line is the header.
        if !first.is_empty() && record.iter().skip(1).all(|f| f.trim().is_empty()) {
            section = first.to_string();
            header.clear();
            continue;
        }
        if header.is_empty() {
            header = record.iter().map(|h| h.trim().to_string()).collect();
            continue;
        }
        let col = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .and_then(|i| record.get(i))
                .map(str::trim)
        };
        match section.as_str() {
            "TableInfos" if table.is_none() => {
                table = col("Identifier")
                    .and_then(|id| TABLES.into_iter().find(|t| *t == id))
                    .map(str::to_string);
            }
            "Perioden" => {
                let key = col("Key").unwrap_or("");
                let status = col("Status").unwrap_or("");
                match (Period::parse(key), PeriodStatus::parse(status)) {
                    (Some(p), Some(s)) => periods.push((p, s)),
                    (None, _) => problems.push(ImportProblem {
                        line,
                        reason: format!("ongeldige periode: {key:?}"),
                    }),
                    (_, None) => problems.push(ImportProblem {
                        line,
                        reason: format!(
                            "onbekende status {status:?} (verwacht Definitief, Voorlopig of Nader voorlopig)"
                        ),
                    }),
                }
            }
            _ => {}
        }
    }
    let Some(table) = table else {
        problems.insert(
            0,
            ImportProblem {
                line: 0,
                reason: format!(
                    "TableInfos noemt geen bekende tabel ({})",
                    TABLES.join(", ")
                ),
            },
        );
        return Err(problems);
    };
    if periods.is_empty() && problems.is_empty() {
        problems.push(ImportProblem {
            line: 0,
            reason: "het bestand heeft geen sectie Perioden met een kolom Status".into(),
        });
    }
    if problems.is_empty() {
        Ok(PeriodStatuses { table, periods })
    } else {
        Err(problems)
    }
}

/// One line of a progress bar on the terminal: `[#####-----]  50% 1000/2000 cellen`.
pub fn progress_line(done: usize, total: usize, width: usize) -> String {
    let total = total.max(1);
    let done = done.min(total);
    let filled = done * width / total;
    format!(
        "[{}{}] {:>3}% {done}/{total} cellen",
        "#".repeat(filled),
        "-".repeat(width - filled),
        done * 100 / total
    )
}

/// The false-discovery level for buurt alarms: Benjamini–Hochberg across the buurten tested for
/// one crime type and month.
pub const BUURT_FDR: f64 = 0.05;

/// For each buurt series tested in one month (its Farrington p-value and alarm), the BH q-value
/// and whether the alarm stands after false-discovery control: Farrington's alarm (with its
/// minimum-count rule) and q at most `level`.
pub fn buurt_fdr(tests: &[(f64, bool)], level: f64) -> Vec<(f64, bool)> {
    let p: Vec<f64> = tests.iter().map(|(p, _)| *p).collect();
    surveillance::benjamini_hochberg(&p)
        .into_iter()
        .zip(tests)
        .map(|(q, (_, alarm))| (q, *alarm && q <= level))
        .collect()
}

/// What the current alarms depend on in the database: the police imports (how many, when the
/// newest was made and its id, a UUIDv7). Cheap to read on every request, and changed by an import
/// made by any process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportStamp {
    pub imports: i64,
    pub newest_at: Option<i64>,
    pub newest_id: Option<String>,
}

/// The key of a computed alarm overview: the imports it was computed from and the parameters of
/// the computation (Farrington's one-sided level and the buurt false-discovery level).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverviewKey {
    stamp: ImportStamp,
    alpha_bits: u64,
    fdr_bits: u64,
    settings: u64,
}

impl OverviewKey {
    pub fn new(stamp: ImportStamp, alpha: f64, fdr_level: f64) -> OverviewKey {
        OverviewKey {
            stamp,
            alpha_bits: alpha.to_bits(),
            fdr_bits: fdr_level.to_bits(),
            settings: 0,
        }
    }

    /// The key for alarms computed with the settings of this fingerprint.
    pub fn with_settings(self, fingerprint: u64) -> OverviewKey {
        OverviewKey {
            settings: fingerprint,
            ..self
        }
    }
}

/// One computed value with the key it was computed for: it is handed out only for that same key,
/// so a new import (a new key) never gets the old value.
#[derive(Debug)]
pub struct KeyedCache<T> {
    slot: Option<(OverviewKey, T)>,
}

impl<T: Clone> KeyedCache<T> {
    pub const fn new() -> KeyedCache<T> {
        KeyedCache { slot: None }
    }

    /// The value computed for `key`, if that is the one kept.
    pub fn get(&self, key: &OverviewKey) -> Option<T> {
        match &self.slot {
            Some((k, v)) if k == key => Some(v.clone()),
            _ => None,
        }
    }

    /// Keeps `value` for `key` in place of whatever was kept.
    pub fn put(&mut self, key: OverviewKey, value: T) {
        self.slot = Some((key, value));
    }

    pub fn clear(&mut self) {
        self.slot = None;
    }
}

impl<T: Clone> Default for KeyedCache<T> {
    fn default() -> Self {
        KeyedCache::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(imports: i64, newest_at: Option<i64>, newest_id: Option<&str>) -> ImportStamp {
        ImportStamp {
            imports,
            newest_at,
            newest_id: newest_id.map(str::to_string),
        }
    }

    #[test]
    fn the_overview_key_changes_with_every_import_and_parameter() {
        let one = stamp(1, Some(1_000), Some("0190a"));
        let key = OverviewKey::new(one.clone(), 0.05, BUURT_FDR);
        assert_eq!(key, OverviewKey::new(one.clone(), 0.05, BUURT_FDR));
        // A second import, even in the same millisecond and by another process.
        assert_ne!(
            key,
            OverviewKey::new(stamp(2, Some(1_000), Some("0190b")), 0.05, BUURT_FDR)
        );
        // An import with a newer time or id alone.
        assert_ne!(
            key,
            OverviewKey::new(stamp(1, Some(2_000), Some("0190a")), 0.05, BUURT_FDR)
        );
        assert_ne!(
            key,
            OverviewKey::new(stamp(1, Some(1_000), Some("0190c")), 0.05, BUURT_FDR)
        );
        // No imports at all.
        assert_ne!(key, OverviewKey::new(stamp(0, None, None), 0.05, BUURT_FDR));
        // Other parameters.
        assert_ne!(key, OverviewKey::new(one.clone(), 0.01, BUURT_FDR));
        assert_ne!(key, OverviewKey::new(one, 0.05, 0.1));
    }

    #[test]
    fn the_cache_hands_out_a_value_only_for_its_own_key() {
        let old = OverviewKey::new(stamp(1, Some(1_000), Some("0190a")), 0.05, BUURT_FDR);
        let new = OverviewKey::new(stamp(2, Some(2_000), Some("0190b")), 0.05, BUURT_FDR);
        let mut cache: KeyedCache<&str> = KeyedCache::new();
        assert_eq!(cache.get(&old), None, "empty at first");
        cache.put(old.clone(), "before the import");
        assert_eq!(cache.get(&old), Some("before the import"));
        assert_eq!(
            cache.get(&new),
            None,
            "a new import is never served the old value"
        );
        cache.put(new.clone(), "after the import");
        assert_eq!(cache.get(&new), Some("after the import"));
        assert_eq!(cache.get(&old), None, "one value is kept, the newest");
        cache.clear();
        assert_eq!(cache.get(&new), None);
    }

    #[test]
    fn region_codes_know_their_parents() {
        assert_eq!(
            region_level("BU19612401"),
            Some((Level::Buurt, Some("WK196124".into())))
        );
        assert_eq!(
            region_level("WK196124  "),
            Some((Level::Wijk, Some("GM1961".into())))
        );
        assert_eq!(region_level("GM1961    "), Some((Level::Gemeente, None)));
        assert_eq!(region_level("NL00      "), Some((Level::Land, None)));
        assert_eq!(region_level("XX12"), None);
        assert_eq!(region_level("BU1961240"), None);
    }

    #[test]
    fn periods_parse_and_print() {
        assert_eq!(
            Period::parse("2023MM01"),
            Some(Period {
                year: 2023,
                month: 1
            })
        );
        assert_eq!(
            Period::parse("2023JJ00"),
            Some(Period {
                year: 2023,
                month: 0
            })
        );
        assert_eq!(Period::parse("2023MM13"), None);
        assert_eq!(Period::parse("2023KW01"), None);
        assert_eq!(Period::parse("2023MM1é"), None);
        assert_eq!(
            Period {
                year: 2024,
                month: 2
            }
            .code(),
            "2024MM02"
        );
        assert_eq!(
            Period {
                year: 2024,
                month: 2
            }
            .label(),
            "feb 2024"
        );
    }

    #[test]
    fn the_real_national_file_parses_with_padded_keys() {
        let ds = parse_odata_json(include_str!(
            "../data/politie_47022NED_NL00_typeddataset_reshaped_2019-2021.json"
        ))
        .unwrap();
        assert_eq!(ds.table, "47022NED");
        assert_eq!(ds.cells.len(), 72);
        let first = &ds.cells[0];
        assert_eq!(
            (
                first.crime_type.as_str(),
                first.region.as_str(),
                first.period.code().as_str(),
                first.value
            ),
            ("0.0.0", "NL00", "2019MM01", Some(67097))
        );
    }

    #[test]
    fn json_problems_are_all_reported_with_row_numbers() {
        let text = r#"{"odata.metadata": "https://x/47022NED/$metadata", "value": [
            {"SoortMisdrijf": "1.1.1 ", "WijkenEnBuurten": "BU19610101", "Perioden": "2024MM01", "GeregistreerdeMisdrijven_1": null},
            {"SoortMisdrijf": "1.1.1 ", "WijkenEnBuurten": "XX", "Perioden": "2024MM01", "GeregistreerdeMisdrijven_1": 1},
            {"SoortMisdrijf": "1.1.1 ", "WijkenEnBuurten": "BU19610101", "Perioden": "2024MM99", "GeregistreerdeMisdrijven_1": 1},
            {"SoortMisdrijf": "1.1.1 ", "WijkenEnBuurten": "BU19610101", "Perioden": "2024MM02", "GeregistreerdeMisdrijven_1": -3}
        ]}"#;
        let problems = parse_odata_json(text).unwrap_err();
        assert_eq!(
            problems.iter().map(|p| p.line).collect::<Vec<_>>(),
            vec![2, 3, 4]
        );
        assert!(parse_odata_json("{").is_err());
        assert!(
            parse_odata_json(r#"{"odata.metadata": "https://x/99999NED", "value": []}"#).is_err()
        );
    }

    #[test]
    fn csv_suppressed_cells_stay_missing_and_errors_name_lines() {
        let good = "\u{feff}\"ID\";\"SoortMisdrijf\";\"WijkenEnBuurten\";\"Perioden\";\"GeregistreerdeMisdrijven_1\"\n\
                    \"0\";\"1.1.1 \";\"BU19610101\";\"2024MM01\";\"      3\"\n\
                    \"1\";\"1.1.1 \";\"BU19610101\";\"2024MM02\";\".\"\n";
        let ds = parse_csv(good, "47022NED").unwrap();
        assert_eq!(
            ds.cells.iter().map(|c| c.value).collect::<Vec<_>>(),
            vec![Some(3), None]
        );
        let bad = "ID;SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n0;1.1.1;BU19610101;2024MM01;x\n1;1.1.1;BU19610101;2024MM01;2\n2;1.1.1;BU19610101;2024MM01;2\n";
        let problems = parse_csv(bad, "47022NED").unwrap_err();
        assert_eq!(problems[0].line, 2);
        assert!(problems.iter().any(|p| p.reason.contains("dubbele cel")));
        assert!(parse_csv("a;b\n1;2\n", "47022NED").unwrap_err()[0]
            .reason
            .contains("kopregel"));
        let yearly_month = "SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n1.1.1;GM1961;2024MM01;5\n";
        assert!(parse_csv(yearly_month, "47018NED").is_err());
    }

    #[test]
    fn point_in_polygon_with_hole() {
        let square = vec![
            vec![
                (0.0, 0.0),
                (10.0, 0.0),
                (10.0, 10.0),
                (0.0, 10.0),
                (0.0, 0.0),
            ],
            vec![(4.0, 4.0), (6.0, 4.0), (6.0, 6.0), (4.0, 6.0), (4.0, 4.0)],
        ];
        assert!(contains(std::slice::from_ref(&square), 1.0, 1.0));
        assert!(!contains(std::slice::from_ref(&square), 5.0, 5.0));
        assert!(!contains(&[square], 11.0, 1.0));
    }

    #[test]
    fn a_choropleth_hides_small_counts_and_classes_the_rest() {
        let (cells, bounds) = choropleth(&[Some(0), Some(2), Some(10), Some(50), None], 5);
        assert_eq!(cells[0], MapCell::Shown { count: 0, class: 0 });
        assert_eq!(
            cells[1],
            MapCell::Hidden,
            "2 is below the minimum cell size 5"
        );
        assert_eq!(
            cells[2],
            MapCell::Shown {
                count: 10,
                class: 1
            }
        );
        assert_eq!(
            cells[3],
            MapCell::Shown {
                count: 50,
                class: 4
            }
        );
        assert_eq!(cells[4], MapCell::Missing);
        assert_eq!(bounds, vec![0, 10, 20, 30, 40]);
        let (cells, _) = choropleth(&[Some(2)], 0);
        assert_eq!(
            cells[0],
            MapCell::Shown { count: 2, class: 0 },
            "0 shows everything"
        );
    }

    #[test]
    fn period_statuses_are_read_from_the_real_metadata_export() {
        let text = include_str!("../data/politie_47013NED_metadata_export_2025-12.csv");
        assert!(is_metadata_export(text));
        let s = parse_period_status(text).unwrap();
        assert_eq!(s.table, "47013NED");
        assert!(s.periods.len() > 150);
        assert!(s
            .periods
            .iter()
            .any(|(p, st)| p.code() == "2025MM11" && *st == PeriodStatus::Definitief));
        let small = "TableInfos;;;\nID;Title;Identifier;Summary\n0;T;47013NED;x\nPerioden;;;\nKey;Title;Description;Status\n2025MM10;2025 oktober;;Voorlopig\n2025MM11;2025 november;;Nader voorlopig\n2025MM12;2025 december;;Onbekend\n";
        let e = parse_period_status(small).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, 8);
        let ok = small.replace("2025MM12;2025 december;;Onbekend\n", "");
        let s = parse_period_status(&ok).unwrap();
        assert_eq!(
            s.periods
                .iter()
                .map(|(_, st)| st.label())
                .collect::<Vec<_>>(),
            vec!["voorlopig", "nader voorlopig"]
        );
        assert!(parse_period_status("TableInfos;;\nID;Identifier\n0;99999NED\n").is_err());
        assert!(!is_metadata_export("ID;SoortMisdrijf\n"));
    }

    #[test]
    fn the_progress_line_fills_up() {
        assert_eq!(progress_line(0, 200, 10), "[----------]   0% 0/200 cellen");
        assert_eq!(
            progress_line(100, 200, 10),
            "[#####-----]  50% 100/200 cellen"
        );
        assert_eq!(
            progress_line(300, 200, 10),
            "[##########] 100% 200/200 cellen"
        );
        assert_eq!(progress_line(0, 0, 4), "[----]   0% 0/1 cellen");
    }

    #[test]
    fn buurt_alarms_need_to_survive_benjamini_hochberg() {
        // 88 buurten: one clear outlier and one borderline alarm (p = 0.01) among flat ones.
        let mut tests = vec![(0.6, false); 86];
        tests.push((0.000_01, true));
        tests.push((0.01, true));
        let out = buurt_fdr(&tests, BUURT_FDR);
        assert!(out[86].1, "the outlier stays an alarm");
        assert!(!out[87].1, "p = 0.01 among 88 tests is not a discovery");
        assert!((out[86].0 - 0.000_88).abs() < 1e-9);
        // A small q without Farrington's alarm (minimum-count rule) is no alarm.
        assert_eq!(
            buurt_fdr(&[(0.001, false)], BUURT_FDR),
            vec![(0.001, false)]
        );
    }

    #[test]
    fn theme_names_are_checked_and_become_slugs() {
        assert_eq!(theme_slug("Ondermijning & drugs"), "ondermijning-drugs");
        assert_eq!(theme_slug("  Veiligheid café's  "), "veiligheid-cafe-s");
        assert_eq!(theme_slug("!!!"), "");
        assert_eq!(
            theme_slug(&"a ".repeat(50)).len(),
            59,
            "at most 60, no dash at the end"
        );
        let taken = |s: &str| s == "jeugd" || s == "jeugd-2";
        assert_eq!(unique_slug("jeugd", &taken), "jeugd-3");
        assert_eq!(unique_slug("zorg", &taken), "zorg");
        let others = ["Jeugd en veiligheid", "Ondermijning"];
        assert_eq!(
            check_theme_name("  Zorg en veiligheid ", &others, "naam").unwrap(),
            "Zorg en veiligheid"
        );
        let key = |name: &str| check_theme_name(name, &others, "naam").unwrap_err().message;
        assert_eq!(key("  "), "error-required");
        assert_eq!(key(&"x".repeat(81)), "monitor-theme-error-name-long");
        assert_eq!(key("– –"), "monitor-theme-error-name-letters");
        assert_eq!(key("ondermijning"), "monitor-theme-error-name-taken");
        assert_eq!(check_theme_name("Zorg", &[], "name").unwrap(), "Zorg");
        assert_eq!(check_theme_name("", &[], "name").unwrap_err().field, "name");
    }

    #[test]
    fn theme_crime_choices_are_checked_sorted_and_deduplicated() {
        let known = |c: &str| ["1.1.1", "2.6.9", "2.6.10"].contains(&c);
        let chosen: Vec<String> = ["2.6.10", " 1.1.1", "2.6.9", "1.1.1"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            check_theme_crimes(&chosen, &known, "soort").unwrap(),
            vec!["1.1.1", "2.6.9", "2.6.10"]
        );
        let e = check_theme_crimes(&["9.9.9".to_string()], &known, "crime_types").unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("crime_types", "monitor-theme-error-crime")
        );
        assert!(check_theme_crimes(&[], &known, "soort").unwrap().is_empty());
    }
}
