//! The installation's own look: the municipality's name, logo and colours, set by an
//! administrator and shown on every page (the public form included). Without one, Baken wears
//! the NL Design System "voorbeeld" theme.
//!
//! Colours become the NL Design System tokens Baken's pages use; each is refused when its
//! contrast falls below WCAG 2.1 AA for the way it is used. A logo is kept only when it is a PNG
//! whose chunks check out (metadata chunks dropped) or an SVG without scripts, event handlers or
//! references outside itself; it is served with a policy that runs nothing.

use std::sync::Arc;

use sqlx::Row;

use crate::access::{Action, Authorized, Decision, Principal, Purpose, Resource, Role};
use crate::db::{Db, DbError};
use crate::identity::{field_error, FieldError};

/// The largest logo accepted.
pub const MAX_LOGO_BYTES: usize = 200 * 1024;

const MEMO_KEY: &str = "platform.theme";

/// What the pages need of the theme on every request (the logo itself is served apart).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Theme {
    /// E.g. "Gemeente Vijfheerenlanden".
    pub name: Option<String>,
    /// Text and button colour, `#rrggbb`.
    pub brand: Option<String>,
    /// Lines and borders, `#rrggbb`.
    pub accent: Option<String>,
    /// The logo's media type when there is one.
    pub logo_type: Option<String>,
    /// Changes with every save, so browsers fetch the new style and logo.
    pub version: i64,
}

impl Theme {
    pub fn has_colours(&self) -> bool {
        self.brand.is_some() || self.accent.is_some()
    }

    /// The style sheet that sets the tokens; empty without colours.
    pub fn css(&self) -> String {
        let mut css = String::new();
        if let Some(b) = &self.brand {
            css.push_str(&format!(
                ".baken-theme {{\n  --baken-color-brand: {b};\n  --baken-color-link: {b};\n  \
                 --baken-color-link-hover: {b};\n  \
                 --utrecht-button-primary-action-background-color: {b};\n  \
                 --utrecht-button-primary-action-border-color: {b};\n  \
                 --utrecht-button-primary-action-hover-background-color: {b};\n  \
                 --utrecht-link-color: {b};\n  --utrecht-link-hover-color: {b};\n}}\n"
            ));
        }
        if let Some(a) = &self.accent {
            css.push_str(&format!(
                ".baken-theme {{\n  --baken-color-brand-accent: {a};\n}}\n"
            ));
        }
        css
    }
}

/// The resource an administrator changes.
#[derive(Clone, Debug)]
pub struct InstallationTheme;

impl Resource for InstallationTheme {
    fn kind(&self) -> &'static str {
        "theme"
    }
    fn id(&self) -> Option<String> {
        None
    }
    fn policy(&self, p: &Principal, action: Action, _purpose: Purpose) -> Decision {
        match action {
            Action::Read => Decision::Allow,
            Action::Update if p.has(Role::Beheerder) => Decision::Allow,
            _ => Decision::Deny("role-not-allowed"),
        }
    }
}

/// What an administrator sends. Colours as typed; `logo` is a new file, if any.
#[derive(Clone, Debug, Default)]
pub struct ThemeInput {
    pub name: String,
    pub brand: String,
    pub accent: String,
    pub logo: Option<Vec<u8>>,
    pub remove_logo: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    /// Messages are Fluent keys.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for ThemeError {
    fn from(e: sqlx::Error) -> Self {
        ThemeError::Db(DbError::Sql(e))
    }
}

impl crate::web::errors::Classify for ThemeError {
    fn classify(self) -> crate::web::errors::Failure {
        use crate::web::errors::Failure;
        match self {
            ThemeError::Invalid(errors) => Failure::Invalid(errors),
            ThemeError::Db(e) => Failure::Internal(e.to_string()),
        }
    }
}

