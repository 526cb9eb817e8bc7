//! Life expectancy at birth, 2016-20, published for MSOA 2011; estimated for other geographies.

use std::collections::BTreeMap;

use equimap_atlas::{Geography, Interval, Kind, Level, Polarity};

use super::{Builder, Meta, Populations, RefVal, aggregate_mean, level, parent_map};
use crate::error::Result;
use crate::membership::Membership;
use crate::read::SourceLog;
use crate::sources::{self, OGL_ATTRIBUTION};

const PERIOD: &str = "2016 to 2020";
const SOURCE: &str =
    "ONS, life expectancy at birth for 2011 MSOAs in England, 2016 to 2020 (REQ3292)";

/// One sex's published MSOA 2011 values for the selection: value, lower and upper 95% limit.
type Published = [BTreeMap<String, f64>; 3];

/// The published table: the selection's values by sex, and every English MSOA's value by sex.
struct Table {
    by_sex: BTreeMap<&'static str, Published>,
    england: BTreeMap<&'static str, BTreeMap<String, f64>>,
}

/// Add life expectancy by sex, with 95% confidence limits at MSOA 2011 and estimates elsewhere.
pub fn life_expectancy(
    log: &mut SourceLog,
    m: &Membership,
    b: &mut Builder,
    pops: &Populations,
) -> Result<()> {
    let table = read_table(log, m)?;
    let sel = m.codes(Geography::Msoa11);
    let msoa_pop: BTreeMap<String, f64> = pops
        .england_msoa11
        .iter()
        .filter(|(c, _)| sel.contains(c.as_str()))
        .map(|(c, v)| (c.clone(), *v))
        .collect();
    for (sex, label) in [
        ("female", "Female"),
        ("male", "Male"),
        ("persons", "Persons"),
    ] {
        let Some(published) = table.by_sex.get(sex) else {
            continue;
        };
        let id = format!("le_{sex}");
        define(b, &id, label, sex != "persons");
        set_values(b, m, pops, &msoa_pop, &id, published);
        let england = table.england.get(sex);
        add_reference(b, pops, &msoa_pop, &id, &published[0], england);
    }
    Ok(())
}

/// Reads the published table, checking each row's sex.
fn read_table(log: &mut SourceLog, m: &Membership) -> Result<Table> {
    let csv = log.csv(
        sources::LIFE_EXPECTANCY,
        "life expectancy at birth by MSOA11",
    )?;
    let (cc, cs, cv, cl, cu) = (
        csv.col("msoa11cd")?,
        csv.col("sex")?,
        csv.col("life_expectancy_at_birth")?,
        csv.col("lci95")?,
        csv.col("uci95")?,
    );
    let sel = m.codes(Geography::Msoa11);
    let mut t = Table {
        by_sex: BTreeMap::new(),
        england: BTreeMap::new(),
    };
    for row in csv.rows() {
        let code = row.req(cc)?;
        let sex = match row.req(cs)? {
            "Females" => "female",
            "Males" => "male",
            "Persons" => "persons",
            other => {
                return Err(row.bad(
                    cs,
                    format!("unknown sex {other:?}; expected Females, Males or Persons"),
                ));
            }
        };
        let v = row.num(cv)?;
        if let (Some(v), true) = (v, code.starts_with("E02")) {
            t.england.entry(sex).or_default().insert(code.to_owned(), v);
        }
        if sel.contains(code) {
            let e = t.by_sex.entry(sex).or_default();
            for (i, col) in [cv, cl, cu].into_iter().enumerate() {
                if let Some(x) = row.num(col)? {
                    e[i].insert(code.to_owned(), x);
                }
            }
        }
    }
    Ok(t)
}

/// The catalogue entry of one sex: published at MSOA 2011 with ONS's limits, estimated
/// elsewhere.
fn define(b: &mut Builder, id: &str, label: &str, in_tiles: bool) {
    let skip = "MSOAs without a published value (suppressed for small numbers) are left out";
    b.define(
        &Meta {
            id,
            label: &format!("{label} life expectancy at birth"),
            description: "Period life expectancy at birth: the average years a newborn would live if the area's 2016-20 death rates applied throughout life.",
            theme: "Life expectancy",
            unit: "years",
            kind: Kind::Years,
            polarity: Polarity::HigherIsBetter,
            native: Geography::Msoa11,
            source: SOURCE,
            attribution: OGL_ATTRIBUTION,
            decimals: 2,
            in_tiles,
            local: false,
            caveat: Some("Published for 2011 MSOAs only. Figures for other geographies are estimates made from the MSOA figures, weighted by population, and are labelled as such. 13 Leeds MSOA-sex values are suppressed in the source."),
        },
        vec![
            Level {
                interval: Some(Interval {
                    lower: format!("{id}_lci95"),
                    upper: format!("{id}_uci95"),
                    method: "95% confidence limits as published by ONS with the life expectancy (REQ3292)".to_owned(),
                }),
                ..level(Geography::Msoa11, PERIOD, "As published by ONS", false)
            },
            level(Geography::Lsoa11, PERIOD, "Estimate: the value of the MSOA 2011 containing the LSOA", true),
            level(Geography::Lsoa21, PERIOD, "Estimate: mean of the MSOA 2011 values of the LSOA's 2011 predecessors (ONS LSOA11→LSOA21 lookup), weighted by mid-2020 population", true),
            level(Geography::Msoa21, PERIOD, "Estimate: population-weighted mean of the LSOA 2021 estimates", true),
            level(Geography::Ward, PERIOD, &format!("Estimate: mean of the MSOA values of the ward's 2011 LSOAs (best-fit), weighted by mid-2020 population; {skip}"), true),
            level(Geography::District, PERIOD, &format!("Estimate: mean of the district's MSOA values weighted by mid-2020 population; {skip}"), true),
        ],
    );
}

