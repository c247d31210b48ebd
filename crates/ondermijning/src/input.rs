//! The input of a place, from a form or the API, checked into what the store writes. Pure.

use platform::identity::{field_error, FieldError};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::model::{self, Soort};

/// A place as entered (form fields or JSON members of the same names).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[schema(as = OndermijningPlaatsIn)]
#[serde(default)]
pub struct PlaatsIn {
    /// Name of the establishment or the building, e.g. `Café De Linge`.
    pub naam: String,
    /// `horeca`, `winkel`, `bedrijf`, `gebied` (business park or shopping area), `agrarisch`
    /// (agricultural building or barn), `loods` (warehouse) or `woning`.
    pub soort: String,
    /// BAG verblijfsobject or pand id (16 digits), when known.
    pub bag_id: String,
    pub straat: String,
    /// House number with its addition, e.g. `12a`.
    pub huisnummer: String,
    /// e.g. `4141 BC`; with the house number the identity of the place when there is no BAG id.
    pub postcode: String,
    pub woonplaats: String,
    /// Latitude (WGS84), optional; with `lon` it places the point in its wijk and buurt.
    pub lat: String,
    pub lon: String,
    /// The operator's KvK number (8 digits) and name: companies only, never a natural person.
    pub exploitant_kvk: String,
    pub exploitant_naam: String,
    pub eigenaar_kvk: String,
    pub eigenaar_naam: String,
    /// Opening hours (horeca), free text.
    pub openingstijden: String,
    /// The id of the business park or shopping area the place lies in.
    pub gebied_id: String,
    pub toelichting: String,
    /// KVO (business parks and shopping areas): `start`, `ster-1`, `ster-2`, `ster-3`.
    pub kvo_niveau: String,
    /// 'YYYY-MM-DD'.
    pub kvo_geldig_tot: String,
    /// 'YYYY-MM-DD'.
    pub kvo_volgend_overleg: String,
}

/// A checked place.
#[derive(Clone, Debug, PartialEq)]
pub struct Plaats {
    pub naam: String,
    pub soort: Soort,
    pub bag_id: Option<String>,
    pub straat: String,
    pub huisnummer: Option<i64>,
    pub toevoeging: String,
    pub postcode: Option<String>,
    pub woonplaats: String,
    pub punt: Option<(f64, f64)>,
    pub exploitant_kvk: Option<String>,
    pub exploitant_naam: Option<String>,
    pub eigenaar_kvk: Option<String>,
    pub eigenaar_naam: Option<String>,
    pub openingstijden: String,
    pub gebied_id: Option<String>,
    pub toelichting: String,
    pub kvo_niveau: Option<String>,
    pub kvo_geldig_tot: Option<String>,
    pub kvo_volgend_overleg: Option<String>,
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn coordinate(
    field: &str,
    s: &str,
    range: std::ops::RangeInclusive<f64>,
) -> Result<Option<f64>, FieldError> {
    let s = s.trim().replace(',', ".");
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && range.contains(&v) => Ok(Some(v)),
        _ => Err(field_error(field, "ondermijning-fout-coordinaat")),
    }
}

