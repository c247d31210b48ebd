//! Addresses and points through PDOK Locatieserver (v3.1, free and without a key): suggestions
//! while a resident types, the chosen address with its point, the address at a clicked point,
//! and a free-text search for the form sent without JavaScript. Calls run server-side with a
//! short timeout: a slow or absent service must never hold up or lose a report.

use std::time::Duration;

use serde::Serialize;

/// PDOK's Locatieserver; `--geocoder-url` points elsewhere (a mirror, or a test server).
pub const PDOK_LOCATIESERVER: &str = "https://api.pdok.nl/bzk/locatieserver/search/v3_1";

/// How long one call may take before the address is taken as typed.
pub const TIMEOUT: Duration = Duration::from_secs(3);

/// Suggestions offered while typing.
const SUGGESTIONS: usize = 7;

#[derive(Debug, thiserror::Error)]
pub enum GeocoderError {
    /// Not reached in time, or it answered with an error: the address is taken as typed.
    #[error("geocoder unreachable: {0}")]
    Unreachable(String),
    /// It answered, but not in Locatieserver's format.
    #[error("geocoder answered in an unknown format")]
    Format,
}

/// A suggestion: the id to look it up with and the name to show.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Suggestion {
    pub id: String,
    pub naam: String,
}

/// An address with its point (WGS84).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Address {
    pub adres: String,
    pub lat: f64,
    pub lon: f64,
}

/// A Locatieserver client, or none configured (then addresses are taken as typed).
#[derive(Clone, Debug)]
pub struct Geocoder {
    base: String,
    client: reqwest::Client,
}

