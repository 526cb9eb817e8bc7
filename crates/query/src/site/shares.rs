//! How much of each LSOA's population a zone holds: from the resident points where the atlas
//! has them (docs/residents.md), else by the share of the LSOA's area.

use geo::{Area, BooleanOps, BoundingRect, MultiPolygon};
use serde::Serialize;

use crate::Query;

/// How residents were placed in a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Output Area residents on residential land (dasymetric), docs/residents.md.
    Dasymetric,
    /// Each LSOA's residents spread evenly over its area.
    Areal,
}

impl Method {
    /// The word used in reports.
    pub fn id(self) -> &'static str {
        match self {
            Self::Dasymetric => "dasymetric",
            Self::Areal => "areal",
        }
    }
}

impl Query {
    /// Shares (0–1) of LSOA 2021 populations inside a BNG zone, largest first, by the best
    /// method the atlas allows, and the number of LSOAs that fell back to area weighting.
    pub(crate) fn lsoa_shares(&self, zone: &MultiPolygon<f64>) -> (Vec<(usize, f64)>, usize) {
        self.lsoa_shares_by(zone, Method::Dasymetric)
    }

    /// Shares by a chosen method. `Dasymetric` counts resident points for the LSOAs that have
    /// them and falls back to area for the others; `Areal` uses area everywhere.
    pub fn lsoa_shares_by(
        &self,
        zone: &MultiPolygon<f64>,
        method: Method,
    ) -> (Vec<(usize, f64)>, usize) {
        let Some(r) = zone.bounding_rect() else {
            return (Vec::new(), 0);
        };
        let points = self
            .sites
            .residents
            .as_ref()
            .filter(|_| method == Method::Dasymetric);
        let mut out = Vec::new();
        if let Some(ix) = points {
            let mut acc = vec![0.0; ix.lsoa_total.len()];
            ix.count(zone, &mut acc);
            out.extend(
                acc.iter()
                    .enumerate()
                    .filter(|(_, v)| **v > 0.0)
                    .map(|(i, v)| (i, (v / ix.lsoa_total[i]).clamp(0.0, 1.0))),
            );
        }
        let mut fell_back = 0;
        let lsoas = self.sites.lsoas(&self.atlas);
        for i in lsoas.candidates(r) {
            if points.is_some_and(|ix| ix.covers(i)) {
                continue;
            }
            let (poly, area) = &lsoas.lsoas[i];
            if *area <= 0.0 {
                continue;
            }
            let share = (zone.intersection(poly).unsigned_area() / area).clamp(0.0, 1.0);
            if share > 1e-9 {
                out.push((i, share));
                fell_back += usize::from(points.is_some());
            }
        }
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        (out, fell_back)
    }

    /// Estimated residents inside a BNG zone by a chosen method (for validation).
    pub fn zone_residents(&self, zone: &MultiPolygon<f64>, method: Method) -> f64 {
        let Some(set) = self.atlas.areas(equimap_atlas::Geography::Lsoa21) else {
            return 0.0;
        };
        self.lsoa_shares_by(zone, method)
            .0
            .iter()
            .map(|(i, s)| {
                s * self
                    .atlas
                    .value(
                        equimap_atlas::Geography::Lsoa21,
                        &set.areas[*i].code,
                        "population",
                    )
                    .unwrap_or(0.0)
            })
            .sum()
    }

    /// Whether a BNG zone meets any LSOA of the atlas (a zone can meet the atlas and hold no
    /// residents: a park, an industrial estate, offices).
    pub(crate) fn overlaps_atlas(&self, zone: &MultiPolygon<f64>) -> bool {
        use geo::Intersects;
        let lsoas = self.sites.lsoas(&self.atlas);
        zone.bounding_rect().is_some_and(|r| {
            lsoas
                .candidates(r)
                .any(|i| lsoas.lsoas[i].0.intersects(zone))
        })
    }

    /// Whether the atlas has resident points.
    pub fn has_resident_points(&self) -> bool {
        self.sites.residents.is_some()
    }
}
