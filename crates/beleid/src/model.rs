//! Pure types and rules of the policy module: the parser of the IVB text, plan statuses, money,
//! indicator charts. No I/O.

use serde::{Deserialize, Serialize};

/// The Vijfheerenlanden IVB 2023–2026 as published (CVDR698927), copied into the crate.
pub const SEED_TEXT: &str = include_str!("../seed/IVB-2023-2026-Vijfheerenlanden.txt");

/// A parsed policy document.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedPolicy {
    pub title: String,
    pub period_start: i64,
    pub period_end: i64,
    pub source_url: String,
    /// The foreword, in the text markup of [`blocks`].
    pub foreword: String,
    /// Chapter 1 (introduction, legal basis, …), in the text markup of [`blocks`].
    pub context: String,
    pub themes: Vec<ParsedTheme>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ParsedTheme {
    /// "2", "3", …, "8.1".
    pub number: String,
    pub title: String,
    /// The introductory text with its sub-parts, in the text markup of [`blocks`].
    pub intro: String,
    pub goals: Vec<String>,
    pub actions: Vec<String>,
}

/// A heading line: "2. Ondermijning", "3.2.1 TOPX" → ("3.2.1", "TOPX").
pub fn heading(line: &str) -> Option<(String, String)> {
    let line = line.trim();
    let end = line
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(line.len());
    let number = line[..end].trim_end_matches('.');
    let rest = line[end..].trim();
    if number.is_empty()
        || !number.chars().next().is_some_and(|c| c.is_ascii_digit())
        || rest.is_empty()
        || !line[end..].starts_with(' ')
        || line.len() > 120
    {
        return None;
    }
    Some((number.to_string(), rest.to_string()))
}

fn is_bullet_marker(line: &str) -> bool {
    let l = line.trim();
    l.starts_with("- ") && l.chars().count() <= 5
}

fn is_goals_marker(line: &str) -> bool {
    let l = line.trim().trim_end_matches(':').to_lowercase();
    l == "dit willen we bereiken door" || l == "dat willen we bereiken door"
}

fn is_actions_marker(line: &str) -> bool {
    line.trim().trim_end_matches(':') == "Concrete afspraken en acties"
}

/// One logical unit of the text: a paragraph, a heading, or a bullet list.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Unit {
    Para(String),
    Heading(String, String),
    List(Vec<String>),
}

/// Splits the lines into units; a bullet marker line ("- •", "- ➢", "- 1.") introduces the item on
/// the next line. An item that ends mid-sentence (no closing punctuation) and is followed by an
/// item starting in lower case is one item broken in two by the publication, and is joined.
fn units(lines: &[&str]) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = clean(lines[i]);
        if line.is_empty() {
            i += 1;
            continue;
        }
        if is_bullet_marker(&line) {
            let item = lines.get(i + 1).map(|l| clean(l)).unwrap_or_default();
            i += 2;
            if let Some(Unit::List(items)) = out.last_mut() {
                let join = items.last().is_some_and(|prev| {
                    !prev.ends_with(['.', ';', ':', '!', '?'])
                        && item.chars().next().is_some_and(char::is_lowercase)
                });
                if join {
                    if let Some(prev) = items.last_mut() {
                        prev.push(' ');
                        prev.push_str(&item);
                    }
                } else {
                    items.push(item);
                }
            } else {
                out.push(Unit::List(vec![item]));
            }
            continue;
        }
        match heading(&line) {
            Some((n, t)) => out.push(Unit::Heading(n, t)),
            None => out.push(Unit::Para(line)),
        }
        i += 1;
    }
    out
}

/// Trims and drops the table-border artefact (" |") the publication leaves at some line ends.
fn clean(line: &str) -> String {
    line.trim().trim_end_matches('|').trim().to_string()
}