impl Geocoder {
    /// A client for the Locatieserver at `base` (e.g. [`PDOK_LOCATIESERVER`]).
    pub fn new(base: &str) -> Result<Self, GeocoderError> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .user_agent(concat!("Baken/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| GeocoderError::Unreachable(e.to_string()))?;
        Ok(Geocoder {
            base: base.trim_end_matches('/').to_string(),
            client,
        })
    }

    async fn get(
        &self,
        endpoint: &str,
        params: &[(&str, &str)],
    ) -> Result<serde_json::Value, GeocoderError> {
        let r = self
            .client
            .get(format!("{}/{endpoint}", self.base))
            .query(params)
            .send()
            .await
            .map_err(|e| GeocoderError::Unreachable(e.without_url().to_string()))?;
        if !r.status().is_success() {
            return Err(GeocoderError::Unreachable(format!("status {}", r.status())));
        }
        r.json().await.map_err(|_| GeocoderError::Format)
    }

    /// Addresses that start like `text` (a street, a postcode, "Voorstraat 1 Vianen").
    pub async fn suggest(&self, text: &str) -> Result<Vec<Suggestion>, GeocoderError> {
        let rows = SUGGESTIONS.to_string();
        let v = self
            .get(
                "suggest",
                &[("q", text), ("fq", "type:adres"), ("rows", &rows)],
            )
            .await?;
        parse_suggestions(&v)
    }

    /// The address with this Locatieserver id, with its point.
    pub async fn lookup(&self, id: &str) -> Result<Option<Address>, GeocoderError> {
        let v = self
            .get(
                "lookup",
                &[("id", id), ("fl", "id,weergavenaam,centroide_ll")],
            )
            .await?;
        Ok(parse_addresses(&v)?.into_iter().next())
    }

    /// The best address for a typed text (the form sent without JavaScript).
    pub async fn find(&self, text: &str) -> Result<Option<Address>, GeocoderError> {
        let v = self
            .get(
                "free",
                &[
                    ("q", text),
                    ("fq", "type:adres"),
                    ("rows", "1"),
                    ("fl", "id,weergavenaam,centroide_ll,score"),
                ],
            )
            .await?;
        Ok(parse_addresses(&v)?.into_iter().next())
    }

    /// The address nearest to a point (a click on the map); the point stays where it was put.
    pub async fn reverse(&self, lat: f64, lon: f64) -> Result<Option<String>, GeocoderError> {
        let (lat, lon) = (format!("{lat:.6}"), format!("{lon:.6}"));
        let v = self
            .get(
                "reverse",
                &[
                    ("lat", &lat),
                    ("lon", &lon),
                    ("type", "adres"),
                    ("rows", "1"),
                ],
            )
            .await?;
        Ok(docs(&v)?
            .iter()
            .find_map(|d| d.get("weergavenaam").and_then(|n| n.as_str()))
            .map(str::to_string))
    }
}

/// The documents of a Locatieserver answer (`response.docs`).
fn docs(v: &serde_json::Value) -> Result<&Vec<serde_json::Value>, GeocoderError> {
    v.get("response")
        .and_then(|r| r.get("docs"))
        .and_then(|d| d.as_array())
        .ok_or(GeocoderError::Format)
}

/// The suggestions of a `/suggest` answer.
pub fn parse_suggestions(v: &serde_json::Value) -> Result<Vec<Suggestion>, GeocoderError> {
    Ok(docs(v)?
        .iter()
        .filter_map(|d| {
            Some(Suggestion {
                id: d.get("id")?.as_str()?.to_string(),
                naam: d.get("weergavenaam")?.as_str()?.to_string(),
            })
        })
        .collect())
}

/// The addresses with a point of a `/lookup` or `/free` answer.
pub fn parse_addresses(v: &serde_json::Value) -> Result<Vec<Address>, GeocoderError> {
    Ok(docs(v)?
        .iter()
        .filter_map(|d| {
            let (lon, lat) = parse_point(d.get("centroide_ll")?.as_str()?)?;
            Some(Address {
                adres: d.get("weergavenaam")?.as_str()?.to_string(),
                lat,
                lon,
            })
        })
        .collect())
}

/// `POINT(lon lat)` (WKT, as Locatieserver writes `centroide_ll`) as (lon, lat).
pub fn parse_point(wkt: &str) -> Option<(f64, f64)> {
    let inner = wkt.trim().strip_prefix("POINT(")?.strip_suffix(')')?;
    let mut parts = inner.split_whitespace();
    let lon = parts.next()?.parse::<f64>().ok()?;
    let lat = parts.next()?.parse::<f64>().ok()?;
    (parts.next().is_none() && lon.is_finite() && lat.is_finite()).then_some((lon, lat))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn locatieserver_answers_are_read_in_its_documented_shape() {
        let suggest = serde_json::json!({
            "response": {"numFound": 2, "start": 0, "maxScore": 7.1, "numFoundExact": true, "docs": [
                {"type": "adres", "weergavenaam": "Voorstraat 1, 4132AP Vianen", "id": "adr-1", "score": 7.1},
                {"type": "adres", "weergavenaam": "Voorstraat 2, 4132AS Vianen", "id": "adr-2", "score": 7.0}
            ]},
            "highlighting": {"adr-1": {"suggest": ["<b>Voorstraat</b> 1, 4132AP Vianen"]}},
            "spellcheck": {"suggestions": []}
        });
        assert_eq!(
            parse_suggestions(&suggest).unwrap(),
            [
                Suggestion {
                    id: "adr-1".into(),
                    naam: "Voorstraat 1, 4132AP Vianen".into()
                },
                Suggestion {
                    id: "adr-2".into(),
                    naam: "Voorstraat 2, 4132AS Vianen".into()
                }
            ]
        );
        let lookup = serde_json::json!({"response": {"numFound": 1, "start": 0, "maxScore": 1.0, "numFoundExact": true,
            "docs": [{"id": "adr-1", "weergavenaam": "Voorstraat 1, 4132AP Vianen",
                      "centroide_ll": "POINT(5.09163 51.99091)"}]}});
        assert_eq!(
            parse_addresses(&lookup).unwrap(),
            [Address {
                adres: "Voorstraat 1, 4132AP Vianen".into(),
                lat: 51.99091,
                lon: 5.09163
            }]
        );
        assert!(parse_addresses(&serde_json::json!({"error": "x"})).is_err());
        assert_eq!(parse_point("POINT(5.1 52.0)"), Some((5.1, 52.0)));
        assert_eq!(parse_point("POINT(5.1)"), None);
        assert_eq!(parse_point("POLYGON((5 52, 5 53))"), None);
    }
}
