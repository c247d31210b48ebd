//! Nederlandse namen van weekdagen en maanden, en datumopmaak voor uitleg.

use jiff::civil::{Date, Weekday};

use crate::TermijnError;

/// De Nederlandse naam van een weekdag, in kleine letters ("maandag").
pub fn weekdag_naam(dag: Weekday) -> &'static str {
    match dag {
        Weekday::Monday => "maandag",
        Weekday::Tuesday => "dinsdag",
        Weekday::Wednesday => "woensdag",
        Weekday::Thursday => "donderdag",
        Weekday::Friday => "vrijdag",
        Weekday::Saturday => "zaterdag",
        Weekday::Sunday => "zondag",
    }
}

/// De Nederlandse naam van een maand (1 = januari), in kleine letters.
///
/// Geeft `"?"` voor een nummer buiten 1..=12 (komt met een geldige [`Date`] niet voor).
pub fn maand_naam(maand: i8) -> &'static str {
    match maand {
        1 => "januari",
        2 => "februari",
        3 => "maart",
        4 => "april",
        5 => "mei",
        6 => "juni",
        7 => "juli",
        8 => "augustus",
        9 => "september",
        10 => "oktober",
        11 => "november",
        12 => "december",
        _ => "?",
    }
}

/// Een datum voluit in het Nederlands: `"maandag 2 januari 2034"`.
pub fn datum_nl(datum: Date) -> String {
    format!(
        "{} {} {} {}",
        weekdag_naam(datum.weekday()),
        datum.day(),
        maand_naam(datum.month()),
        datum.year()
    )
}

/// Leest een datum zoals een gebruiker die intypt: ISO 8601 (`2025-03-01`) of
/// Nederlands (`1-3-2025`, `01-03-2025`).
pub fn parse_datum(invoer: &str) -> Result<Date, TermijnError> {
    let s = invoer.trim();
    let fout = || TermijnError::OngeldigeDatum {
        invoer: invoer.to_string(),
    };
    if let Ok(d) = s.parse::<Date>() {
        return Ok(d);
    }
    let delen: Vec<&str> = s.split('-').collect();
    if let [dag, maand, jaar] = delen.as_slice() {
        if jaar.len() == 4 && dag.len() <= 2 && maand.len() <= 2 {
            let dag: i8 = dag.parse().map_err(|_| fout())?;
            let maand: i8 = maand.parse().map_err(|_| fout())?;
            let jaar: i16 = jaar.parse().map_err(|_| fout())?;
            return Date::new(jaar, maand, dag).map_err(|_| fout());
        }
    }
    Err(fout())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn voluit() {
        assert_eq!(datum_nl(date(2034, 1, 2)), "maandag 2 januari 2034");
        assert_eq!(datum_nl(date(2025, 4, 26)), "zaterdag 26 april 2025");
        assert_eq!(datum_nl(date(2030, 12, 25)), "woensdag 25 december 2030");
    }

    #[test]
    fn alle_maanden_hebben_een_naam() {
        for m in 1..=12 {
            assert_ne!(maand_naam(m), "?");
        }
        assert_eq!(maand_naam(13), "?");
    }

    #[test]
    fn datums_lezen() {
        assert_eq!(parse_datum("2025-03-01").unwrap(), date(2025, 3, 1));
        assert_eq!(parse_datum(" 1-3-2025 ").unwrap(), date(2025, 3, 1));
        assert_eq!(parse_datum("01-03-2025").unwrap(), date(2025, 3, 1));
        assert!(parse_datum("2025-02-30").is_err());
        assert!(parse_datum("30-02-2025").is_err());
        assert!(parse_datum("morgen").is_err());
        assert!(parse_datum("1-3-25").is_err());
    }
}