/// The text markup stored for intro and context: blocks separated by a blank line; a block of
/// lines starting with "- " is a list; "## 3.1 Title" is a heading of a sub-part.
fn markup_of(units: &[Unit]) -> String {
    units
        .iter()
        .map(|u| match u {
            Unit::Para(p) => p.clone(),
            Unit::Heading(n, t) => format!("## {n} {t}"),
            Unit::List(items) => items
                .iter()
                .map(|i| format!("- {i}"))
                .collect::<Vec<_>>()
                .join("\n"),
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// A block of stored text markup, for rendering.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Block {
    Para(String),
    Heading(String),
    List(Vec<String>),
}

/// Parses the stored markup into blocks.
pub fn blocks(markup: &str) -> Vec<Block> {
    markup
        .replace("\r\n", "\n")
        .split("\n\n")
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(|b| {
            if let Some(h) = b.strip_prefix("## ") {
                Block::Heading(h.to_string())
            } else if b.lines().all(|l| l.starts_with("- ")) {
                Block::List(b.lines().map(|l| l[2..].trim().to_string()).collect())
            } else {
                Block::Para(b.lines().collect::<Vec<_>>().join(" "))
            }
        })
        .collect()
}

/// Parses the IVB text as published on lokaleregelgeving.overheid.nl.
pub fn parse_policy(text: &str) -> Result<ParsedPolicy, String> {
    let lines: Vec<&str> = text.lines().collect();
    let source_url = lines
        .iter()
        .find(|l| l.starts_with("http://lokaleregelgeving") || l.starts_with("https://"))
        .map(|l| l.trim().to_string())
        .unwrap_or_default();
    let title = lines
        .iter()
        .find(|l| l.starts_with("Integraal Veiligheidsbeleid "))
        .map(|l| l.trim().to_string())
        .ok_or("no title line")?;
    let (period_start, period_end) = title
        .rsplit(' ')
        .next()
        .and_then(|p| p.split_once('-'))
        .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
        .ok_or("no period in the title")?;
    let foreword_at = lines
        .iter()
        .position(|l| l.trim_end().ends_with("Voorwoord"))
        .ok_or("no foreword")?;
    let end_at = lines
        .iter()
        .position(|l| l.trim() == "Ondertekening")
        .unwrap_or(lines.len());
    let body = units(&lines[foreword_at + 1..end_at]);

    let mut foreword = Vec::new();
    let mut context = Vec::new();
    let mut themes: Vec<ParsedTheme> = Vec::new();
    let mut theme_units: Vec<Unit> = Vec::new();
    // 0 = foreword, 1 = chapter 1, 2 = in a theme, 3 = chapter 8 (grouping heading only).
    let mut part = 0;
    enum Collect {
        Intro,
        Goals,
        Actions,
    }
    let mut collect = Collect::Intro;
    let flush = |themes: &mut Vec<ParsedTheme>, units: &mut Vec<Unit>| {
        if let (Some(t), false) = (themes.last_mut(), units.is_empty()) {
            t.intro = markup_of(units);
        }
        units.clear();
    };
    for u in body {
        if let Unit::Heading(n, t) = &u {
            let depth = n.matches('.').count();
            let top = n.split('.').next().unwrap_or("");
            let starts_theme = match top {
                "1" => false,
                // Chapter 8 groups the other themes; its sections are themes of their own.
                "8" => depth == 1,
                _ => depth == 0,
            };
            if top == "1" && depth == 0 {
                part = 1;
                context.push(u.clone());
                continue;
            }
            if top == "8" && depth == 0 {
                flush(&mut themes, &mut theme_units);
                part = 3;
                continue;
            }
            if starts_theme {
                flush(&mut themes, &mut theme_units);
                themes.push(ParsedTheme {
                    number: n.clone(),
                    title: t.clone(),
                    intro: String::new(),
                    goals: Vec::new(),
                    actions: Vec::new(),
                });
                part = 2;
                collect = Collect::Intro;
                continue;
            }
        }
        match part {
            0 => foreword.push(u),
            1 => context.push(u),
            3 => {}
            _ => {
                if let Unit::Para(p) = &u {
                    if is_goals_marker(p) {
                        collect = Collect::Goals;
                        continue;
                    }
                    if is_actions_marker(p) {
                        collect = Collect::Actions;
                        continue;
                    }
                }
                let Some(theme) = themes.last_mut() else {
                    continue;
                };
                match (&collect, u) {
                    (Collect::Goals, Unit::List(items)) => {
                        theme.goals.extend(items);
                    }
                    (Collect::Actions, Unit::List(items)) => {
                        theme.actions.extend(items);
                        collect = Collect::Intro;
                    }
                    // A goal stated as a paragraph instead of a list (Zorg & Veiligheid).
                    (Collect::Goals, Unit::Para(p)) if theme.goals.is_empty() => {
                        theme.goals.push(p);
                        collect = Collect::Intro;
                    }
                    (_, other) => {
                        collect = Collect::Intro;
                        theme_units.push(other);
                    }
                }
            }
        }
    }
    flush(&mut themes, &mut theme_units);
    if themes.is_empty() {
        return Err("no themes".into());
    }
    Ok(ParsedPolicy {
        title,
        period_start,
        period_end,
        source_url,
        foreword: markup_of(&foreword),
        context: markup_of(&context),
        themes,
    })
}

// ---------------------------------------------------------------------------------------------
// Plans.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Gepland,
    Lopend,
    Gereed,
    Vervallen,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Gepland,
        Status::Lopend,
        Status::Gereed,
        Status::Vervallen,
    ];
    pub fn slug(self) -> &'static str {
        match self {
            Status::Gepland => "gepland",
            Status::Lopend => "lopend",
            Status::Gereed => "gereed",
            Status::Vervallen => "vervallen",
        }
    }
    pub fn from_slug(s: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|x| x.slug().eq_ignore_ascii_case(s.trim()))
    }
    pub fn label(self) -> &'static str {
        match self {
            Status::Gepland => "Gepland",
            Status::Lopend => "Lopend",
            Status::Gereed => "Gereed",
            Status::Vervallen => "Vervallen",
        }
    }
}

