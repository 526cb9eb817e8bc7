//! Indicator tables, catalogue entries and reference values.
//!
//! Each source module adds its indicators through [`Builder`], which keeps values in sorted
//! maps so that the tables come out in the same order on every run.

mod age;
mod census_health;
mod child_bands;
mod counts;
mod imd;
mod imd_change;
mod life;
mod population;

use std::collections::BTreeMap;

use equimap_atlas::{
    Catalogue, Counts, ENGLAND_CODE, Geography, IndicatorDef, IndicatorTable, Kind, Level,
    Polarity, ReferenceValue, References,
};

pub use age::age_bands;
pub use census_health::{census_health, fuel_poverty};
pub use imd::{iod2019, iod2025};
pub use imd_change::imd_change;
pub use life::life_expectancy;
pub use population::{Populations, population};

/// A map looked up by code, never iterated (so its order cannot reach the output).
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// A set of codes, only asked whether it holds one.
pub type CodeSet<'a> = std::collections::HashSet<&'a str, foldhash::fast::FixedState>;

/// Collects indicator values, definitions and reference values.
#[derive(Default)]
pub struct Builder {
    values: BTreeMap<Geography, BTreeMap<String, BTreeMap<String, f64>>>,
    defs: Vec<IndicatorDef>,
    refs: Vec<ReferenceValue>,
    /// The selection's district code (or `all`) and name, the scope of local reference values.
    pub scope: (String, String),
}

/// The fixed parts of a catalogue entry, shared by an indicator's levels.
pub struct Meta<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub description: &'a str,
    pub theme: &'a str,
    pub unit: &'a str,
    pub kind: Kind,
    pub polarity: Polarity,
    pub native: Geography,
    pub source: &'a str,
    pub attribution: &'a str,
    pub decimals: u8,
    pub in_tiles: bool,
    pub local: bool,
    pub caveat: Option<&'a str>,
}

impl Builder {
    /// A builder for a selection's scope.
    pub fn new(scope_code: &str, scope_name: &str) -> Self {
        Self {
            scope: (scope_code.to_owned(), scope_name.to_owned()),
            ..Self::default()
        }
    }

    /// Add a catalogue entry. Values are added with [`Builder::set_all`].
    pub fn define(&mut self, meta: &Meta<'_>, levels: Vec<Level>) {
        self.define_counts(meta, levels, None);
    }

    /// Add a catalogue entry for an indicator held as counts: its numerator and denominator
    /// columns are set with [`Builder::set_all`] like any other column.
    pub fn define_counts(&mut self, meta: &Meta<'_>, levels: Vec<Level>, counts: Option<Counts>) {
        self.defs.push(IndicatorDef {
            id: meta.id.to_owned(),
            label: meta.label.to_owned(),
            description: meta.description.to_owned(),
            theme: meta.theme.to_owned(),
            unit: meta.unit.to_owned(),
            kind: meta.kind,
            polarity: meta.polarity,
            native: meta.native,
            levels,
            source: meta.source.to_owned(),
            licence: "Open Government Licence v3.0".to_owned(),
            attribution: meta.attribution.to_owned(),
            local: meta.local,
            decimals: meta.decimals,
            in_tiles: meta.in_tiles,
            caveat: meta.caveat.map(str::to_owned),
            counts,
        });
    }

    /// Add a complete catalogue entry made elsewhere (green-space access).
    pub fn push_def(&mut self, def: IndicatorDef) {
        self.defs.push(def);
    }

    /// Add a reference value made elsewhere.
    pub fn push_reference(&mut self, r: ReferenceValue) {
        self.refs.push(r);
    }

    /// Set the values of an indicator at a geography.
    pub fn set_all(&mut self, g: Geography, id: &str, values: BTreeMap<String, f64>) {
        let column = self
            .values
            .entry(g)
            .or_default()
            .entry(id.to_owned())
            .or_default();
        if column.is_empty() {
            *column = values;
        } else {
            column.extend(values);
        }
    }

    /// The values of an indicator at a geography, as set so far.
    pub fn values(&self, g: Geography, id: &str) -> Option<&BTreeMap<String, f64>> {
        self.values.get(&g)?.get(id)
    }

    /// Add the selection's and England's reference values for an indicator.
    pub fn reference(&mut self, id: &str, local: &RefVal<'_>, england: &RefVal<'_>) {
        let (code, name) = self.scope.clone();
        for (scope, scope_name, r) in [
            (code, name, local),
            (ENGLAND_CODE.to_owned(), "England".to_owned(), england),
        ] {
            self.refs.push(ReferenceValue {
                indicator: id.to_owned(),
                scope,
                scope_name,
                value: r.0,
                period: r.2.to_owned(),
                method: r.1.to_owned(),
                numerator: None,
                denominator: None,
            });
        }
    }

