//! Custom areas: a named footprint made of LSOAs, MSOAs, wards or community committees, or drawn as a polygon, with
//! the same kind of profile as any area. This is how a Local Care Partnership, a school cluster
//! or a regeneration zone describes itself; no official LCP boundaries are published, so none
//! are invented here.

use equimap_atlas::{Geography, Kind};
use serde::{Deserialize, Serialize};

use crate::profile::{IndicatorValue, add_statistics, indicator_value};
use crate::site::{LsoaShare, ZoneFigures, parse_site};
use crate::{AreaRef, Query, QueryError};

/// How a custom area is defined: codes of one geography, or a polygon.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CustomAreaSpec {
    /// A short id (for `--areas` files), letters, digits and dashes.
    #[serde(default)]
    pub id: Option<String>,
    /// The name shown.
    pub name: String,
    /// What it is and who defined it.
    #[serde(default)]
    pub description: Option<String>,
    /// The geography of `codes`: lsoa21, msoa21, ward or committee.
    #[serde(default)]
    pub geography: Option<String>,
    /// Area codes.
    #[serde(default)]
    pub codes: Option<Vec<String>>,
    /// Or a GeoJSON polygon (WGS84 or BNG).
    #[serde(default)]
    pub geometry: Option<serde_json::Value>,
}

/// A custom area's profile.
#[derive(Debug, Clone, Serialize)]
pub struct CustomArea {
    /// Its id, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Its name.
    pub name: String,
    /// Its description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// How it was built.
    pub definition: String,
    /// The areas named in the definition.
    pub members: Vec<AreaRef>,
    /// The LSOA 2021 areas it covers and the share of each.
    pub lsoas: Vec<LsoaShare>,
    /// Summary figures: residents, deprivation mix, life expectancy.
    pub figures: ZoneFigures,
    /// Indicators aggregated from LSOA 2021 values, weighted by residents (all estimates).
    pub indicators: Vec<IndicatorValue>,
    /// Repairs and assumptions.
    pub notes: Vec<String>,
    /// Attribution.
    pub attribution: Vec<String>,
    /// The polygon in WGS84, for a footprint drawn or uploaded as one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub geometry: Option<geojson::Geometry>,
}

/// The most codes a footprint may hold.
pub const MAX_CODES: usize = 5_000;

/// The geographies a footprint of codes may be made of.
pub const CODE_GEOGRAPHIES: [Geography; 4] = [
    Geography::Lsoa21,
    Geography::Msoa21,
    Geography::Ward,
    Geography::Committee,
];

/// A footprint's LSOA shares, its named members, its definition in words and its polygon.
type Built = (
    Vec<(usize, f64)>,
    Vec<AreaRef>,
    String,
    Option<geojson::Geometry>,
);

impl Query {
    /// Build a custom area's profile.
    pub fn custom_area(&self, spec: &CustomAreaSpec) -> Result<CustomArea, QueryError> {
        if spec.name.trim().is_empty() || spec.name.len() > 200 {
            return Err(QueryError::bad(
                "a custom area needs a name of 1 to 200 characters",
            ));
        }
        let mut notes = Vec::new();
        let (shares, members, definition, geometry) = match (&spec.codes, &spec.geometry) {
            (Some(codes), None) => {
                self.footprint_of_codes(spec.geography.as_deref(), codes, &mut notes)?
            }
            (None, Some(geom)) => self.footprint_of_polygon(geom, &mut notes)?,
            _ => {
                return Err(QueryError::bad(
                    "give either `codes` (with `geography`) or `geometry`, not both or neither",
                ));
            }
        };
        let (figures, lsoas) = self.figures(&shares);
        let indicators = self.aggregate_indicators(&shares);
        Ok(CustomArea {
            id: spec.id.clone(),
            name: spec.name.clone(),
            description: spec.description.clone(),
            definition,
            members,
            lsoas,
            figures,
            indicators,
            notes,
            attribution: self.atlas.manifest.attribution.clone(),
            geometry,
        })
    }