/// The plan of one action in one year, as entered (validated by [`validate_plan`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct PlanInput {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub team: String,
    #[serde(default)]
    pub partners: String,
    #[serde(default)]
    pub planned_from: String,
    #[serde(default)]
    pub planned_until: String,
    #[serde(default)]
    pub reason: String,
}

/// (field, message id) of each problem.
pub type Problems = Vec<(&'static str, &'static str)>;

/// A month "YYYY-MM" within the year, or empty.
fn valid_month(v: &str, year: i64) -> bool {
    let v = v.trim();
    if v.is_empty() {
        return true;
    }
    let Some((y, m)) = v.split_once('-') else {
        return false;
    };
    y.len() == 4
        && m.len() == 2
        && y.parse::<i64>().is_ok_and(|y| y == year)
        && m.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
}

pub fn validate_plan(p: &PlanInput, year: i64) -> Problems {
    let mut e = Vec::new();
    let status = Status::from_slug(&p.status);
    if status.is_none() {
        e.push(("status", "beleid-error-status"));
    }
    if status == Some(Status::Vervallen) && p.reason.trim().is_empty() {
        e.push(("reason", "beleid-error-reason"));
    }
    if !valid_month(&p.planned_from, year) {
        e.push(("planned_from", "beleid-error-month"));
    }
    if !valid_month(&p.planned_until, year) {
        e.push(("planned_until", "beleid-error-month"));
    }
    if e.is_empty()
        && !p.planned_from.trim().is_empty()
        && !p.planned_until.trim().is_empty()
        && p.planned_from.trim() > p.planned_until.trim()
    {
        e.push(("planned_until", "beleid-error-order"));
    }
    if p.team.chars().count() > 200 {
        e.push(("team", "beleid-error-long"));
    }
    if p.partners.chars().count() > 1000 {
        e.push(("partners", "beleid-error-long"));
    }
    e
}

