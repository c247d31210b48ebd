//! Benjamini–Hochberg false-discovery control across many series (buurt level),
//! and the region level of a CBS code.

use serde::{Deserialize, Serialize};

/// BH-adjusted p-values (`q`-values), in input order. NaN p-values are treated as 1.
pub fn benjamini_hochberg(pvalues: &[f64]) -> Vec<f64> {
    let m = pvalues.len();
    let clean: Vec<f64> = pvalues
        .iter()
        .map(|p| {
            if p.is_finite() {
                p.clamp(0.0, 1.0)
            } else {
                1.0
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| clean[a].total_cmp(&clean[b]));
    let mut adj = vec![1.0; m];
    let mut running: f64 = 1.0;
    for (rank, &i) in order.iter().enumerate().rev() {
        let v = clean[i] * m as f64 / (rank + 1) as f64;
        running = running.min(v);
        adj[i] = running.min(1.0);
    }
    adj
}

/// Benjamini–Hochberg step-up at FDR level `q`: `true` for each rejected
/// hypothesis (alarm), in input order.
pub fn fdr_alarms(pvalues: &[f64], q: f64) -> Vec<bool> {
    benjamini_hochberg(pvalues)
        .into_iter()
        .map(|a| a <= q)
        .collect()
}

/// Region level of a CBS region code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegionLevel {
    /// `NLxx`
    Country,
    /// `GMgggg`
    Gemeente,
    /// `WKggggww`
    Wijk,
    /// `BUggggwwbb`
    Buurt,
}

/// Level of a (possibly space-padded) CBS code, with its parent codes
/// (`BU19612401` → Buurt, `["WK196124", "GM1961"]`). `None` if unrecognised.
pub fn region_level(code: &str) -> Option<(RegionLevel, Vec<String>)> {
    let c = code.trim();
    let digits = |s: &str| s.chars().all(|ch| ch.is_ascii_digit());
    let (pre, rest) = (c.get(..2)?, c.get(2..)?);
    match (pre, rest.len()) {
        ("NL", 2) if digits(rest) => Some((RegionLevel::Country, vec![])),
        ("GM", 4) if digits(rest) => Some((RegionLevel::Gemeente, vec![])),
        ("WK", 6) if digits(rest) => Some((RegionLevel::Wijk, vec![format!("GM{}", &rest[..4])])),
        ("BU", 8) if digits(rest) => Some((
            RegionLevel::Buurt,
            vec![format!("WK{}", &rest[..6]), format!("GM{}", &rest[..4])],
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bh_matches_r_p_adjust() {
        // p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.2), "BH") = 0.025 0.05 0.05 0.025 0.2
        let adj = benjamini_hochberg(&[0.01, 0.04, 0.03, 0.005, 0.2]);
        let want = [0.025, 0.05, 0.05, 0.025, 0.2];
        for (a, w) in adj.iter().zip(want) {
            assert!((a - w).abs() < 1e-12, "{adj:?}");
        }
        assert_eq!(
            fdr_alarms(&[0.01, 0.04, 0.03, 0.005, 0.2, f64::NAN], 0.05),
            vec![true, false, false, true, false, false]
        );
        assert!(fdr_alarms(&[], 0.05).is_empty());
    }

    #[test]
    fn region_levels() {
        let (l, p) = region_level("BU19612401").unwrap();
        assert_eq!(l, RegionLevel::Buurt);
        assert_eq!(p, vec!["WK196124".to_string(), "GM1961".to_string()]);
        assert_eq!(region_level("WK196101  ").unwrap().0, RegionLevel::Wijk);
        assert_eq!(region_level("GM1961").unwrap().0, RegionLevel::Gemeente);
        assert!(region_level("XX12").is_none());
    }
}