    /// A footprint of whole areas of one geography.
    fn footprint_of_codes(
        &self,
        gname: Option<&str>,
        codes: &[String],
        notes: &mut Vec<String>,
    ) -> Result<Built, QueryError> {
        let gname = gname.ok_or_else(|| {
            QueryError::bad(
                "`geography` (lsoa21, msoa21, ward or committee) must say what the codes are",
            )
        })?;
        let g = self.geography(gname)?;
        if !CODE_GEOGRAPHIES.contains(&g) {
            return Err(QueryError::bad(format!(
                "custom areas are built from lsoa21, msoa21, ward or committee codes, not {g}"
            )));
        }
        let set = self
            .atlas
            .areas(g)
            .ok_or_else(|| QueryError::bad(format!("this atlas has no {g} areas")))?;
        let codes = distinct(codes);
        if codes.is_empty() {
            return Err(QueryError::bad(
                "the footprint is empty: give at least one code",
            ));
        }
        if codes.len() > MAX_CODES {
            return Err(QueryError::bad(format!(
                "the footprint has {} codes, over the limit of {MAX_CODES}",
                codes.len()
            )));
        }
        let unknown: Vec<&str> = codes
            .iter()
            .copied()
            .filter(|c| set.get(c).is_none())
            .collect();
        if !unknown.is_empty() {
            return Err(QueryError::bad(format!(
                "unknown {g} code(s) in this atlas: {}",
                unknown.join(", ")
            )));
        }
        let lsoa_set = self
            .atlas
            .areas(Geography::Lsoa21)
            .ok_or_else(|| QueryError::not_found("this atlas has no LSOA 2021 areas"))?;
        let mut idx: Vec<usize> = if g == Geography::Lsoa21 {
            codes.iter().filter_map(|c| lsoa_set.index_of(c)).collect()
        } else {
            codes
                .iter()
                .flat_map(|c| self.atlas.children(g, c, Geography::Lsoa21))
                .filter_map(|c| lsoa_set.index_of(c))
                .collect()
        };
        idx.sort_unstable();
        idx.dedup();
        if matches!(g, Geography::Ward | Geography::Committee) {
            notes.push("Wards (and the community committees made of them) are made of the LSOAs assigned to them best-fit by the ONS lookup; LSOAs do not nest in wards exactly.".to_owned());
        }
        let members = codes
            .iter()
            .filter_map(|c| set.get(c).map(|a| AreaRef::of(g, a)))
            .collect();
        Ok((
            idx.into_iter().map(|i| (i, 1.0)).collect(),
            members,
            format!("{} {g} area(s)", codes.len()),
            None,
        ))
    }

    /// A footprint drawn or uploaded as a polygon (WGS84 or BNG).
    fn footprint_of_polygon(
        &self,
        geom: &serde_json::Value,
        notes: &mut Vec<String>,
    ) -> Result<Built, QueryError> {
        let body = serde_json::to_vec(geom).map_err(|e| QueryError::bad(e.to_string()))?;
        let site = parse_site(&body, None)?;
        notes.extend(site.notes.iter().cloned());
        let (shares, _) = self.lsoa_shares(&site.bng);
        if shares.is_empty() && !self.overlaps_atlas(&site.bng) {
            return Err(QueryError::bad("the polygon does not overlap the atlas"));
        }
        notes.push(if self.has_resident_points() {
            "Residents are placed where they live: Output Area populations on residential land (docs/residents.md); each LSOA's share is the share of its residents inside the polygon.".to_owned()
        } else {
            "Residents are apportioned by the share of each LSOA's area inside the polygon.".to_owned()
        });
        let wgs84 = geojson::Geometry::from(&crate::site::to_wgs84(&site.bng));
        Ok((
            shares,
            Vec::new(),
            format!("a polygon ({})", site.crs_how),
            Some(wgs84),
        ))
    }

