//! The wijken and buurten of GM1961 with their shipped boundaries, held in memory: which buurt
//! and wijk a point lies in, without a database round trip (a public submission needs this on
//! every request). Boundaries: CBS / PDOK via cartomap, CC BY 4.0.

use std::sync::LazyLock;

use crate::model::{self, Level, Polygon};

pub struct Area {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub polygons: Vec<Polygon>,
    /// (min lon, min lat, max lon, max lat), to skip most polygons cheaply.
    pub bbox: (f64, f64, f64, f64),
}

impl Area {
    fn contains(&self, lon: f64, lat: f64) -> bool {
        let (x0, y0, x1, y1) = self.bbox;
        lon >= x0
            && lon <= x1
            && lat >= y0
            && lat <= y1
            && model::contains(&self.polygons, lon, lat)
    }
}

/// Where a point lies: its wijk and, where the buurt boundaries cover it, its buurt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub wijk_code: String,
    pub wijk_naam: String,
    pub buurt_code: Option<String>,
    pub buurt_naam: Option<String>,
}

struct Areas {
    wijken: Vec<Area>,
    buurten: Vec<Area>,
}

fn load() -> Areas {
    let mut names = std::collections::HashMap::new();
    let mut reader = csv::Reader::from_reader(crate::store::REGIONS_CSV.as_bytes());
    for record in reader.records().flatten() {
        names.insert(
            record.get(0).unwrap_or("").trim().to_string(),
            record.get(1).unwrap_or("").trim().to_string(),
        );
    }
    let read = |geojson: &str| -> Vec<Area> {
        let doc: serde_json::Value = serde_json::from_str(geojson).unwrap_or_default();
        let features = doc["features"].as_array().cloned().unwrap_or_default();
        features
            .iter()
            .filter_map(|f| {
                let code = f["properties"]["statcode"].as_str()?.to_string();
                let (level, _) = model::region_level(&code)?;
                let polygons = model::geometry_polygons(&f["geometry"]);
                let points = polygons.iter().flatten().flatten();
                let bbox = points.fold(
                    (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
                    |(a, b, c, d), &(x, y)| (a.min(x), b.min(y), c.max(x), d.max(y)),
                );
                Some(Area {
                    name: names.get(&code).cloned().unwrap_or_else(|| code.clone()),
                    code,
                    level,
                    polygons,
                    bbox,
                })
            })
            .collect()
    };
    Areas {
        wijken: read(crate::store::WIJKEN_GEOJSON),
        buurten: read(crate::store::BUURTEN_GEOJSON),
    }
}

static AREAS: LazyLock<Areas> = LazyLock::new(load);

/// The wijken with boundaries, in code order.
pub fn wijken() -> &'static [Area] {
    &AREAS.wijken
}

/// The buurten with boundaries, in code order.
pub fn buurten() -> &'static [Area] {
    &AREAS.buurten
}

/// The name of a wijk or buurt code.
pub fn name(code: &str) -> Option<&'static str> {
    AREAS
        .wijken
        .iter()
        .chain(AREAS.buurten.iter())
        .find(|a| a.code == code)
        .map(|a| a.name.as_str())
}

/// The wijk and buurt of a point (WGS84), or None outside the gemeente.
pub fn locate(lon: f64, lat: f64) -> Option<Place> {
    let buurt = AREAS.buurten.iter().find(|a| a.contains(lon, lat));
    let wijk = match buurt
        .and_then(|b| model::region_level(&b.code))
        .and_then(|(_, p)| p)
    {
        Some(parent) => AREAS.wijken.iter().find(|w| w.code == parent),
        None => None,
    }
    // The buurt boundaries (2022) and wijk boundaries (2023) differ slightly at the edges.
    .or_else(|| AREAS.wijken.iter().find(|a| a.contains(lon, lat)))?;
    Some(Place {
        wijk_code: wijk.code.clone(),
        wijk_naam: wijk.name.clone(),
        buurt_code: buurt.map(|b| b.code.clone()),
        buurt_naam: buurt.map(|b| b.name.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_area_has_a_name_and_a_boundary() {
        assert!(wijken().len() >= 30, "{}", wijken().len());
        assert!(buurten().len() >= 80, "{}", buurten().len());
        for a in wijken().iter().chain(buurten()) {
            assert!(!a.polygons.is_empty(), "{}", a.code);
            assert_ne!(a.name, a.code, "{} has a name", a.code);
        }
    }

    #[test]
    fn a_point_in_vianen_lies_in_its_buurt_and_wijk_and_utrecht_in_none() {
        let p = locate(5.092, 51.9945).unwrap();
        assert_eq!(p.buurt_code.as_deref(), Some("BU19612101"));
        assert_eq!(p.buurt_naam.as_deref(), Some("Vianen binnenstad"));
        assert!(p.wijk_code.starts_with("WK1961"), "{p:?}");
        let buurt = p.buurt_code.clone().unwrap();
        assert!(
            buurt.starts_with(&format!("BU{}", &p.wijk_code[2..])),
            "{p:?}"
        );
        assert_eq!(name(&buurt), p.buurt_naam.as_deref());
        assert_eq!(locate(5.1214, 52.0907), None, "Utrecht Domtoren");
    }
}
