//! The May 2025 ward layer, for every selection but Leeds alone (Leeds keeps its published
//! lookup and its December 2023 ward boundaries).
//!
//! ONS publishes no LSOA 2021 → ward 2025 lookup, and none is in the sources. Per district:
//! - if every ward of the district in the ONS LSOA21 → ward 2024 best-fit lookup is still a May
//!   2025 ward of the district (ward codes change whenever a boundary does), the lookup is used
//!   as published;
//! - otherwise each LSOA 2021 of the district goes to the May 2025 ward of the district that holds
//!   its **interior point** (a point inside its boundary as the atlas holds it; a border point
//!   goes to the lowest ward code), or to the nearest of the district's wards when none holds it
//!   (a gap between generalised boundaries, or land moved to another district), and each LSOA
//!   2011 to the ward of its first 2021 successor (by code). ONS's own best fit places
//!   population-weighted Output Area centroids, which are not in the sources for England, so
//!   these assignments are best-fit estimates made here, and the catalogue says so.
//!
//! A district whose May 2025 wards carry a new district code (Barnsley and Sheffield after their
//! 2024 boundary change) takes the 2025 district that shares most of its 2024 ward codes. Wards
//! that hold no LSOA (City of London's small wards, under either rule) are left out of the layer
//! and named in the summary: every ward figure is built from LSOAs.

use std::collections::{BTreeMap, BTreeSet};

use std::fmt::Write;

use equimap_atlas::{Area, AreaSet, Catalogue, Geography, LayerRecord};
use geo::{
    BoundingRect, Closest, ClosestPoint, Distance, Haversine, InteriorPoint, Intersects,
    MultiPolygon, Point, Rect,
};

use crate::boundaries::BuiltGeography;
use crate::error::{IngestError, Result};
use crate::geom::areas_with_property;
use crate::membership::{Membership, Selection};
use crate::read::SourceLog;
use crate::sources::{WARDS_2025, WARDS_2025_DISTRICT, WARDS_2025_VINTAGE};

/// One May 2025 ward.
struct Ward {
    name: String,
    district: String,
    geometry: MultiPolygon<f64>,
    bbox: Option<Rect<f64>>,
}

/// The May 2025 wards of England, as published (cleaned like every boundary).
pub struct Wards2025 {
    wards: BTreeMap<String, Ward>,
    repaired: Vec<(String, String)>,
}

/// How one district's LSOAs were given their wards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// The ONS LSOA21 → ward 2024 best-fit lookup (the district's wards did not change).
    Lookup,
    /// The May 2025 ward holding the LSOA's interior point.
    InteriorPoint,
}

/// What the assignment did, for the catalogue, the manifest and the summary.
#[derive(Debug, Default)]
pub struct Assignment {
    /// Each selected district's rule.
    pub rules: BTreeMap<String, Rule>,
    /// LSOAs 2021 whose 2024 ward is still a May 2025 ward: (interior point in that ward, all).
    pub agreement: (usize, usize),
    /// LSOAs 2021 whose interior point lies in none of their district's wards: (LSOA, ward given).
    pub nearest: Vec<(String, String)>,
    /// May 2025 wards of the selected districts that hold no LSOA, left out of the layer.
    pub empty: Vec<String>,
    /// 2024 district → May 2025 district, where the code changed.
    pub renamed: BTreeMap<String, String>,
}

/// True when the selection takes the May 2025 wards: anything but Leeds alone, when the
/// sources hold the file.
pub fn applies(log: &SourceLog, sel: &Selection) -> bool {
    *sel != Selection::District(crate::membership::LEEDS.to_owned()) && log.exists(WARDS_2025.path)
}

impl Wards2025 {
    /// Read the May 2025 wards.
    pub fn read(log: &mut SourceLog) -> Result<Self> {
        let src = log.read(WARDS_2025.path, "ward boundaries (May 2025)")?;
        let (areas, repaired, district) =
            areas_with_property(&src, WARDS_2025.code, WARDS_2025.name, WARDS_2025_DISTRICT)?;
        let mut wards = BTreeMap::new();
        for (code, (name, geometry)) in areas {
            let district = district
                .get(&code)
                .cloned()
                .ok_or_else(|| IngestError::Geometry {
                    path: src.path.clone(),
                    code: code.clone(),
                    message: format!("no {WARDS_2025_DISTRICT:?} property"),
                })?;
            let bbox = geometry.bounding_rect();
            wards.insert(
                code,
                Ward {
                    name,
                    district,
                    geometry,
                    bbox,
                },
            );
        }
        Ok(Self { wards, repaired })
    }