    /// LSOA 2021 indicators aggregated over shares: counts summed, the rest resident-weighted.
    /// Rows and columns are looked up once, not per value (a site report does this per zone).
    pub(crate) fn aggregate_indicators(&self, shares: &[(usize, f64)]) -> Vec<IndicatorValue> {
        let g = Geography::Lsoa21;
        let (Some(set), Some(table)) = (self.atlas.areas(g), self.atlas.tables.get(&g)) else {
            return Vec::new();
        };
        let rows = share_rows(set, table, shares);
        self.atlas
            .catalogue
            .at(g)
            .filter(|d| matches!(d.kind, Kind::Score | Kind::Years | Kind::Share | Kind::Count) && !d.local)
            .filter_map(|d| {
                let col = table.column_index(&d.id)?;
                if let Some(iv) = self.ratio_of_counts(d, table, &rows) {
                    return Some(iv);
                }
                let (mut s, mut w) = (0.0, 0.0);
                for &(r, share, pop) in &rows {
                    if let Some(v) = table.value_at(r, col) {
                        if d.kind == Kind::Count {
                            s += v * share;
                            w = 1.0;
                        } else {
                            s += v * pop;
                            w += pop;
                        }
                    }
                }
                let value = (w > 0.0).then(|| if d.kind == Kind::Count { s.round() } else { s / w });
                let mut iv = indicator_value(&self.atlas, d, g, value)?;
                iv.estimate = true;
                iv.method = if d.kind == Kind::Count {
                    "Sum over the LSOA 2021 areas covered, each times its share of residents".to_owned()
                } else {
                    format!("Mean of the LSOA 2021 values weighted by estimated residents; at LSOA level: {}", iv.method)
                };
                Some(iv)
            })
            .collect()
    }

    /// An indicator held as counts (its catalogue `counts`): numerator and denominator each
    /// summed over the LSOA shares, then divided, so the zone's value is a ratio of counts,
    /// never an average of rates.
    pub(crate) fn ratio_of_counts(
        &self,
        d: &equimap_atlas::IndicatorDef,
        table: &equimap_atlas::IndicatorTable,
        rows: &[(usize, f64, f64)],
    ) -> Option<IndicatorValue> {
        let c = d.counts.as_ref()?;
        let (nc, dc) = (
            table.column_index(&c.numerator)?,
            table.column_index(&c.denominator)?,
        );
        let (mut num, mut den) = (0.0, 0.0);
        for &(r, share, _) in rows {
            if let (Some(n), Some(m)) = (table.value_at(r, nc), table.value_at(r, dc)) {
                num += n * share;
                den += m * share;
            }
        }
        let counts = (den > 0.0).then_some((num, den));
        let g = Geography::Lsoa21;
        let mut iv = indicator_value(&self.atlas, d, g, counts.map(|(n, dd)| n / dd))?;
        iv.estimate = true;
        iv.method = format!(
            "{} over {}, each summed over the LSOA 2021 areas covered times their share of residents",
            c.numerator_label, c.denominator_label
        );
        add_statistics(&mut iv, &self.atlas, d, g, counts, None);
        Some(iv)
    }
}

/// `(row, share, residents of the share)` for each LSOA share with a row in the LSOA table.
pub(crate) fn share_rows(
    set: &equimap_atlas::AreaSet,
    table: &equimap_atlas::IndicatorTable,
    shares: &[(usize, f64)],
) -> Vec<(usize, f64, f64)> {
    let pop_col = table.column_index("population");
    shares
        .iter()
        .filter_map(|&(i, share)| {
            let r = table.row_index(&set.areas[i].code)?;
            let pop = pop_col.and_then(|c| table.value_at(r, c)).unwrap_or(0.0);
            Some((r, share, pop * share))
        })
        .collect()
}

/// The codes in their first order, each once, trimmed.
fn distinct(codes: &[String]) -> Vec<&str> {
    let mut seen = std::collections::HashSet::new();
    codes
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty() && seen.insert(*c))
        .collect()
}