    /// Add the selection's and England's reference values for an indicator held as counts:
    /// each `(numerator, denominator)` summed over the reference area.
    pub fn reference_counts(
        &mut self,
        id: &str,
        local: (f64, f64),
        england: (f64, f64),
        method: (&str, &str),
        period: &str,
    ) {
        let (code, name) = self.scope.clone();
        for (scope, scope_name, (num, den), how) in [
            (code, name, local, method.0),
            (
                ENGLAND_CODE.to_owned(),
                "England".to_owned(),
                england,
                method.1,
            ),
        ] {
            self.refs.push(ReferenceValue {
                indicator: id.to_owned(),
                scope,
                scope_name,
                value: (den > 0.0).then(|| num / den),
                period: period.to_owned(),
                method: how.to_owned(),
                numerator: Some(num),
                denominator: Some(den),
            });
        }
    }

    /// Make a geography of whole areas of another (committees of wards): every indicator held
    /// at `from` is held at `to`, aggregated over each parent's children. An indicator held as
    /// counts sums its numerator and denominator; a count is summed; a score, share or number of
    /// years without counts is the mean of the children's values weighted by their residents
    /// (the `population` column) and marked an estimate. Ranks, deciles and changes are not
    /// aggregated.
    pub fn aggregate_level(
        &mut self,
        from: Geography,
        to: Geography,
        parent_of: &BTreeMap<String, String>,
        whole: &str,
    ) {
        let Some(values) = self.values.get(&from) else {
            return;
        };
        let sum = |col: &str| {
            values
                .get(col)
                .map(|v| sum_to(v, parent_of))
                .unwrap_or_default()
        };
        let weights = values.get("population").cloned().unwrap_or_default();
        let mut derived: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
        let mut levels: Vec<(usize, Level)> = Vec::new();
        for (i, d) in self.defs.iter().enumerate() {
            let Some(l) = d.level(from) else { continue };
            if d.level(to).is_some() {
                // Made for `to` from finer areas already (green space, from Output Areas).
                continue;
            }
            let (how, estimate) = if let Some(c) = &d.counts {
                let (num, den) = (sum(&c.numerator), sum(&c.denominator));
                let ratio = ratio(&num, &den);
                derived.insert(c.numerator.clone(), num);
                derived.insert(c.denominator.clone(), den);
                derived.insert(d.id.clone(), ratio);
                (
                    format!(
                        "{} summed over the {whole}, over {} summed likewise",
                        c.numerator_label, c.denominator_label
                    ),
                    l.estimate,
                )
            } else if d.kind == Kind::Count {
                derived.insert(d.id.clone(), sum(&d.id));
                (format!("Sum over the {whole}"), l.estimate)
            } else if matches!(d.kind, Kind::Score | Kind::Share | Kind::Years) {
                let Some(v) = values.get(&d.id) else { continue };
                derived.insert(d.id.clone(), aggregate_mean(v, &weights, parent_of));
                (
                    format!(
                        "Estimate: mean of the values of the {whole}, weighted by their residents"
                    ),
                    true,
                )
            } else {
                continue;
            };
            levels.push((
                i,
                Level {
                    geography: to,
                    period: l.period.clone(),
                    method: format!("{how}. Each {from} value: {}", l.method),
                    estimate,
                    interval: None,
                },
            ));
        }
        for (i, l) in levels {
            self.defs[i].levels.push(l);
        }
        for (col, v) in derived {
            self.set_all(to, &col, v);
        }
    }

    /// Turn everything into the catalogue, one table per geography and the reference values.
    /// `codes` lists every area of each geography, so that areas with no value still get a row.
    pub fn finish(
        self,
        codes: &BTreeMap<Geography, Vec<String>>,
    ) -> (Catalogue, BTreeMap<Geography, IndicatorTable>, References) {
        let mut defs = self.defs;
        // A level at a geography the atlas does not have (wards in an England atlas) would be
        // listed with no areas: leave it out, and any indicator left with no level.
        for d in &mut defs {
            d.levels.retain(|l| codes.contains_key(&l.geography));
        }
        defs.retain(|d| !d.levels.is_empty());
        let mut tables = BTreeMap::new();
        for (g, area_codes) in codes {
            let cols = columns_at(&defs, *g);
            let table = table_of(*g, cols, area_codes, self.values.get(g));
            tables.insert(*g, table);
        }
        (
            Catalogue { indicators: defs },
            tables,
            References { rows: self.refs },
        )
    }
}

