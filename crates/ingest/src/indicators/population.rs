//! Population: the latest estimate at each geography, and the weights other indicators use.

use std::collections::BTreeMap;

use equimap_atlas::{Geography, Kind, Polarity};

use super::{Builder, Meta, RefVal, level, set_summed_from_lsoa21};
use crate::error::{IngestError, Result};
use crate::membership::Membership;
use crate::read::SourceLog;
use crate::sources::{self, OGL_ATTRIBUTION};

/// Populations used as values and as weights.
pub struct Populations {
    /// LSOA21 population of the selection: IoD2025's mid-2022 denominators where they cover the
    /// selection, else Census 2021.
    pub lsoa21: BTreeMap<String, f64>,
    /// The period of `lsoa21`.
    pub lsoa21_period: String,
    /// Census 2021 usual residents of every English LSOA21, for England-wide weights.
    pub england_lsoa21_census: BTreeMap<String, f64>,
    /// ONS mid-2020 estimates for the selection's LSOA11s.
    pub lsoa11: BTreeMap<String, f64>,
    /// ONS mid-2020 estimates for every English MSOA11.
    pub england_msoa11: BTreeMap<String, f64>,
}

const MID2022: &str = "mid-2022";
const CENSUS: &str = "Census 2021 (21 March 2021)";
const MID2020: &str = "mid-2020";

/// Read the population tables and add the `population` indicator.
pub fn population(log: &mut SourceLog, m: &Membership, b: &mut Builder) -> Result<Populations> {
    let england_lsoa21_census = england_census(log)?;
    let (lsoa21, lsoa21_period, lsoa21_source) = lsoa21_population(log, m, &england_lsoa21_census)?;
    let lsoa11 = lsoa11_population(log, m)?;
    let england_msoa11 = england_msoa11_population(log)?;
    let sel_m11 = m.codes(Geography::Msoa11);
    let msoa11: BTreeMap<String, f64> = england_msoa11
        .iter()
        .filter(|(c, _)| sel_m11.contains(c.as_str()))
        .map(|(c, v)| (c.clone(), *v))
        .collect();
    if msoa11.len() != sel_m11.len() {
        return Err(IngestError::Check(format!(
            "{}: population missing for some MSOA11 of the selection",
            sources::SAPE_MSOA11
        )));
    }
    define(b, &lsoa21_period, &lsoa21_source);
    let local_total = set_summed_from_lsoa21(b, m, "population", lsoa21.clone());
    b.set_all(Geography::Lsoa11, "population", lsoa11.clone());
    b.set_all(Geography::Msoa11, "population", msoa11);
    let england_total: f64 = england_lsoa21_census.values().sum();
    b.reference(
        "population",
        &RefVal(Some(local_total), &format!("Sum of LSOA 2021 populations ({lsoa21_period})"), &lsoa21_period),
        &RefVal(Some(england_total), "Sum of Census 2021 usual residents of English LSOAs; mid-year LSOA estimates for all of England are not in the sources", CENSUS),
    );
    Ok(Populations {
        lsoa21,
        lsoa21_period,
        england_lsoa21_census,
        lsoa11,
        england_msoa11,
    })
}

/// Census 2021 usual residents of every English LSOA21.
fn england_census(log: &mut SourceLog) -> Result<BTreeMap<String, f64>> {
    let census = log.csv(
        sources::CENSUS_LSOA21,
        "Census 2021 population (England weights)",
    )?;
    let (cc, cv) = (census.col("lsoa21_code")?, census.col("usual_residents")?);
    let mut england = BTreeMap::new();
    for row in census.rows() {
        let code = row.req(cc)?;
        if code.starts_with("E01") {
            england.insert(code.to_owned(), row.req_num(cv)?);
        }
    }
    Ok(england)
}