// ---------------------------------------------------------------------------------------------
// Numbers and money.

/// Parses an amount in euros ("1.234,56", "1234.56", "€ 1 234") into cents.
pub fn parse_euros(v: &str) -> Option<i64> {
    let s: String = v
        .trim()
        .trim_start_matches('€')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if s.is_empty() {
        return Some(0);
    }
    let neg = s.starts_with('-');
    let s = s.trim_start_matches('-');
    // The last ',' or '.' followed by one or two digits is the decimal separator.
    let (int, frac) = match s.rfind([',', '.']) {
        Some(i) if s.len() - i - 1 <= 2 && s.len() - i > 1 => (&s[..i], &s[i + 1..]),
        _ => (s, ""),
    };
    let int: String = int.chars().filter(|c| *c != '.' && *c != ',').collect();
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let euros: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let cents: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    let total = euros.checked_mul(100)?.checked_add(cents)?;
    Some(if neg { -total } else { total })
}

/// Dutch notation: "1.234,56".
pub fn format_euros(cents: i64) -> String {
    let neg = cents < 0;
    let c = cents.unsigned_abs();
    let euros = (c / 100).to_string();
    let grouped = euros
        .as_bytes()
        .rchunks(3)
        .rev()
        .map(|g| String::from_utf8_lossy(g).into_owned())
        .collect::<Vec<_>>()
        .join(".");
    format!("{}{},{:02}", if neg { "-" } else { "" }, grouped, c % 100)
}

/// A value that is not a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotANumber;

/// Parses a number with a decimal comma or point; empty is None.
pub fn parse_number(v: &str) -> Result<Option<f64>, NotANumber> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let v = v.replace(',', ".");
    v.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .map(Some)
        .ok_or(NotANumber)
}

/// Dutch notation without needless decimals: 12, 12,5.
pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.2}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .replace('.', ",")
    }
}

// ---------------------------------------------------------------------------------------------
// Charts.

/// One bar pair of an indicator chart.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartBar {
    pub label: String,
    pub target: Option<f64>,
    pub actual: Option<f64>,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A horizontal bar chart (target and actual per indicator) as inline SVG. It is decorative next