/// The table of one geography: a row for every area in `area_codes`, in that order, with the
/// values set for each column (empty where none was set).
fn table_of(
    g: Geography,
    cols: Vec<String>,
    area_codes: &[String],
    by_col: Option<&BTreeMap<String, BTreeMap<String, f64>>>,
) -> IndicatorTable {
    let mut position: HashMap<&str, usize> = HashMap::default();
    for (i, c) in area_codes.iter().enumerate() {
        position.entry(c.as_str()).or_insert(i);
    }
    let cells: Vec<Vec<Option<f64>>> = cols
        .iter()
        .map(|c| {
            let mut cells = vec![None; area_codes.len()];
            for (code, v) in by_col.and_then(|b| b.get(c)).into_iter().flatten() {
                if let Some(&i) = position.get(code.as_str()) {
                    cells[i] = Some(*v);
                }
            }
            cells
        })
        .collect();
    let mut table = IndicatorTable::new(g, cols);
    let mut row = Vec::with_capacity(cells.len());
    for (i, code) in area_codes.iter().enumerate() {
        if position.get(code.as_str()) != Some(&i) {
            continue; // listed twice: the table holds a code once
        }
        row.clear();
        row.extend(cells.iter().map(|c| c[i]));
        table.push_row(code, &row);
    }
    table
}

/// The columns of the table of `g`: each indicator held there, then the companion columns
/// (counts, published limits) not already listed, in catalogue order.
fn columns_at(defs: &[IndicatorDef], g: Geography) -> Vec<String> {
    let mut cols: Vec<String> = defs
        .iter()
        .filter(|d| d.level(g).is_some())
        .map(|d| d.id.clone())
        .collect();
    for d in defs {
        for c in d.companions(g) {
            if !cols.iter().any(|x| x == c) {
                cols.push(c.to_owned());
            }
        }
    }
    cols
}

/// Set a count held at LSOA 2021, and its sums over MSOA 2021, ward and district; returns the
/// selection's total.
pub fn set_summed_from_lsoa21(
    b: &mut Builder,
    m: &crate::membership::Membership,
    id: &str,
    lsoa21: BTreeMap<String, f64>,
) -> f64 {
    for g in [Geography::Msoa21, Geography::Ward, Geography::District] {
        let sums = aggregate_count(&lsoa21, &parent_map(m, Geography::Lsoa21, g), |_| true);
        b.set_all(g, id, sums);
    }
    let total = lsoa21.values().sum();
    b.set_all(Geography::Lsoa21, id, lsoa21);
    total
}

/// The levels of a count made at LSOA 2021 and summed (`sum` says how) to MSOA 2021, ward and
/// district; the ward level is always an estimate (LSOAs are assigned best-fit).
pub fn summed_levels(period: &str, lsoa_method: &str, sum: &str, estimate: bool) -> Vec<Level> {
    vec![
        level(Geography::Lsoa21, period, lsoa_method, estimate),
        level(Geography::Msoa21, period, sum, estimate),
        level(
            Geography::Ward,
            period,
            &format!(
                "{sum}, each LSOA assigned to one ward best-fit; LSOAs do not nest in wards exactly"
            ),
            true,
        ),
        level(Geography::District, period, sum, estimate),
    ]
}

/// A reference value: the value, how it was made (or why there is none), and its period.
pub struct RefVal<'a>(pub Option<f64>, pub &'a str, pub &'a str);

/// A level with its period, method and estimate flag.
pub fn level(geography: Geography, period: &str, method: &str, estimate: bool) -> Level {
    Level {
        geography,
        period: period.to_owned(),
        method: method.to_owned(),
        estimate,
        interval: None,
    }
}

/// The weighted mean of the values that are present; `None` if no weight is left.
pub fn weighted_mean<'a>(items: impl IntoIterator<Item = (Option<f64>, f64)> + 'a) -> Option<f64> {
    let (mut sum, mut w) = (0.0, 0.0);
    for (v, weight) in items {
        if let Some(v) = v {
            sum += v * weight;
            w += weight;
        }
    }
    (w > 0.0).then(|| sum / w)
}

/// Aggregate child values to parents as a weighted mean, the usual way ONS and MHCLG
/// summarise small-area figures for larger areas.
pub fn aggregate_mean(
    values: &BTreeMap<String, f64>,
    weights: &BTreeMap<String, f64>,
    parent_of: &BTreeMap<String, String>,
) -> BTreeMap<String, f64> {
    let mut acc: HashMap<&str, (f64, f64)> = HashMap::default();
    let with_values = with_matching(parent_of, values).filter_map(|(c, p, v)| Some((c, (p, v?))));
    for (_, (parent, v), w) in with_matching(with_values, weights) {
        if let Some(w) = w {
            let e = acc.entry(parent.as_str()).or_default();
            e.0 += v * w;
            e.1 += w;
        }
    }
    acc.into_iter()
        .filter(|(_, (_, w))| *w > 0.0)
        .map(|(p, (s, w))| (p.to_owned(), s / w))
        .collect()
}

