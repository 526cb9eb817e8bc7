//! Area profiles: every indicator with its metadata, its rank in the district, and the district
//! and England reference values.

use std::collections::BTreeMap;

use equimap_atlas::{Area, Atlas, ENGLAND_CODE, Geography, IndicatorDef, Kind, Polarity};
use serde::Serialize;

use crate::{Query, QueryError};

/// A pointer to an area, enough to show and to link it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaRef {
    /// Its geography.
    pub geography: Geography,
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// A friendlier name where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt_name: Option<String>,
}

impl AreaRef {
    /// The reference to an area.
    pub fn of(g: Geography, a: &Area) -> Self {
        Self {
            geography: g,
            code: a.code.clone(),
            name: a.name.clone(),
            alt_name: a.alt_name.clone(),
        }
    }
}

/// A reference value as shown beside an area's.
#[derive(Debug, Clone, Serialize)]
pub struct RefOut {
    /// The reference area (district or England).
    pub name: String,
    /// The value, if one makes sense.
    pub value: Option<f64>,
    /// Its period.
    pub period: String,
    /// How it was made, or why there is none.
    pub method: String,
}

/// Where an area stands among the district's areas of the same geography.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct LocalRank {
    /// 1 = the worst value in the district (by the indicator's polarity; for neutral
    /// indicators, the highest).
    pub rank: usize,
    /// Number of areas with a value.
    pub of: usize,
}

/// One indicator for one area, with everything needed to read it.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorValue {
    /// Indicator id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Theme.
    pub theme: String,
    /// Unit.
    pub unit: String,
    /// Kind of number.
    pub kind: Kind,
    /// Which direction is worse.
    pub polarity: Polarity,
    /// The value; `null` where the source has none (suppressed) — never filled in.
    pub value: Option<f64>,
    /// Decimal places to show.
    pub decimals: u8,
    /// The period at this geography.
    pub period: String,
    /// How the value at this geography was made.
    pub method: String,
    /// True when the value is an estimate rather than published for this geography.
    pub estimate: bool,
    /// True for district-relative figures.
    pub local: bool,
    /// The source.
    pub source: String,
    /// The licence.
    pub licence: String,
    /// Anything needed to read it right.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caveat: Option<String>,
    /// Rank among the district's areas.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_rank: Option<LocalRank>,
    /// The district's reference value.
    pub district: Option<RefOut>,
    /// England's reference value.
    pub england: Option<RefOut>,
}

/// An area profile.
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    /// The area.
    pub area: AreaRef,
    /// Its parents (MSOA, ward, district).
    pub parents: Vec<AreaRef>,
    /// Its children by geography (ward → LSOAs, MSOA → LSOAs).
    pub children: BTreeMap<Geography, Vec<AreaRef>>,
    /// Every indicator held at this geography.
    pub indicators: Vec<IndicatorValue>,
    /// The boundary, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub geometry: Option<serde_json::Value>,
    /// Attribution statements for the figures shown.
    pub attribution: Vec<String>,
}

/// For each geography and indicator, the values sorted worst first.
pub(crate) fn rank_tables(atlas: &Atlas) -> BTreeMap<(Geography, String), Vec<f64>> {
    let mut out = BTreeMap::new();
    for (g, t) in &atlas.tables {
        for def in atlas.catalogue.at(*g) {
            let Some(c) = t.column_index(&def.id) else {
                continue;
            };
            let mut v: Vec<f64> = (0..t.len()).filter_map(|r| t.value_at(r, c)).collect();
            sort_worst_first(&mut v, def.polarity);
            out.insert((*g, def.id.clone()), v);
        }
    }
    out
}

pub(crate) fn sort_worst_first(v: &mut [f64], p: Polarity) {
    match p {
        Polarity::HigherIsBetter => v.sort_by(f64::total_cmp),
        Polarity::HigherIsWorse | Polarity::Neutral => v.sort_by(|a, b| b.total_cmp(a)),
    }
}

/// A district or England reference value for an indicator.
pub(crate) fn reference(atlas: &Atlas, id: &str, scope: &str) -> Option<RefOut> {
    atlas.references.get(id, scope).map(|r| RefOut {
        name: r.scope_name.clone(),
        value: r.value,
        period: r.period.clone(),
        method: r.method.clone(),
    })
}

/// The indicator value of an area, with metadata and references but no rank.
pub(crate) fn indicator_value(
    atlas: &Atlas,
    def: &IndicatorDef,
    g: Geography,
    value: Option<f64>,
) -> Option<IndicatorValue> {
    let level = def.level(g)?;
    Some(IndicatorValue {
        id: def.id.clone(),
        label: def.label.clone(),
        theme: def.theme.clone(),
        unit: def.unit.clone(),
        kind: def.kind,
        polarity: def.polarity,
        value,
        decimals: def.decimals,
        period: level.period.clone(),
        method: level.method.clone(),
        estimate: level.estimate,
        local: def.local,
        source: def.source.clone(),
        licence: def.licence.clone(),
        caveat: def.caveat.clone(),
        local_rank: None,
        district: reference(atlas, &def.id, &atlas.manifest.district),
        england: reference(atlas, &def.id, ENGLAND_CODE),
    })
}

impl Query {
    /// Where `value` stands among the district's areas: 1 = worst.
    pub fn local_rank(&self, g: Geography, id: &str, value: f64) -> Option<LocalRank> {
        let sorted = self.ranks.get(&(g, id.to_owned()))?;
        let def = self.atlas.catalogue.get(id)?;
        let worse = match def.polarity {
            Polarity::HigherIsBetter => sorted.partition_point(|v| *v < value),
            Polarity::HigherIsWorse | Polarity::Neutral => sorted.partition_point(|v| *v > value),
        };
        Some(LocalRank {
            rank: worse + 1,
            of: sorted.len(),
        })
    }

    /// The profile of one area.
    pub fn profile(
        &self,
        g: Geography,
        code: &str,
        with_geometry: bool,
    ) -> Result<Profile, QueryError> {
        let set = self
            .atlas
            .areas(g)
            .ok_or_else(|| QueryError::not_found(format!("no {g} geography")))?;
        let area = set
            .get(code)
            .ok_or_else(|| QueryError::not_found(format!("no {g} area with code {code:?}")))?;
        let parents = area
            .parents
            .iter()
            .filter_map(|(pg, pc)| Some(AreaRef::of(*pg, self.atlas.areas(*pg)?.get(pc)?)))
            .collect();
        let mut children = BTreeMap::new();
        for cg in self.atlas.geographies.keys() {
            let kids = self.atlas.children(g, code, *cg);
            if !kids.is_empty() {
                let set = &self.atlas.geographies[cg];
                children.insert(
                    *cg,
                    kids.iter()
                        .filter_map(|k| set.get(k).map(|a| AreaRef::of(*cg, a)))
                        .collect(),
                );
            }
        }
        let indicators = self
            .atlas
            .catalogue
            .at(g)
            .filter_map(|def| {
                let value = self.atlas.value(g, code, &def.id);
                let mut iv = indicator_value(&self.atlas, def, g, value)?;
                iv.local_rank = value.and_then(|v| self.local_rank(g, &def.id, v));
                Some(iv)
            })
            .collect();
        let geometry = with_geometry.then(|| {
            serde_json::to_value(geojson::Geometry::from(&area.geometry))
                .unwrap_or(serde_json::Value::Null)
        });
        Ok(Profile {
            area: AreaRef::of(g, area),
            parents,
            children,
            indicators,
            geometry,
            attribution: self.atlas.manifest.attribution.clone(),
        })
    }
}