/// The selection's LSOA21 populations with their period and source: IoD2025's mid-2022
/// denominators where they cover the selection, else Census 2021.
fn lsoa21_population(
    log: &mut SourceLog,
    m: &Membership,
    england_census: &BTreeMap<String, f64>,
) -> Result<(BTreeMap<String, f64>, String, String)> {
    let sel21 = m.codes(Geography::Lsoa21);
    if log.exists(sources::IOD2025_DENOMINATORS) {
        let d = log.csv(sources::IOD2025_DENOMINATORS, "IoD2025 mid-2022 population")?;
        let (dc, dv) = (
            d.col("LSOA code (2021)")?,
            d.col("Total population: mid 2022")?,
        );
        let mut found = BTreeMap::new();
        for row in d.rows() {
            let code = row.req(dc)?;
            if sel21.contains(code) {
                found.insert(code.to_owned(), row.req_num(dv)?);
            }
        }
        if !found.is_empty() && found.len() == sel21.len() {
            return Ok((
                found,
                MID2022.to_owned(),
                "MHCLG IoD2025 File 6 population denominators (ONS mid-2022 estimates)".to_owned(),
            ));
        }
    }
    let mut lsoa21 = BTreeMap::new();
    for code in &sel21 {
        let v = england_census.get(*code).ok_or_else(|| {
            IngestError::Check(format!(
                "{}: no Census 2021 population for LSOA21 {code}",
                sources::CENSUS_LSOA21
            ))
        })?;
        lsoa21.insert((*code).to_owned(), *v);
    }
    Ok((
        lsoa21,
        CENSUS.to_owned(),
        "ONS Census 2021, usual residents (TS021)".to_owned(),
    ))
}

/// ONS mid-2020 estimates for the selection's LSOA11s; every one must be there.
fn lsoa11_population(log: &mut SourceLog, m: &Membership) -> Result<BTreeMap<String, f64>> {
    let sape = log.csv(sources::SAPE_LSOA11, "mid-2020 LSOA11 population")?;
    let (sc, sv) = (sape.col("lsoa11_code")?, sape.col("total_population")?);
    let sel11 = m.codes(Geography::Lsoa11);
    let mut lsoa11 = BTreeMap::new();
    for row in sape.rows() {
        let code = row.req(sc)?;
        if sel11.contains(code) {
            lsoa11.insert(code.to_owned(), row.req_num(sv)?);
        }
    }
    if let Some(missing) = sel11.iter().find(|c| !lsoa11.contains_key(**c)) {
        return Err(IngestError::Check(format!(
            "{}: no population for LSOA11 {missing}",
            sources::SAPE_LSOA11
        )));
    }
    Ok(lsoa11)
}

/// ONS mid-2020 estimates for every English MSOA11.
fn england_msoa11_population(log: &mut SourceLog) -> Result<BTreeMap<String, f64>> {
    let msape = log.csv(sources::SAPE_MSOA11, "mid-2020 MSOA11 population")?;
    let (mc, mv) = (msape.col("msoa11_code")?, msape.col("total_population")?);
    let mut england = BTreeMap::new();
    for row in msape.rows() {
        let code = row.req(mc)?;
        if code.starts_with("E02") {
            england.insert(code.to_owned(), row.req_num(mv)?);
        }
    }
    Ok(england)
}

/// The `population` catalogue entry: the LSOA21 figure and sums of it, the published mid-2020
/// LSOA11 and MSOA11 estimates.
fn define(b: &mut Builder, lsoa21_period: &str, lsoa21_source: &str) {
    let sum_method = format!("Sum of the LSOA 2021 populations ({lsoa21_period})");
    b.define(
        &Meta {
            id: "population",
            label: "Population",
            description: "Residents: the latest population estimate published for each geography.",
            theme: "Population",
            unit: "persons",
            kind: Kind::Count,
            polarity: Polarity::Neutral,
            native: Geography::Lsoa21,
            source: "ONS mid-year population estimates and Census 2021",
            attribution: OGL_ATTRIBUTION,
            decimals: 0,
            in_tiles: true,
            local: false,
            caveat: None,
        },
        vec![
            level(Geography::Lsoa21, lsoa21_period, lsoa21_source, false),
            level(Geography::Lsoa11, MID2020, "ONS small area population estimates, mid-2020 (SAPE23DT2)", false),
            level(Geography::Msoa21, lsoa21_period, &sum_method, false),
            level(Geography::Msoa11, MID2020, "ONS MSOA population estimates, mid-2020 (SAPE23DT4)", false),
            level(Geography::Ward, lsoa21_period, &format!("{sum_method}, each LSOA assigned to one ward best-fit by the ONS LSOA21→ward lookup; LSOAs do not nest in wards exactly"), true),
            level(Geography::District, lsoa21_period, &sum_method, false),
        ],
    );
}