/// Sum child weights (people) to parents, counting only children that pass `keep`; every
/// parent of a child is listed, with 0 if none of its children counts.
pub fn aggregate_count(
    weights: &BTreeMap<String, f64>,
    parent_of: &BTreeMap<String, String>,
    keep: impl Fn(&str) -> bool,
) -> BTreeMap<String, f64> {
    let mut acc: HashMap<&str, f64> = HashMap::default();
    for (child, parent, w) in with_matching(parent_of, weights) {
        let e = acc.entry(parent.as_str()).or_default();
        if keep(child) {
            *e += w.copied().unwrap_or_default();
        }
    }
    into_sorted(acc)
}

/// Sum child values to their parents; a parent none of whose children has a value is left out.
pub fn sum_to(
    values: &BTreeMap<String, f64>,
    parent_of: &BTreeMap<String, String>,
) -> BTreeMap<String, f64> {
    let mut acc: HashMap<&str, f64> = HashMap::default();
    for (_, parent, v) in with_matching(parent_of, values) {
        if let Some(v) = v {
            *acc.entry(parent.as_str()).or_default() += v;
        }
    }
    into_sorted(acc)
}

/// Numerator over denominator, code by code, where the denominator is positive.
pub fn ratio(num: &BTreeMap<String, f64>, den: &BTreeMap<String, f64>) -> BTreeMap<String, f64> {
    with_matching(num, den)
        .filter_map(|(c, n, d)| {
            let d = *d?;
            (d > 0.0).then(|| (c.clone(), n / d))
        })
        .collect()
}

fn into_sorted(acc: HashMap<&str, f64>) -> BTreeMap<String, f64> {
    acc.into_iter().map(|(p, v)| (p.to_owned(), v)).collect()
}

/// Each entry of `left` with the value of `right` under the same code, if any. `left` must come
/// in code order, as a `BTreeMap`'s entries do: the two are merged, with no lookups. (The sums
/// above add each parent's children in code order, as a loop over `parent_of` would.)
pub(crate) fn with_matching<'a, L, R>(
    left: impl IntoIterator<Item = (&'a String, L)>,
    right: &'a BTreeMap<String, R>,
) -> impl Iterator<Item = (&'a String, L, Option<&'a R>)> {
    let mut right = right.iter().peekable();
    left.into_iter().map(move |(code, l)| {
        while right.next_if(|(r, _)| *r < code).is_some() {}
        let matched = right.peek().filter(|(r, _)| *r == code).map(|(_, v)| *v);
        (code, l, matched)
    })
}

/// Every child's parent at one geography, as a map.
pub fn parent_map(
    m: &crate::membership::Membership,
    child: Geography,
    parent: Geography,
) -> BTreeMap<String, String> {
    m.parents
        .get(&child)
        .map(|areas| {
            areas
                .iter()
                .filter_map(|(c, ps)| Some((c.clone(), ps.get(&parent)?.clone())))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(id: &str) -> Meta<'_> {
        Meta {
            id,
            label: id,
            description: "",
            theme: "",
            unit: "share",
            kind: Kind::Share,
            polarity: Polarity::HigherIsWorse,
            native: Geography::Lsoa21,
            source: "",
            attribution: "",
            decimals: 1,
            in_tiles: false,
            local: false,
            caveat: None,
        }
    }

    #[test]
    fn levels_at_geographies_the_atlas_lacks_are_left_out() {
        // An England atlas has no wards: an indicator defined at LSOA and ward keeps its LSOA
        // level only, and one defined only at ward is dropped.
        let mut b = Builder::new("all", "England");
        let lsoa = level(Geography::Lsoa21, "2021", "as published", false);
        let ward = level(Geography::Ward, "2021", "summed", true);
        b.define(&meta("both"), vec![lsoa, ward.clone()]);
        b.define(&meta("ward_only"), vec![ward]);
        let codes = BTreeMap::from([(Geography::Lsoa21, vec!["E01000001".to_owned()])]);
        let (cat, tables, _) = b.finish(&codes);
        assert_eq!(cat.indicators.len(), 1);
        let both = &cat.indicators[0];
        assert_eq!(both.id, "both");
        assert_eq!(
            both.levels.iter().map(|l| l.geography).collect::<Vec<_>>(),
            [Geography::Lsoa21]
        );
        assert!(!tables.contains_key(&Geography::Ward));
    }
}