impl PlaatsIn {
    /// Checks every field; the errors are Fluent keys of this module, one per field.
    pub fn check(&self) -> Result<Plaats, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut keep = |r: Result<Option<String>, FieldError>| match r {
            Ok(v) => v,
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let bag_id = keep(model::lees_bag(&self.bag_id));
        let postcode = keep(model::lees_postcode(&self.postcode));
        let exploitant_kvk = keep(model::lees_kvk("exploitant_kvk", &self.exploitant_kvk));
        let eigenaar_kvk = keep(model::lees_kvk("eigenaar_kvk", &self.eigenaar_kvk));
        let kvo_geldig_tot = keep(model::lees_datum("kvo_geldig_tot", &self.kvo_geldig_tot));
        let kvo_volgend_overleg = keep(model::lees_datum(
            "kvo_volgend_overleg",
            &self.kvo_volgend_overleg,
        ));
        if opt(&self.naam).is_none() {
            errors.push(field_error("naam", "ondermijning-fout-verplicht"));
        }
        let soort = Soort::from_slug(self.soort.trim());
        if soort.is_none() {
            errors.push(field_error("soort", "ondermijning-fout-soort"));
        }
        let (huisnummer, toevoeging) = match model::lees_huisnummer(&self.huisnummer) {
            Ok(Some((n, t))) => (Some(n), t),
            Ok(None) => (None, String::new()),
            Err(e) => {
                errors.push(e);
                (None, String::new())
            }
        };
        if errors
            .iter()
            .all(|e| e.field != "huisnummer" && e.field != "postcode")
        {
            errors.extend(model::identiteit_fouten(
                bag_id.as_deref(),
                postcode.as_deref(),
                huisnummer,
                &self.straat,
                &self.woonplaats,
            ));
        }
        let lat = coordinate("lat", &self.lat, 50.0..=54.0);
        let lon = coordinate("lon", &self.lon, 3.0..=8.0);
        let punt = match (lat, lon) {
            (Ok(Some(a)), Ok(Some(o))) => Some((a, o)),
            (Ok(None), Ok(None)) => None,
            (Err(e), _) | (_, Err(e)) => {
                errors.push(e);
                None
            }
            (Ok(None), _) => {
                errors.push(field_error("lat", "ondermijning-fout-punt"));
                None
            }
            (_, Ok(None)) => {
                errors.push(field_error("lon", "ondermijning-fout-punt"));
                None
            }
        };
        let kvo_niveau = opt(&self.kvo_niveau);
        if let Some(n) = &kvo_niveau {
            if !model::KVO_NIVEAUS.contains(&n.as_str()) {
                errors.push(field_error("kvo_niveau", "ondermijning-fout-kvo"));
            }
        }
        let is_gebied = soort == Some(Soort::Gebied);
        if !is_gebied
            && (kvo_niveau.is_some() || kvo_geldig_tot.is_some() || kvo_volgend_overleg.is_some())
        {
            errors.push(field_error("kvo_niveau", "ondermijning-fout-kvo-gebied"));
        }
        for (field, value) in [
            ("naam", &self.naam),
            ("straat", &self.straat),
            ("woonplaats", &self.woonplaats),
            ("exploitant_naam", &self.exploitant_naam),
            ("eigenaar_naam", &self.eigenaar_naam),
        ] {
            if value.chars().count() > 200 {
                errors.push(field_error(field, "ondermijning-fout-lang"));
            }
        }
        for (field, value) in [
            ("openingstijden", &self.openingstijden),
            ("toelichting", &self.toelichting),
        ] {
            if value.chars().count() > 4000 {
                errors.push(field_error(field, "ondermijning-fout-lang"));
            }
        }
        let Some(soort) = soort else {
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Plaats {
            naam: self.naam.trim().to_string(),
            soort,
            bag_id,
            straat: self.straat.trim().to_string(),
            huisnummer,
            toevoeging,
            postcode,
            woonplaats: self.woonplaats.trim().to_string(),
            punt,
            exploitant_kvk,
            exploitant_naam: opt(&self.exploitant_naam),
            eigenaar_kvk,
            eigenaar_naam: opt(&self.eigenaar_naam),
            openingstijden: self.openingstijden.trim().to_string(),
            gebied_id: opt(&self.gebied_id),
            toelichting: self.toelichting.trim().to_string(),
            kvo_niveau: kvo_niveau.filter(|_| is_gebied),
            kvo_geldig_tot,
            kvo_volgend_overleg,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn cafe() -> PlaatsIn {
        PlaatsIn {
            naam: "Café De Linge".into(),
            soort: "horeca".into(),
            straat: "Kerkstraat".into(),
            huisnummer: "12a".into(),
            postcode: "4141 ab".into(),
            woonplaats: "Leerdam".into(),
            exploitant_kvk: "12345678".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_place() {
        let p = cafe().check().unwrap();
        assert_eq!(p.soort, Soort::Horeca);
        assert_eq!(p.huisnummer, Some(12));
        assert_eq!(p.toevoeging, "A");
        assert_eq!(p.postcode.as_deref(), Some("4141AB"));
        assert_eq!(p.exploitant_kvk.as_deref(), Some("12345678"));
        assert_eq!(p.punt, None);
    }

    #[test]
    fn errors_per_field() {
        let mut v = cafe();
        v.exploitant_kvk = "1234".into();
        v.soort = "kasteel".into();
        v.lat = "51,9".into();
        v.kvo_niveau = "ster-9".into();
        let e = v.check().unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"exploitant_kvk"), "{fields:?}");
        assert!(fields.contains(&"soort"));
        assert!(fields.contains(&"lon"));
        assert!(fields.contains(&"kvo_niveau"));
        // Without BAG id or postcode the place has no identity.
        let mut v = cafe();
        v.postcode.clear();
        let e = v.check().unwrap_err();
        assert_eq!(e[0].field, "postcode");
        let mut v = cafe();
        v.postcode.clear();
        v.bag_id = "0545010000012345".into();
        assert!(v.check().is_ok());
    }

    #[test]
    fn kvo_only_for_areas() {
        let mut v = cafe();
        v.kvo_niveau = "ster-1".into();
        assert!(v.check().is_err());
        v.soort = "gebied".into();
        v.kvo_geldig_tot = "2027-06-30".into();
        let p = v.check().unwrap();
        assert_eq!(p.kvo_niveau.as_deref(), Some("ster-1"));
        assert_eq!(p.kvo_geldig_tot.as_deref(), Some("2027-06-30"));
    }

    #[test]
    fn a_point_places_the_place() {
        let mut v = cafe();
        v.lat = "51.8931".into();
        v.lon = "5.0902".into();
        assert_eq!(v.check().unwrap().punt, Some((51.8931, 5.0902)));
        v.lon = "500".into();
        assert_eq!(v.check().unwrap_err()[0].field, "lon");
    }
}