    /// Every ward's code, by May 2025 district.
    fn by_district(&self) -> BTreeMap<&str, BTreeSet<&str>> {
        let mut out: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (code, w) in &self.wards {
            out.entry(w.district.as_str())
                .or_default()
                .insert(code.as_str());
        }
        out
    }

    /// The ward of `wards` (sorted codes) holding `p`, else the nearest one.
    fn locate(&self, wards: &BTreeSet<&str>, p: Point<f64>) -> (String, bool) {
        let holds = wards.iter().find(|c| {
            let w = &self.wards[**c];
            w.bbox.is_some_and(|b| b.intersects(&p)) && w.geometry.intersects(&p)
        });
        if let Some(c) = holds {
            return ((*c).to_owned(), true);
        }
        let metres = |c: &&str| match self.wards[*c].geometry.closest_point(&p) {
            Closest::Intersection(q) | Closest::SinglePoint(q) => Haversine.distance(p, q),
            Closest::Indeterminate => f64::INFINITY,
        };
        let nearest = wards
            .iter()
            .map(|c| (metres(c), *c))
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)))
            .map_or_else(String::new, |(_, c)| c.to_owned());
        (nearest, false)
    }

    /// The ward layer: the wards the membership holds, with their parents.
    pub fn built(&self, m: &Membership) -> Result<BuiltGeography> {
        let parents = &m.parents[&Geography::Ward];
        let areas = parents
            .iter()
            .map(|(code, p)| {
                let w = self.wards.get(code).ok_or_else(|| {
                    IngestError::Check(format!(
                        "{}: ward {code} of the selection is not in the file",
                        WARDS_2025.path
                    ))
                })?;
                Ok(Area {
                    code: code.clone(),
                    name: w.name.clone(),
                    alt_name: None,
                    parents: p.clone().into(),
                    geometry: w.geometry.clone(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let repaired = self
            .repaired
            .iter()
            .filter(|(c, _)| parents.contains_key(c))
            .cloned()
            .collect();
        Ok(BuiltGeography {
            areas: AreaSet::new(areas).map_err(IngestError::Check)?,
            file: WARDS_2025,
            repaired,
        })
    }
}

/// The May 2025 district of each selected 2024 district: the same code, else the one sharing
/// most of its 2024 ward codes.
fn successors(
    lookup_wards: &BTreeMap<String, BTreeSet<String>>,
    by_district: &BTreeMap<&str, BTreeSet<&str>>,
) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (lad, wards) in lookup_wards {
        if by_district.contains_key(lad.as_str()) {
            out.insert(lad.clone(), lad.clone());
            continue;
        }
        let best = by_district
            .iter()
            .map(|(d, w)| (wards.iter().filter(|c| w.contains(c.as_str())).count(), *d))
            .filter(|(n, _)| *n > 0)
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(a.1)));
        let Some((_, d)) = best else {
            return Err(IngestError::Check(format!(
                "{}: district {lad} has no May 2025 wards under its code and shares no ward code with any May 2025 district",
                WARDS_2025.path
            )));
        };
        out.insert(lad.clone(), d.to_owned());
    }
    Ok(out)
}

/// Give every selected LSOA its May 2025 ward (see the module), and rebuild the wards' parents.
pub fn assign(m: &mut Membership, lsoa21: &AreaSet, w: &Wards2025) -> Result<Assignment> {
    let lsoas = m
        .parents
        .get_mut(&Geography::Lsoa21)
        .ok_or_else(|| IngestError::Check("the membership has no LSOA 2021s".to_owned()))?;
    let mut lookup_wards: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in lsoas.values() {
        lookup_wards
            .entry(p[&Geography::District].clone())
            .or_default()
            .insert(p[&Geography::Ward].clone());
    }
    let by_district = w.by_district();
    let succ = successors(&lookup_wards, &by_district)?;
    let mut a = Assignment::default();
    for (lad, wards) in &lookup_wards {
        let now = &by_district[succ[lad].as_str()];
        let same = lad == &succ[lad] && wards.iter().all(|c| now.contains(c.as_str()));
        a.rules.insert(
            lad.clone(),
            if same {
                Rule::Lookup
            } else {
                Rule::InteriorPoint
            },
        );
        if lad != &succ[lad] {
            a.renamed.insert(lad.clone(), succ[lad].clone());
        }
    }
    for (code, p) in lsoas.iter_mut() {
        let lad = p[&Geography::District].clone();
        let area = lsoa21
            .get(code)
            .ok_or_else(|| IngestError::Check(format!("LSOA 2021 {code} has no boundary")))?;
        let point = area
            .geometry
            .interior_point()
            .ok_or_else(|| IngestError::Check(format!("LSOA 2021 {code} has an empty boundary")))?;
        let (ward, inside) = w.locate(&by_district[succ[&lad].as_str()], point);
        let published = p[&Geography::Ward].clone();
        if w.wards.contains_key(&published) {
            a.agreement.1 += 1;
            a.agreement.0 += usize::from(ward == published);
        }
        if a.rules[&lad] == Rule::InteriorPoint {
            if !inside {
                a.nearest.push((code.clone(), ward.clone()));
            }
            p.insert(Geography::Ward, ward);
        }
    }
    lsoa11_wards(m, &a.rules);
    let held: BTreeSet<String> = m
        .codes(Geography::Ward)
        .into_iter()
        .map(str::to_owned)
        .collect();
    a.empty = succ
        .values()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .flat_map(|d| by_district[d.as_str()].iter())
        .filter(|c| !held.contains(**c))
        .map(|c| (*c).to_owned())
        .collect();
    Ok(a)
}

/// LSOA 2011s of interior-point districts take the ward of their first 2021 successor (by
/// code); the wards' own parents are rebuilt from the LSOA 2021s.
fn lsoa11_wards(m: &mut Membership, rules: &BTreeMap<String, Rule>) {
    let lsoa21 = &m.parents[&Geography::Lsoa21];
    let mut first: BTreeMap<&str, String> = BTreeMap::new();
    for (a, b) in &m.lsoa11_to_21 {
        if let Some(p) = lsoa21.get(b) {
            first
                .entry(a.as_str())
                .or_insert_with(|| p[&Geography::Ward].clone());
        }
    }
    let best_fit = |p: &BTreeMap<Geography, String>| {
        rules.get(&p[&Geography::District]) == Some(&Rule::InteriorPoint)
    };
    let mut moved = BTreeMap::new();
    for (code, p) in &m.parents[&Geography::Lsoa11] {
        if best_fit(p)
            && let Some(ward) = first.get(code.as_str())
        {
            moved.insert(code.clone(), ward.clone());
        }
    }
    let mut wards: BTreeMap<String, BTreeMap<Geography, String>> = BTreeMap::new();
    for p in lsoa21.values() {
        wards.entry(p[&Geography::Ward].clone()).or_insert_with(|| {
            BTreeMap::from([(Geography::District, p[&Geography::District].clone())])
        });
    }
    m.parents.insert(Geography::Ward, wards);
    if let Some(l11) = m.parents.get_mut(&Geography::Lsoa11) {
        for (code, ward) in moved {
            if let Some(p) = l11.get_mut(&code) {
                p.insert(Geography::Ward, ward);
            }
        }
    }
    m.ward_fallbacks
        .retain(|(l11, _, _)| !m.parents[&Geography::Lsoa11].get(l11).is_some_and(best_fit));
}

impl Assignment {
    /// The districts assigned by interior point.
    fn best_fit(&self) -> Vec<&str> {
        self.rules
            .iter()
            .filter(|(_, r)| **r == Rule::InteriorPoint)
            .map(|(d, _)| d.as_str())
            .collect()
    }

    /// The agreement of the interior-point rule with the ONS lookup, in words.
    pub fn agreement_words(&self) -> String {
        let (same, all) = self.agreement;
        #[allow(clippy::cast_precision_loss)] // counts of LSOAs, far below 2^52
        let pct = if all == 0 {
            0.0
        } else {
            100.0 * same as f64 / all as f64
        };
        format!(
            "on the LSOAs whose 2024 ward is unchanged in May 2025, the interior-point rule gives the ONS lookup's ward for {same} of {all} ({pct:.1}%)"
        )
    }

    /// How LSOAs were assigned to wards, in one sentence for every ward figure's method; `None`
    /// when every district used the ONS lookup.
    pub fn method(&self) -> Option<String> {
        let best_fit = self.best_fit();
        if best_fit.is_empty() {
            return None;
        }
        Some(format!(
            "Wards are the ONS May 2025 wards. In {} of {} districts ({}), whose wards changed after the ONS LSOA21→ward 2024 lookup, ward figures are best-fit estimates made here (ONS publishes no LSOA 2021 → ward 2025 lookup): each LSOA 2021 is assigned to the May 2025 ward of its district holding its interior point (the nearest where none does) and each LSOA 2011 to its first 2021 successor's ward, not ONS's population-weighted best fit; the other districts use the ONS lookup, whose wards are unchanged. Agreement: {}",
            best_fit.len(),
            self.rules.len(),
            best_fit.join(", "),
            self.agreement_words()
        ))
    }

    /// Label the ward layer's manifest record with how it was made.
    pub fn label_records(&self, records: &mut BTreeMap<Geography, LayerRecord>) {
        if let Some(r) = records.get_mut(&Geography::Ward) {
            r.source = self.source();
            WARDS_2025_VINTAGE.clone_into(&mut r.vintage);
        }
    }

    /// Add [`Assignment::method`] to every ward figure's method, labelled an estimate, where
    /// some ward was assigned by the interior-point rule.
    pub fn label_catalogue(&self, catalogue: &mut Catalogue) {
        let Some(method) = self.method() else {
            return;
        };
        for def in &mut catalogue.indicators {
            for l in &mut def.levels {
                if l.geography == Geography::Ward {
                    l.method = format!("{}. {method}", l.method.trim_end_matches('.'));
                    l.estimate = true;
                }
            }
        }
    }

    /// How the ward layer was made, for the manifest's record of it.
    pub fn source(&self) -> String {
        let best_fit = self.best_fit();
        let mut s = format!(
            "{} ({}); LSOAs by the ONS LSOA21→ward 2024 lookup in {} district(s) whose wards are unchanged",
            WARDS_2025.describe,
            WARDS_2025.path,
            self.rules.len() - best_fit.len()
        );
        if !best_fit.is_empty() {
            let _ = write!(
                s,
                ", by interior point (a best-fit estimate) in {}: {}",
                best_fit.len(),
                best_fit.join(", ")
            );
        }
        s
    }

    /// What the summary says about the wards.
    pub fn notes(&self) -> Vec<String> {
        let mut out = vec![format!(
            "wards: May 2025 boundaries; {} of {} district(s) assigned by interior point (best-fit estimates); {}",
            self.best_fit().len(),
            self.rules.len(),
            self.agreement_words()
        )];
        if !self.nearest.is_empty() {
            let shown: Vec<String> = self
                .nearest
                .iter()
                .take(5)
                .map(|(l, w)| format!("{l} → {w}"))
                .collect();
            out.push(format!(
                "{} LSOA(s) have their interior point in none of their district's May 2025 wards and were given the nearest, e.g. {}",
                self.nearest.len(),
                shown.join(", ")
            ));
        }
        if !self.empty.is_empty() {
            let shown: Vec<&str> = self.empty.iter().take(10).map(String::as_str).collect();
            out.push(format!(
                "{} May 2025 ward(s) hold no LSOA and are left out of the ward layer (ward figures are built from LSOAs), e.g. {}",
                self.empty.len(),
                shown.join(", ")
            ));
        }
        for (from, to) in &self.renamed {
            out.push(format!(
                "district {from}'s May 2025 wards are published under {to}"
            ));
        }
        out
    }
}

/// What [`prepare`] made: the LSOA 2021 boundaries (built first: the interior points come from
/// them), the May 2025 wards and the assignment.
pub struct Prepared {
    /// The LSOA 2021 layer; its parents are set again once the membership is complete.
    pub lsoa21: BuiltGeography,
    /// The May 2025 wards.
    pub wards: Wards2025,
    /// How each district's LSOAs were given their wards.
    pub assignment: Assignment,
}

/// For a selection that takes the May 2025 wards ([`applies`]): read them and give every LSOA
/// its ward; `None` otherwise.
pub fn prepare(
    log: &mut SourceLog,
    m: &mut Membership,
    sel: &Selection,
    lsoa21_built: &(dyn Fn(&equimap_atlas::AreaSet) + Sync),
) -> Result<Option<Prepared>> {
    if !applies(log, sel) {
        return Ok(None);
    }
    // The wards and the LSOAs are read and cleaned at once, one on a thread of its own.
    let mut wards_log = log.fork();
    let (wards, lsoa21) = std::thread::scope(|s| {
        let wards = s.spawn(|| Wards2025::read(&mut wards_log));
        let lsoa21 = crate::boundaries::build(log, Geography::Lsoa21, m);
        if let Ok(l) = &lsoa21 {
            lsoa21_built(&l.areas);
        }
        (crate::joined(wards), lsoa21)
    });
    log.merge(wards_log);
    let (wards, lsoa21) = (wards?, lsoa21?);
    let assignment = assign(m, &lsoa21.areas, &wards)?;
    Ok(Some(Prepared {
        lsoa21,
        wards,
        assignment,
    }))
}

/// The same areas with their parents as the membership now holds them.
pub fn reparent(built: BuiltGeography, g: Geography, m: &Membership) -> Result<BuiltGeography> {
    let areas = built
        .areas
        .areas
        .into_iter()
        .map(|mut a| {
            if let Some(p) = m.parents.get(&g).and_then(|p| p.get(&a.code)) {
                a.parents = p.clone().into();
            }
            a
        })
        .collect();
    Ok(BuiltGeography {
        areas: AreaSet::new(areas).map_err(IngestError::Check)?,
        ..built
    })
}