/// The theme now (kept per database handle for a few seconds; it is read on every page).
pub async fn current(db: &Db) -> Result<Arc<Theme>, DbError> {
    db.memo(MEMO_KEY, || async {
        let row = sqlx::query(
            "SELECT name, brand, accent, logo_type, version FROM platform_theme WHERE id = 'installation'",
        )
        .fetch_optional(db.pool())
        .await?;
        Ok::<_, DbError>(match row {
            Some(r) => Theme {
                name: r.try_get("name")?,
                brand: r.try_get("brand")?,
                accent: r.try_get("accent")?,
                logo_type: r.try_get("logo_type")?,
                version: r.try_get("version")?,
            },
            None => Theme::default(),
        })
    })
    .await
}

/// Demo data: the installation named after its municipality, unless an administrator chose
/// a theme already (colours and logo stay the default: the municipality's own are not ours to
/// ship).
pub async fn seed_demo(db: &Db, name: &str) -> Result<(), DbError> {
    db.execute(
        sqlx::query(
            "INSERT INTO platform_theme (id, name, version, updated_at) \
             VALUES ('installation', $1, 1, $2) ON CONFLICT (id) DO NOTHING",
        )
        .bind(name)
        .bind(crate::db::now_ms()),
    )
    .await?;
    db.forget(MEMO_KEY);
    Ok(())
}

/// The logo and its media type.
pub async fn logo(db: &Db) -> Result<Option<(Vec<u8>, String)>, DbError> {
    let row = sqlx::query(
        "SELECT logo, logo_type FROM platform_theme WHERE id = 'installation' AND logo IS NOT NULL",
    )
    .fetch_optional(db.pool())
    .await?;
    Ok(match row {
        Some(r) => Some((r.try_get("logo")?, r.try_get("logo_type")?)),
        None => None,
    })
}

/// Checks and saves the theme; the change is written to the audit log in the same transaction.
pub async fn save(
    db: &Db,
    auth: &Authorized<InstallationTheme, crate::access::act::Update>,
    input: &ThemeInput,
) -> Result<Theme, ThemeError> {
    let checked = check(input)?;
    let mut tx = db.begin().await?;
    // The version counts in the row itself, so two processes saving at once never share one.
    sqlx::query(
        "INSERT INTO platform_theme (id, name, brand, accent, logo, logo_type, version, updated_at) \
         VALUES ('installation', $1, $2, $3, NULL, NULL, 1, $4) \
         ON CONFLICT (id) DO UPDATE SET name = $1, brand = $2, accent = $3, \
         version = platform_theme.version + 1, updated_at = $4",
    )
    .bind(&checked.name)
    .bind(&checked.brand)
    .bind(&checked.accent)
    .bind(crate::db::now_ms())
    .execute(tx.conn()?)
    .await?;
    if let Some((bytes, t)) = &checked.logo {
        sqlx::query(
            "UPDATE platform_theme SET logo = $1, logo_type = $2 WHERE id = 'installation'",
        )
        .bind(bytes.as_slice())
        .bind(*t)
        .execute(tx.conn()?)
        .await?;
    } else if input.remove_logo {
        sqlx::query(
            "UPDATE platform_theme SET logo = NULL, logo_type = NULL WHERE id = 'installation'",
        )
        .execute(tx.conn()?)
        .await?;
    }
    let row =
        sqlx::query("SELECT version, logo_type FROM platform_theme WHERE id = 'installation'")
            .fetch_one(tx.conn()?)
            .await?;
    let (version, logo_type): (i64, Option<String>) =
        (row.try_get("version")?, row.try_get("logo_type")?);
    auth.record(&mut tx).await?;
    tx.commit().await?;
    db.forget(MEMO_KEY);
    Ok(Theme {
        name: checked.name,
        brand: checked.brand,
        accent: checked.accent,
        logo_type,
        version,
    })
}

