//! Area profiles: every indicator with its metadata, its rank in the district, and the district
//! and England reference values.

use std::collections::BTreeMap;

use equimap_atlas::{
    Area, Atlas, CountsInterval, ENGLAND_CODE, Geography, IndicatorDef, Kind, Polarity,
};
use serde::Serialize;

use crate::inequality::{Significance, compare, wilson};
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
    /// Its 95% interval, for an indicator held as counts with a Wilson interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<ValueInterval>,
}

/// A value's 95% interval and how it was made.
#[derive(Debug, Clone, Serialize)]
pub struct ValueInterval {
    /// Lower 95% limit.
    pub lower: f64,
    /// Upper 95% limit.
    pub upper: f64,
    /// How the limits were made ("Wilson score interval", or the publisher's method).
    pub method: String,
}

/// The numerator and denominator of a value held as counts.
#[derive(Debug, Clone, Serialize)]
pub struct CountsOut {
    /// The numerator.
    pub numerator: f64,
    /// The denominator.
    pub denominator: f64,
    /// What the numerator counts.
    pub numerator_label: String,
    /// What the denominator counts.
    pub denominator_label: String,
}

/// How a value compares with a benchmark (the district or England), Fingertips-style.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The benchmark area's name.
    pub benchmark: String,
    /// Better, similar or worse (higher, similar or lower for neutral indicators).
    pub significance: Significance,
    /// The same in words, always shown with the colour ("significantly worse than England").
    pub words: String,
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
    /// The value's 95% interval: the publisher's limits, or a Wilson score interval from the
    /// counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<ValueInterval>,
    /// The numerator and denominator, for an indicator held as counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<CountsOut>,
    /// Compared with the district: the district's value inside or outside this value's interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vs_district: Option<Comparison>,
    /// Compared with England.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vs_england: Option<Comparison>,
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
    /// For a footprint of whole areas (a community committee): its wards and where their
    /// membership is published, with a note where it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub footprint: Option<crate::footprint::Footprint>,
    /// The boundary, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub geometry: Option<serde_json::Value>,
    /// Attribution statements for the figures shown.
    pub attribution: Vec<String>,
}

/// For each geography and indicator, a place for its values sorted worst first
/// ([`sorted_worst_first`]), filled on first use.
pub(crate) fn rank_tables(
    atlas: &Atlas,
) -> BTreeMap<(Geography, String), std::sync::OnceLock<Vec<f64>>> {
    let mut out = BTreeMap::new();
    for (g, t) in &atlas.tables {
        for def in atlas.catalogue.at(*g) {
            if t.column_index(&def.id).is_some() {
                out.insert((*g, def.id.clone()), std::sync::OnceLock::new());
            }
        }
    }
    out
}

/// The values of an indicator at a geography, sorted worst first.
fn sorted_worst_first(atlas: &Atlas, g: Geography, def: &IndicatorDef) -> Vec<f64> {
    let Some((t, c)) = atlas
        .tables
        .get(&g)
        .and_then(|t| Some((t, t.column_index(&def.id)?)))
    else {
        return Vec::new();
    };
    let mut v: Vec<f64> = (0..t.len()).filter_map(|r| t.value_at(r, c)).collect();
    sort_worst_first(&mut v, def.polarity);
    v
}

pub(crate) fn sort_worst_first(v: &mut [f64], p: Polarity) {
    match p {
        Polarity::HigherIsBetter => v.sort_by(f64::total_cmp),
        Polarity::HigherIsWorse | Polarity::Neutral => v.sort_by(|a, b| b.total_cmp(a)),
    }
}

/// A district or England reference value for an indicator, with its Wilson interval where the
/// indicator is held as counts.
pub(crate) fn reference(atlas: &Atlas, id: &str, scope: &str) -> Option<RefOut> {
    let def = atlas.catalogue.get(id);
    atlas.references.get(id, scope).map(|r| RefOut {
        name: r.scope_name.clone(),
        value: r.value,
        period: r.period.clone(),
        method: r.method.clone(),
        interval: def.and_then(|d| wilson_of(d, r.numerator.zip(r.denominator))),
    })
}

