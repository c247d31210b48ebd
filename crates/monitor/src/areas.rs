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

/// The wijk boundaries as GeoJSON (WGS84), for maps. Source: CBS / PDOK via cartomap, CC BY 4.0.
pub const WIJKEN_GEOJSON: &str = crate::store::WIJKEN_GEOJSON;

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

/// The wijken as an SVG map (no script, no tiles) with `dots` (lon, lat) on top; `fill` gives a
/// wijk's fill colour (for a choropleth), or None for the plain map. The SVG is one image with
/// `label` as its text; the page shows the same data as a table next to it.
pub fn svg_map(dots: &[(f64, f64)], fill: &dyn Fn(&str) -> Option<String>, label: &str) -> String {
    svg_map_of(wijken(), dots, fill, label)
}

/// [`svg_map`] over given areas (the wijken, or the buurten for a finer map).
pub fn svg_map_of(
    wijken: &[Area],
    dots: &[(f64, f64)],
    fill: &dyn Fn(&str) -> Option<String>,
    label: &str,
) -> String {
    let (x0, y0, x1, y1) = wijken.iter().fold(
        (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
        |(a, b, c, d), w| {
            (
                a.min(w.bbox.0),
                b.min(w.bbox.1),
                c.max(w.bbox.2),
                d.max(w.bbox.3),
            )
        },
    );
    if x0 > x1 {
        return String::new();
    }
    // Equirectangular, with longitude shrunk by cos(latitude) so shapes keep their proportions.
    let k = ((y0 + y1) / 2.0).to_radians().cos();
    let width = 640.0;
    let scale = width / ((x1 - x0) * k);
    let height = (y1 - y0) * scale;
    let px = |lon: f64, lat: f64| ((lon - x0) * k * scale, (y1 - lat) * scale);
    let mut out = format!(
        "<svg class=\"baken-map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-label=\"{}\">",
        escape(label)
    );
    for w in wijken {
        let mut d = String::new();
        for ring in w.polygons.iter().flatten() {
            for (i, (lon, lat)) in ring.iter().enumerate() {
                let (x, y) = px(*lon, *lat);
                d.push_str(&format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" }));
            }
            d.push('Z');
        }
        let colour = fill(&w.code).unwrap_or_else(|| "#f3f0fb".to_string());
        out.push_str(&format!(
            "<path d=\"{d}\" fill=\"{}\" stroke=\"#3b0fb0\" stroke-width=\"0.8\" fill-rule=\"evenodd\"/>",
            escape(&colour)
        ));
    }
    for (lon, lat) in dots {
        let (x, y) = px(*lon, *lat);
        out.push_str(&format!(
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"#001a40\" fill-opacity=\"0.7\"/>"
        ));
    }
    out.push_str("</svg>");
    out
}

/// One area of a choropleth as a map script draws it: fill colour and what it shows.
pub struct MapFeature<'a> {
    pub area: &'a Area,
    pub colour: String,
    /// What the area shows, in words: a count, "minder dan 5", "niet gepubliceerd".
    pub label: String,
}

/// A choropleth as GeoJSON (WGS84) for a map script: each area's boundary with its code, name,
/// colour and label, plus (as foreign members) the legend, the title and the source line. Safe
/// to embed in a `<script type="application/json">` block: `<`, `>` and `&` are escaped.
pub fn choropleth_geojson(
    features: &[MapFeature<'_>],
    legend: &[(String, String)],
    title: &str,
    source: &str,
) -> String {
    let round = |v: f64| (v * 100_000.0).round() / 100_000.0;
    let features: Vec<serde_json::Value> = features
        .iter()
        .map(|f| {
            let coordinates: Vec<Vec<Vec<[f64; 2]>>> = f
                .area
                .polygons
                .iter()
                .map(|polygon| {
                    polygon
                        .iter()
                        .map(|ring| ring.iter().map(|(x, y)| [round(*x), round(*y)]).collect())
                        .collect()
                })
                .collect();
            serde_json::json!({
                "type": "Feature",
                "properties": {
                    "code": f.area.code,
                    "name": f.area.name,
                    "colour": f.colour,
                    "label": f.label,
                },
                "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
            })
        })
        .collect();
    let legend: Vec<serde_json::Value> = legend
        .iter()
        .map(|(colour, label)| serde_json::json!({"colour": colour, "label": label}))
        .collect();
    serde_json::json!({
        "type": "FeatureCollection",
        "title": title,
        "source": source,
        "legend": legend,
        "features": features,
    })
    .to_string()
    .replace('<', "\\u003c")
    .replace('>', "\\u003e")
    .replace('&', "\\u0026")
}

/// Text for SVG and HTML attributes and content.
pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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

    #[test]
    fn the_svg_map_has_every_wijk_and_every_dot() {
        let svg = svg_map(
            &[(5.092, 51.9945), (5.0, 51.9)],
            &|code| (code == "WK196121").then(|| "#ff0000".to_string()),
            "Kaart <test>",
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<path").count(), wijken().len());
        assert_eq!(svg.matches("<circle").count(), 2);
        assert_eq!(svg.matches("#ff0000").count(), 1);
        assert!(svg.contains("aria-label=\"Kaart &lt;test&gt;\""));
    }

    #[test]
    fn the_choropleth_geojson_has_every_area_and_is_safe_to_embed() {
        let features: Vec<MapFeature<'_>> = wijken()
            .iter()
            .map(|a| MapFeature {
                area: a,
                colour: "#54278f".into(),
                label: if a.code == "WK196121" {
                    "<12>".into()
                } else {
                    "0".into()
                },
            })
            .collect();
        let text = choropleth_geojson(
            &features,
            &[("#54278f".into(), "40 of meer".into())],
            "Woninginbraak & </script>",
            "Bron: CBS / Politie",
        );
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["type"], "FeatureCollection");
        assert_eq!(doc["title"], "Woninginbraak & </script>");
        assert_eq!(doc["source"], "Bron: CBS / Politie");
        assert_eq!(doc["legend"][0]["label"], "40 of meer");
        let fs = doc["features"].as_array().unwrap();
        assert_eq!(fs.len(), wijken().len());
        let f = fs
            .iter()
            .find(|f| f["properties"]["code"] == "WK196121")
            .unwrap();
        assert_eq!(f["properties"]["label"], "<12>");
        assert_eq!(f["geometry"]["type"], "MultiPolygon");
        let first = &f["geometry"]["coordinates"][0][0][0];
        assert!(first[0].as_f64().unwrap() > 4.8 && first[1].as_f64().unwrap() > 51.8);
    }
}