struct Checked {
    name: Option<String>,
    brand: Option<String>,
    accent: Option<String>,
    logo: Option<(Vec<u8>, &'static str)>,
}

/// White, the page background, and the light grey of cards and table headers.
const WHITE: (u8, u8, u8) = (0xff, 0xff, 0xff);
const SUBTLE: (u8, u8, u8) = (0xef, 0xf1, 0xf3);

fn check(input: &ThemeInput) -> Result<Checked, ThemeError> {
    let mut errors = Vec::new();
    let name = input.name.trim();
    if name.chars().count() > 80 {
        errors.push(field_error("naam", "theme-name-too-long"));
    }
    // Text colour: on white and on the light grey, and white text on it (buttons), at 4.5:1.
    let brand = match colour(&input.brand) {
        Ok(None) => None,
        Ok(Some(c)) if contrast(c, WHITE) >= 4.5 && contrast(c, SUBTLE) >= 4.5 => Some(hex(c)),
        Ok(Some(_)) => {
            errors.push(field_error("hoofdkleur", "theme-colour-contrast-text"));
            None
        }
        Err(key) => {
            errors.push(field_error("hoofdkleur", key));
            None
        }
    };
    // Lines and borders are not text: 3:1 on white (WCAG 1.4.11).
    let accent = match colour(&input.accent) {
        Ok(None) => None,
        Ok(Some(c)) if contrast(c, WHITE) >= 3.0 => Some(hex(c)),
        Ok(Some(_)) => {
            errors.push(field_error("accentkleur", "theme-colour-contrast-line"));
            None
        }
        Err(key) => {
            errors.push(field_error("accentkleur", key));
            None
        }
    };
    let logo = match &input.logo {
        None => None,
        Some(bytes) => match check_logo(bytes) {
            Ok(l) => Some(l),
            Err(key) => {
                errors.push(field_error("logo", key));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(ThemeError::Invalid(errors));
    }
    Ok(Checked {
        name: (!name.is_empty()).then(|| name.to_string()),
        brand,
        accent,
        logo,
    })
}

/// `#rrggbb` (or `rrggbb`, any case); empty is no colour. Errors are Fluent keys.
pub fn colour(text: &str) -> Result<Option<(u8, u8, u8)>, &'static str> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let h = t.strip_prefix('#').unwrap_or(t);
    if h.len() != 6 || !h.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err("theme-colour-format");
    }
    let byte = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).map_err(|_| "theme-colour-format");
    Ok(Some((byte(0)?, byte(2)?, byte(4)?)))
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The WCAG 2.1 contrast ratio of two colours (1 to 21).
pub fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    fn channel(c: u8) -> f64 {
        let c = f64::from(c) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }
    fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
        0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    }
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// A logo as it will be kept and its media type, or the Fluent key of why not.
pub fn check_logo(bytes: &[u8]) -> Result<(Vec<u8>, &'static str), &'static str> {
    if bytes.is_empty() {
        return Err("theme-logo-empty");
    }
    if bytes.len() > MAX_LOGO_BYTES {
        return Err("theme-logo-too-large");
    }
    if bytes.starts_with(PNG_SIGNATURE) {
        return clean_png(bytes).map(|b| (b, "image/png"));
    }
    check_svg(bytes).map(|()| (bytes.to_vec(), "image/svg+xml"))
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The chunks a logo needs to be drawn; text, time and EXIF chunks (metadata) are dropped.
const PNG_KEPT: [&[u8; 4]; 9] = [
    b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND", b"gAMA", b"cHRM", b"sRGB", b"iCCP",
];

/// Walks the PNG's chunks, checking each checksum, and keeps only those a logo needs.
fn clean_png(bytes: &[u8]) -> Result<Vec<u8>, &'static str> {
    let bad = "theme-logo-broken";
    let mut out = PNG_SIGNATURE.to_vec();
    let mut at = PNG_SIGNATURE.len();
    let mut first = true;
    loop {
        let header = bytes.get(at..at + 8).ok_or(bad)?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind: [u8; 4] = [header[4], header[5], header[6], header[7]];
        let end = at
            .checked_add(12)
            .and_then(|n| n.checked_add(len))
            .ok_or(bad)?;
        let chunk = bytes.get(at..end).ok_or(bad)?;
        let data_end = 8 + len;
        let stored = u32::from_be_bytes([
            chunk[data_end],
            chunk[data_end + 1],
            chunk[data_end + 2],
            chunk[data_end + 3],
        ]);
        if crc32(&chunk[4..data_end]) != stored {
            return Err(bad);
        }
        if first {
            if &kind != b"IHDR" || len != 13 {
                return Err(bad);
            }
            let dim =
                |i: usize| u32::from_be_bytes([chunk[i], chunk[i + 1], chunk[i + 2], chunk[i + 3]]);
            let (w, h) = (dim(8), dim(12));
            if w == 0 || h == 0 || w > 4000 || h > 4000 {
                return Err("theme-logo-size");
            }
            first = false;
        }
        if PNG_KEPT.iter().any(|k| **k == kind) {
            out.extend_from_slice(chunk);
        }
        at = end;
        if &kind == b"IEND" {
            return Ok(out);
        }
    }
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// An SVG drawing only: no scripts, event handlers, embedded documents, entities, or references
/// to anything outside the file.
fn check_svg(bytes: &[u8]) -> Result<(), &'static str> {
    let text = std::str::from_utf8(bytes).map_err(|_| "theme-logo-type")?;
    let lower = text.to_ascii_lowercase();
    let start = lower.trim_start_matches('\u{feff}').trim_start();
    let root = start
        .strip_prefix("<?xml")
        .and_then(|rest| rest.find("?>").map(|i| rest[i + 2..].trim_start()))
        .unwrap_or(start);
    let forbidden = [
        "<script",
        "<foreignobject",
        "<!entity",
        "<!doctype",
        "<iframe",
        "<embed",
        "<object",
        "javascript:",
        "data:text",
        "@import",
    ];
    if forbidden.iter().any(|f| lower.contains(f)) || has_event_handler(&lower) {
        return Err("theme-logo-unsafe");
    }
    if !skip_comments(root).starts_with("<svg") {
        return Err("theme-logo-type");
    }
    // Every reference points inside the file (`#id`).
    for attr in ["href=\"", "href='", "url("] {
        for (i, _) in lower.match_indices(attr) {
            let value = lower[i + attr.len()..].trim_start_matches(['"', '\'', ' ']);
            if !value.starts_with('#') {
                return Err("theme-logo-unsafe");
            }
        }
    }
    Ok(())
}

fn skip_comments(mut s: &str) -> &str {
    while let Some(rest) = s.strip_prefix("<!--") {
        match rest.find("-->") {
            Some(i) => s = rest[i + 3..].trim_start(),
            None => return rest,
        }
    }
    s
}

/// `onload=`, ` onclick =` and the like, anywhere in a tag.
fn has_event_handler(lower: &str) -> bool {
    let b = lower.as_bytes();
    lower.match_indices("on").any(|(i, _)| {
        let before_ok = i > 0 && (b[i - 1].is_ascii_whitespace() || b[i - 1] == b'/');
        let mut j = i + 2;
        while j < b.len() && b[j].is_ascii_alphabetic() {
            j += 1;
        }
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        before_ok && j > i + 2 && b.get(j) == Some(&b'=')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(extra: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
        fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(data);
            let mut crc_input = kind.to_vec();
            crc_input.extend_from_slice(data);
            c.extend_from_slice(&crc32(&crc_input).to_be_bytes());
            c
        }
        let mut ihdr = 1u32.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&1u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
        let mut out = PNG_SIGNATURE.to_vec();
        out.extend(chunk(b"IHDR", &ihdr));
        for (k, d) in extra {
            out.extend(chunk(k, d));
        }
        out.extend(chunk(
            b"IDAT",
            &[0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01],
        ));
        out.extend(chunk(b"IEND", &[]));
        out
    }

    #[test]
    fn contrast_follows_wcag() {
        assert!((contrast((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 0.01);
        assert!((contrast((0x76, 0x76, 0x76), WHITE) - 4.54).abs() < 0.01);
        assert_eq!(contrast(WHITE, WHITE), 1.0);
    }

    #[test]
    fn colours_are_read_and_judged_for_their_use() {
        assert_eq!(colour(""), Ok(None));
        assert_eq!(colour("#00689E"), Ok(Some((0, 0x68, 0x9e))));
        assert_eq!(colour("00689e"), Ok(Some((0, 0x68, 0x9e))));
        assert_eq!(colour("#0068"), Err("theme-colour-format"));
        assert_eq!(colour("#gg0000"), Err("theme-colour-format"));
        let input = |brand: &str, accent: &str| ThemeInput {
            name: "Gemeente Vijfheerenlanden".into(),
            brand: brand.into(),
            accent: accent.into(),
            ..Default::default()
        };
        assert!(check(&input("#00689e", "#e17000")).is_ok());
        // Light yellow text on white is unreadable; as a line it is too faint as well.
        let fields = |r: Result<Checked, ThemeError>| match r {
            Err(ThemeError::Invalid(e)) => e.into_iter().map(|e| (e.field, e.message)).collect(),
            _ => Vec::new(),
        };
        assert_eq!(
            fields(check(&input("#ffdd00", "#ffdd00"))),
            vec![
                (
                    "hoofdkleur".to_string(),
                    "theme-colour-contrast-text".to_string()
                ),
                (
                    "accentkleur".to_string(),
                    "theme-colour-contrast-line".to_string()
                ),
            ]
        );
        // Orange passes as a line (3:1) but not as text (4.5:1).
        assert_eq!(
            fields(check(&input("#e17000", "#e17000"))),
            vec![(
                "hoofdkleur".to_string(),
                "theme-colour-contrast-text".to_string()
            )]
        );
    }

    #[test]
    fn a_png_keeps_its_picture_and_loses_its_metadata() {
        let with_text = png(&[(b"tEXt", b"Author\0Jan Jansen"), (b"tIME", &[7; 7])]);
        let (kept, kind) = check_logo(&with_text).unwrap();
        assert_eq!(kind, "image/png");
        assert_eq!(kept, png(&[]));
        assert!(!kept.windows(4).any(|w| w == b"tEXt"));
        let mut broken = png(&[]);
        let n = broken.len();
        broken[n - 20] ^= 0xff;
        assert_eq!(check_logo(&broken), Err("theme-logo-broken"));
        assert_eq!(check_logo(&png(&[])[..30]), Err("theme-logo-broken"));
    }

    #[test]
    fn an_svg_may_draw_but_not_run_or_fetch() {
        let ok = br##"<?xml version="1.0"?><!-- logo --><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><linearGradient id="g"/></defs><rect width="10" height="10" fill="url(#g)"/><use href="#g"/></svg>"##;
        assert_eq!(check_logo(ok).map(|(_, t)| t), Ok("image/svg+xml"));
        for bad in [
            &br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#[..],
            br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>"#,
            br#"<svg xmlns="http://www.w3.org/2000/svg"><rect ONCLICK = "x"/></svg>"#,
            br#"<svg xmlns="http://www.w3.org/2000/svg"><image href="https://tracker.example/p.png"/></svg>"#,
            br#"<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://x.example/a)"/></svg>"#,
            br#"<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg"/>"#,
            br#"<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>"#,
        ] {
            assert_eq!(check_logo(bad), Err("theme-logo-unsafe"), "{}", String::from_utf8_lossy(bad));
        }
        assert_eq!(
            check_logo(b"<html><body>x</body></html>"),
            Err("theme-logo-type")
        );
        assert_eq!(
            check_logo(&[0xff, 0xd8, 0xff, 0xe0]),
            Err("theme-logo-type")
        );
        assert_eq!(
            check_logo(&vec![b' '; MAX_LOGO_BYTES + 1]),
            Err("theme-logo-too-large")
        );
        assert_eq!(check_logo(b""), Err("theme-logo-empty"));
    }

    #[test]
    fn the_style_sheet_sets_the_tokens_it_was_given() {
        let t = Theme {
            brand: Some("#00689e".into()),
            ..Default::default()
        };
        assert!(t.css().contains("--baken-color-brand: #00689e;"));
        assert!(!t.css().contains("--baken-color-brand-accent"));
        assert_eq!(Theme::default().css(), "");
    }
}