/// to its table (`aria-hidden`), which carries the same numbers.
pub fn bar_chart_svg(bars: &[ChartBar]) -> String {
    let max = bars
        .iter()
        .flat_map(|b| [b.target, b.actual])
        .flatten()
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let row = 44.0;
    let width = 560.0;
    let left = 200.0;
    let span = width - left - 60.0;
    let height = row * bars.len() as f64 + 30.0;
    let mut s = format!(
        "<svg class=\"baken-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"100%\" aria-hidden=\"true\" focusable=\"false\">"
    );
    for (i, b) in bars.iter().enumerate() {
        let y = 10.0 + i as f64 * row;
        let label: String = b.label.chars().take(28).collect();
        s.push_str(&format!(
            "<text x=\"0\" y=\"{:.1}\" font-size=\"13\" fill=\"#001a40\">{}</text>",
            y + 17.0,
            esc(&label)
        ));
        for (j, (v, fill)) in [(b.target, "#c0c7d2"), (b.actual, "#3b0fb0")]
            .into_iter()
            .enumerate()
        {
            if let Some(v) = v {
                let w = (v.max(0.0) / max * span).max(1.0);
                let by = y + j as f64 * 15.0;
                s.push_str(&format!(
                    "<rect x=\"{left}\" y=\"{by:.1}\" width=\"{w:.1}\" height=\"12\" fill=\"{fill}\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"#001a40\">{}</text>",
                    left + w + 4.0,
                    by + 11.0,
                    esc(&format_number(v))
                ));
            }
        }
    }
    let ly = height - 10.0;
    s.push_str(&format!(
        "<rect x=\"{left}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"#c0c7d2\"/><text x=\"{:.1}\" y=\"{ly:.1}\" font-size=\"12\" fill=\"#001a40\">streefwaarde</text><rect x=\"{:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"#3b0fb0\"/><text x=\"{:.1}\" y=\"{ly:.1}\" font-size=\"12\" fill=\"#001a40\">werkelijk</text></svg>",
        ly - 10.0,
        left + 16.0,
        left + 110.0,
        ly - 10.0,
        left + 126.0,
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> ParsedPolicy {
        parse_policy(SEED_TEXT).unwrap_or_else(|e| unreachable!("seed parses: {e}"))
    }

    #[test]
    fn the_seed_has_the_themes_in_order() {
        let p = seed();
        assert_eq!(p.title, "Integraal Veiligheidsbeleid 2023-2026");
        assert_eq!((p.period_start, p.period_end), (2023, 2026));
        let numbers: Vec<&str> = p.themes.iter().map(|t| t.number.as_str()).collect();
        assert_eq!(numbers, ["2", "3", "4", "5", "6", "7", "8.1", "8.2", "8.3"]);
        assert_eq!(p.themes[1].title, "Zorg & Veiligheid");
        assert_eq!(p.themes[8].title, "Veilige wijken");
        // Sub-parts are kept in the theme's text.
        let zv = &p.themes[1].intro;
        for part in [
            "## 3.1 Lokale persoonsgerichte aanpak (PGA)",
            "## 3.2 Het Zorg- en Veiligheidshuis regio Utrecht",
            "## 3.2.1 TOPX",
            "## 3.2.5 Advies- en consultatiefunctie",
        ] {
            assert!(zv.contains(part), "{part}");
        }
        assert!(p.themes[2].intro.contains("## 4.1 Jonge Aanwas"));
        for t in &p.themes {
            assert!(!t.intro.is_empty(), "{} has its introduction", t.number);
        }
        assert!(p.themes[5].intro.starts_with("Crisisbeheersing is"));
        assert!(p
            .foreword
            .starts_with("Voor u ligt het Integraal Veiligheidsbeleid"));
        assert!(p.context.contains("Art. 38b van de Politiewet"));
        assert!(p.context.contains("tweewekelijkse veiligheidsmonitor"));
        assert!(p
            .context
            .contains("## 1.2.3 Driehoek burgemeester, politie en OM"));
        assert!(p.context.contains("jaarlijkse enquête"));
        assert!(!p.context.contains("Ondermijning is de vermenging"));
    }

    /// Every bullet under "Dit willen we bereiken door" and "Concrete afspraken en acties" in
    /// the seed, found by a plain scan independent of the parser, is in the right theme once.
    #[test]
    fn every_goal_and_action_is_under_its_theme_exactly_once() {
        let p = seed();
        let lines: Vec<&str> = SEED_TEXT.lines().collect();
        let mut theme = String::new();
        let mut mode = "";
        let mut expected: Vec<(String, &str, String)> = Vec::new();
        let mut i = 0;
        while i < lines.len() {
            let l = lines[i].trim();
            if let Some((n, _)) = heading(l) {
                if n.starts_with("8.") || (!n.contains('.') && n != "8") {
                    theme = n;
                }
                mode = "";
            } else if is_goals_marker(l) {
                mode = "goal";
            } else if is_actions_marker(l) {
                mode = "action";
            } else if is_bullet_marker(l) && !mode.is_empty() {
                let text = clean(lines[i + 1]);
                expected.push((theme.clone(), mode, text));
                i += 2;
                continue;
            } else if !l.is_empty() && mode == "goal" && theme == "3" {
                // Zorg & Veiligheid states its aim as one paragraph.
                expected.push((theme.clone(), mode, l.to_string()));
                mode = "";
            } else if !l.is_empty() {
                mode = "";
            }
            i += 1;
        }
        assert!(expected.len() > 60, "{}", expected.len());
        for (number, kind, text) in &expected {
            let t = p
                .themes
                .iter()
                .find(|t| &t.number == number)
                .unwrap_or_else(|| unreachable!("theme {number}"));
            let list = if *kind == "goal" {
                &t.goals
            } else {
                &t.actions
            };
            // A bullet broken in two by the publication is one item: both halves are in it.
            let hits = list.iter().filter(|x| x.contains(text.as_str())).count();
            assert_eq!(hits, 1, "{kind} in {number}: {text}");
            for other in p.themes.iter().filter(|o| &o.number != number) {
                let all = other.goals.iter().chain(other.actions.iter());
                assert!(
                    all.clone().all(|x| !x.contains(text.as_str())),
                    "{text} also in {}",
                    other.number
                );
            }
        }
        // And nothing else: every parsed item is made of expected bullets.
        let total: usize = p
            .themes
            .iter()
            .map(|t| t.goals.len() + t.actions.len())
            .sum();
        assert_eq!(total, expected.len() - 1, "one broken bullet is joined");
        let veilig_uitgaan = &p.themes[6];
        assert!(veilig_uitgaan.actions.iter().any(|a| a
            .starts_with("Geluidsoverlast toetsen we in samenwerking met de Omgevingsdienst Utrecht. Bij overtreden van wettelijke normen")));
        assert_eq!(p.themes[0].goals.len(), 6);
        assert_eq!(p.themes[0].actions.len(), 6);
        assert_eq!(p.themes[1].actions.len(), 8);
        assert_eq!(p.themes[8].actions.len(), 6);
    }

    #[test]
    fn markup_round_trips_into_blocks() {
        let b = blocks("Een alinea\nover twee regels.\n\n## 3.1 Kop\n\n- een\n- twee");
        assert_eq!(
            b,
            vec![
                Block::Para("Een alinea over twee regels.".into()),
                Block::Heading("3.1 Kop".into()),
                Block::List(vec!["een".into(), "twee".into()])
            ]
        );
    }

    #[test]
    fn plans_are_validated() {
        let ok = PlanInput {
            status: "lopend".into(),
            planned_from: "2026-01".into(),
            planned_until: "2026-06".into(),
            ..Default::default()
        };
        assert!(validate_plan(&ok, 2026).is_empty());
        let bad = PlanInput {
            status: "vervallen".into(),
            planned_from: "2025-01".into(),
            planned_until: "2026-13".into(),
            ..Default::default()
        };
        let fields: Vec<&str> = validate_plan(&bad, 2026).iter().map(|e| e.0).collect();
        assert_eq!(fields, ["reason", "planned_from", "planned_until"]);
        let order = PlanInput {
            status: "gepland".into(),
            planned_from: "2026-09".into(),
            planned_until: "2026-02".into(),
            ..Default::default()
        };
        assert_eq!(
            validate_plan(&order, 2026),
            vec![("planned_until", "beleid-error-order")]
        );
        assert_eq!(
            validate_plan(&PlanInput::default(), 2026),
            vec![("status", "beleid-error-status")]
        );
    }

    #[test]
    fn euros_parse_and_format() {
        assert_eq!(parse_euros("1.234,56"), Some(123_456));
        assert_eq!(parse_euros("1234.5"), Some(123_450));
        assert_eq!(parse_euros("€ 25.000"), Some(2_500_000));
        assert_eq!(parse_euros(""), Some(0));
        assert_eq!(parse_euros("abc"), None);
        assert_eq!(format_euros(123_456), "1.234,56");
        assert_eq!(format_euros(2_500_000), "25.000,00");
        assert_eq!(format_euros(-5), "-0,05");
        assert_eq!(format_number(12.0), "12");
        assert_eq!(format_number(12.5), "12,5");
        assert_eq!(parse_number("12,5"), Ok(Some(12.5)));
        assert_eq!(parse_number("x"), Err(NotANumber));
    }

    #[test]
    fn chart_is_svg_with_the_numbers() {
        let svg = bar_chart_svg(&[ChartBar {
            label: "Controles <panden>".into(),
            target: Some(40.0),
            actual: Some(31.0),
        }]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("&lt;panden&gt;") && svg.contains(">31<"));
    }
}