/// The Wilson score interval of counts, for an indicator whose counts call for one.
pub(crate) fn wilson_of(def: &IndicatorDef, counts: Option<(f64, f64)>) -> Option<ValueInterval> {
    let c = def.counts.as_ref()?;
    if c.interval != Some(CountsInterval::Wilson) {
        return None;
    }
    let (num, den) = counts?;
    let (lower, upper) = wilson(num, den)?;
    Some(ValueInterval {
        lower,
        upper,
        method: WILSON_METHOD.to_owned(),
    })
}

/// How a Wilson interval is described wherever it is shown.
pub const WILSON_METHOD: &str = "Wilson score 95% interval from the numerator and denominator (OHID technical guidance; PHEindicatormethods phe_proportion)";

/// Fill in a value's interval, counts and comparisons with the district and England.
/// `counts` are the value's numerator and denominator; `published` the publisher's limits.
pub(crate) fn add_statistics(
    iv: &mut IndicatorValue,
    atlas: &Atlas,
    def: &IndicatorDef,
    g: Geography,
    counts: Option<(f64, f64)>,
    published: Option<(f64, f64)>,
) {
    iv.interval = wilson_of(def, counts).or_else(|| {
        let (lower, upper) = published?;
        Some(ValueInterval {
            lower,
            upper,
            method: def.interval_at(g)?.method.clone(),
        })
    });
    if let (Some(c), Some((numerator, denominator))) = (&def.counts, counts) {
        iv.counts = Some(CountsOut {
            numerator,
            denominator,
            numerator_label: c.numerator_label.clone(),
            denominator_label: c.denominator_label.clone(),
        });
    }
    let ci = iv.interval.as_ref().map(|i| (i.lower, i.upper));
    let versus = |r: &Option<RefOut>| -> Option<Comparison> {
        let r = r.as_ref()?;
        let significance = compare(ci, r.value, def.polarity)?;
        Some(Comparison {
            benchmark: r.name.clone(),
            significance,
            words: comparison_words(significance, &r.name),
        })
    };
    let is_district = g == Geography::District || atlas.manifest.district == "all";
    if !is_district {
        iv.vs_district = versus(&iv.district);
    }
    iv.vs_england = versus(&iv.england);
}

/// A value's interval, counts and comparisons, as the table view and CSV exports show them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ValueStats {
    /// The value's 95% interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<ValueInterval>,
    /// Its numerator and denominator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<CountsOut>,
    /// Compared with the district.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vs_district: Option<Comparison>,
    /// Compared with England.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vs_england: Option<Comparison>,
}

impl Query {
    /// The interval, counts and comparisons of an indicator's value for one area.
    pub fn value_stats(&self, def: &IndicatorDef, g: Geography, code: &str) -> ValueStats {
        let value = self.atlas.value(g, code, &def.id);
        let Some(mut iv) = indicator_value(&self.atlas, def, g, value) else {
            return ValueStats::default();
        };
        add_statistics(
            &mut iv,
            &self.atlas,
            def,
            g,
            self.atlas.counts(g, code, def),
            self.atlas.published_interval(g, code, def),
        );
        ValueStats {
            interval: iv.interval,
            counts: iv.counts,
            vs_district: iv.vs_district,
            vs_england: iv.vs_england,
        }
    }
}

/// "significantly worse than England", "similar to Leeds".
pub fn comparison_words(s: Significance, benchmark: &str) -> String {
    match s {
        Significance::Similar => format!("similar to {benchmark}"),
        other => format!("{} than {benchmark}", other.words()),
    }
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
        interval: None,
        counts: None,
        vs_district: None,
        vs_england: None,
    })
}

impl Query {
    /// Where `value` stands among the district's areas: 1 = worst.
    pub fn local_rank(&self, g: Geography, id: &str, value: f64) -> Option<LocalRank> {
        let def = self.atlas.catalogue.get(id)?;
        let sorted = self
            .ranks
            .get(&(g, id.to_owned()))?
            .get_or_init(|| sorted_worst_first(&self.atlas, g, def));
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
                add_statistics(
                    &mut iv,
                    &self.atlas,
                    def,
                    g,
                    self.atlas.counts(g, code, def),
                    self.atlas.published_interval(g, code, def),
                );
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
            footprint: self.footprint(g, code),
            geometry,
            attribution: self.atlas.manifest.attribution.clone(),
        })
    }
}
