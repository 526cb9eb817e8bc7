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

/// Add life expectancy by sex, with 95% confidence limits at MSOA 2011 and estimates elsewhere.
// Indicators are being added in parallel by another engineer; split after that lands (issue #13).
#[allow(clippy::too_many_lines)]
pub fn life_expectancy(
    log: &mut SourceLog,
    m: &Membership,
    b: &mut Builder,
    pops: &Populations,
) -> Result<()> {
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
    // sex → (value, lci, uci) maps; England-wide values for the reference.
    let mut by_sex: BTreeMap<&'static str, [BTreeMap<String, f64>; 3]> = BTreeMap::new();
    let mut england: BTreeMap<&'static str, BTreeMap<String, f64>> = BTreeMap::new();
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
            england.entry(sex).or_default().insert(code.to_owned(), v);
        }
        if sel.contains(code) {
            let e = by_sex.entry(sex).or_default();
            for (i, col) in [cv, cl, cu].into_iter().enumerate() {
                if let Some(x) = row.num(col)? {
                    e[i].insert(code.to_owned(), x);
                }
            }
        }
    }
    let msoa_pop: BTreeMap<String, f64> = pops
        .england_msoa11
        .iter()
        .filter(|(c, _)| sel.contains(c.as_str()))
        .map(|(c, v)| (c.clone(), *v))
        .collect();
    let l11_msoa = parent_map(m, Geography::Lsoa11, Geography::Msoa11);
    for (sex, label) in [
        ("female", "Female"),
        ("male", "Male"),
        ("persons", "Persons"),
    ] {
        let Some([le, lci, uci]) = by_sex.get(sex) else {
            continue;
        };
        let id = format!("le_{sex}");
        // LSOA11 nest exactly in MSOA11: each LSOA carries its MSOA's figure.
        let lsoa11: BTreeMap<String, f64> = l11_msoa
            .iter()
            .filter_map(|(l, ms)| Some((l.clone(), *le.get(ms)?)))
            .collect();
        // LSOA21: the mid-2020-population-weighted mean over its LSOA11 predecessors.
        let mut l21_parent: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for (a, b21) in &m.lsoa11_to_21 {
            l21_parent.entry(b21.clone()).or_default().push(a);
        }
        let lsoa21: BTreeMap<String, f64> = l21_parent
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
            .collect();
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
            &msoa_pop,
            &parent_map(m, Geography::Msoa11, Geography::District),
        );
        let skip = "MSOAs without a published value (suppressed for small numbers) are left out";
        b.define(
            &Meta {
                id: &id,
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
                in_tiles: sex != "persons",
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
        b.set_all(Geography::Msoa11, &id, le.clone());
        b.set_all(Geography::Lsoa11, &id, lsoa11);
        b.set_all(Geography::Lsoa21, &id, lsoa21);
        b.set_all(Geography::Msoa21, &id, msoa21);
        b.set_all(Geography::Ward, &id, ward);
        b.set_all(Geography::District, &id, district.clone());
        let local = super::weighted_mean(
            le.iter()
                .map(|(c, v)| (Some(*v), msoa_pop.get(c).copied().unwrap_or(0.0))),
        );
        let eng = england.get(sex).and_then(|vals| {
            super::weighted_mean(
                vals.iter()
                    .map(|(c, v)| (Some(*v), pops.england_msoa11.get(c).copied().unwrap_or(0.0))),
            )
        });
        b.reference(
            &id,
            &RefVal(local, "Estimate: mean of the district's MSOA values weighted by mid-2020 population (no official district figure for 2016-20 is in the sources)", PERIOD),
            &RefVal(eng, "Estimate: mean of all English MSOA values weighted by mid-2020 population (no official England figure for 2016-20 is in the sources)", PERIOD),
        );
        // The published limits are companions of the MSOA 2011 value, not indicators.
        b.set_all(Geography::Msoa11, &format!("{id}_lci95"), lci.clone());
        b.set_all(Geography::Msoa11, &format!("{id}_uci95"), uci.clone());
    }
    Ok(())
}