/// The published MSOA 2011 values with their limits, and the estimates at every other
/// geography.
fn set_values(
    b: &mut Builder,
    m: &Membership,
    pops: &Populations,
    msoa_pop: &BTreeMap<String, f64>,
    id: &str,
    [le, lci, uci]: &Published,
) {
    // LSOA11 nest exactly in MSOA11: each LSOA carries its MSOA's figure.
    let lsoa11: BTreeMap<String, f64> = parent_map(m, Geography::Lsoa11, Geography::Msoa11)
        .iter()
        .filter_map(|(l, ms)| Some((l.clone(), *le.get(ms)?)))
        .collect();
    let lsoa21 = lsoa21_estimates(m, pops, &lsoa11);
    let msoa21 = aggregate_mean(
        &lsoa21,
        &pops.lsoa21,
        &parent_map(m, Geography::Lsoa21, Geography::Msoa21),
    );
    let ward = aggregate_mean(
        &lsoa11,
        &pops.lsoa11,
        &parent_map(m, Geography::Lsoa11, Geography::Ward),
    );
    let district = aggregate_mean(
        le,
        msoa_pop,
        &parent_map(m, Geography::Msoa11, Geography::District),
    );
    b.set_all(Geography::Msoa11, id, le.clone());
    b.set_all(Geography::Lsoa11, id, lsoa11);
    b.set_all(Geography::Lsoa21, id, lsoa21);
    b.set_all(Geography::Msoa21, id, msoa21);
    b.set_all(Geography::Ward, id, ward);
    b.set_all(Geography::District, id, district);
    // The published limits are companions of the MSOA 2011 value, not indicators.
    b.set_all(Geography::Msoa11, &format!("{id}_lci95"), lci.clone());
    b.set_all(Geography::Msoa11, &format!("{id}_uci95"), uci.clone());
}

/// LSOA21: the mid-2020-population-weighted mean over its LSOA11 predecessors.
fn lsoa21_estimates(
    m: &Membership,
    pops: &Populations,
    lsoa11: &BTreeMap<String, f64>,
) -> BTreeMap<String, f64> {
    let mut l21_parent: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (a, b21) in &m.lsoa11_to_21 {
        l21_parent.entry(b21.clone()).or_default().push(a);
    }
    l21_parent
        .iter()
        .filter_map(|(l21, preds)| {
            super::weighted_mean(preds.iter().map(|p| {
                (
                    lsoa11.get(*p).copied(),
                    pops.lsoa11.get(*p).copied().unwrap_or(0.0),
                )
            }))
            .map(|v| (l21.clone(), v))
        })
        .collect()
}

/// District and England references: population-weighted means of the MSOA values (no official
/// figure for 2016-20 is in the sources).
fn add_reference(
    b: &mut Builder,
    pops: &Populations,
    msoa_pop: &BTreeMap<String, f64>,
    id: &str,
    le: &BTreeMap<String, f64>,
    england: Option<&BTreeMap<String, f64>>,
) {
    let local = super::weighted_mean(
        le.iter()
            .map(|(c, v)| (Some(*v), msoa_pop.get(c).copied().unwrap_or(0.0))),
    );
    let eng = england.and_then(|vals| {
        super::weighted_mean(
            vals.iter()
                .map(|(c, v)| (Some(*v), pops.england_msoa11.get(c).copied().unwrap_or(0.0))),
        )
    });
    b.reference(
        id,
        &RefVal(local, "Estimate: mean of the district's MSOA values weighted by mid-2020 population (no official district figure for 2016-20 is in the sources)", PERIOD),
        &RefVal(eng, "Estimate: mean of all English MSOA values weighted by mid-2020 population (no official England figure for 2016-20 is in the sources)", PERIOD),
    );
}
