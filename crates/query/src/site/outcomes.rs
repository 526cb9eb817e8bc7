//! Health outcomes and the main indicators of a site zone, each with its counts, its 95%
//! interval where one is computable, and its comparison with the district and England.
//!
//! A zone's counts are apportioned from its LSOAs: each LSOA 2021's numerator and denominator
//! times the share of that LSOA's residents placed inside the zone (the same shares as the
//! residents), summed. The zone's value is the summed numerator over the summed denominator.

use equimap_atlas::IndicatorDef;

use super::ZoneFigures;
use crate::Query;
use crate::profile::{CountsOut, IndicatorValue, indicator_value};

/// The zone outcomes, in the order shown: the deprivation mix, the Census 2021 health
/// indicators, fuel poverty.
pub const OUTCOMES: [&str; 9] = [
    "imd2025_d1_share",
    "imd2025_d12_share",
    "bad_health_share",
    "disabled_lot_share",
    "disabled_share",
    "unpaid_care_20h_share",
    "unpaid_care_50h_share",
    "disabled_household_share",
    "fuel_poverty_share",
];

/// The outcomes whose zone value comes from residents by IMD decile (no interval).
const DECILE_SHARES: [(&str, usize); 2] = [("imd2025_d1_share", 1), ("imd2025_d12_share", 2)];

/// How the interval of a zone's apportioned counts is described.
pub const APPORTIONED_WILSON: &str = "Wilson score 95% interval on the apportioned counts (OHID technical guidance; PHEindicatormethods phe_proportion): an approximation, because apportioned counts are estimates, not whole observed counts, and the interval leaves out the error of placing residents";

/// Why the deprivation shares carry no interval or significance test.
const NOT_TESTED: &str = "No 95% interval and no significance test: living in an LSOA of a given IMD decile is a classification of whole LSOAs, not a sampled proportion, so the zone's share is set beside the district's and England's as numbers";

impl Query {
    /// The zone's outcomes: taken out of its generic indicators (so none is listed twice) and
    /// given the zone's method and interval wording; the deprivation shares from its figures.
    pub(crate) fn zone_outcomes(
        &self,
        indicators: &mut Vec<IndicatorValue>,
        figures: &ZoneFigures,
    ) -> Vec<IndicatorValue> {
        let mut out = Vec::with_capacity(OUTCOMES.len());
        for id in OUTCOMES {
            if let Some(&(_, deciles)) = DECILE_SHARES.iter().find(|(d, _)| *d == id) {
                out.extend(self.decile_share(id, deciles, figures));
            } else if let Some(pos) = indicators.iter().position(|i| i.id == id) {
                let mut iv = indicators.remove(pos);
                if let Some(def) = self.atlas.catalogue.get(id) {
                    describe_apportioned(&mut iv, def);
                }
                out.push(iv);
            }
        }
        out
    }

    /// The share of a zone's residents in IMD 2025 deciles `1..=deciles`, with its counts.
    fn decile_share(&self, id: &str, deciles: usize, f: &ZoneFigures) -> Option<IndicatorValue> {
        let def = self.atlas.catalogue.get(id)?;
        let level = def.levels.first()?;
        let value = if deciles == 1 {
            f.share_decile1
        } else {
            f.share_decile12
        };
        let mut iv = indicator_value(&self.atlas, def, level.geography, value)?;
        iv.estimate = true;
        let numerator: f64 = f.residents_by_decile.iter().take(deciles).sum();
        if let Some(c) = &def.counts {
            // A zone with no residents placed in it has no share, and no counts to show.
            if f.residents > 0.0 {
                iv.counts = Some(CountsOut {
                    numerator,
                    denominator: f.residents,
                    numerator_label: c.numerator_label.clone(),
                    denominator_label: "residents placed in the zone (mid-2022)".to_owned(),
                });
            }
            iv.method = format!(
                "Estimate for the zone: {} placed in the zone over all residents placed in it. {NOT_TESTED}.",
                c.numerator_label
            );
        }
        Some(iv)
    }

    /// The report's method notes on the zone outcomes, with the catalogue's caveats.
    pub(crate) fn outcomes_method(&self) -> Vec<String> {
        let cat = &self.atlas.catalogue;
        let mut notes = vec![
            "Health outcomes and fuel poverty of each zone are estimates: each LSOA 2021's numerator and denominator are weighted by the share of that LSOA's residents placed inside the zone (the same shares as the residents, see above) and summed; the zone's value is the summed numerator over the summed denominator, never an average of rates. Households (disabled households, fuel poverty) are taken to lie where the LSOA's residents are placed. The counts are Census 2021 (DESNZ's 2021 estimates for fuel poverty), placed with the residents' shares.".to_owned(),
            format!(
                "{APPORTIONED_WILSON}. A zone is significantly better or worse than {} or England when their value lies outside the zone's interval, read through the indicator's polarity, and similar when inside. The rings are cumulative and include the site, so the zones of one report are not independent of each other.",
                self.atlas.manifest.district_name
            ),
            format!("IMD 2025 shares of residents in decile 1 and in deciles 1-2: {NOT_TESTED}."),
        ];
        if let Some(c) = cat.get("bad_health_share").and_then(|d| d.caveat.as_ref()) {
            notes.push(format!("Census 2021 health indicators: {c}"));
        }
        if let Some(c) = cat
            .get("fuel_poverty_share")
            .and_then(|d| d.caveat.as_ref())
        {
            notes.push(format!("Fuel poverty: {c}"));
        }
        let missing: Vec<&str> = OUTCOMES
            .iter()
            .copied()
            .filter(|id| cat.get(id).is_none())
            .collect();
        if !missing.is_empty() {
            notes.push(format!(
                "Not in this atlas, so not in the report: {}.",
                missing.join(", ")
            ));
        }
        notes
    }
}

/// The zone's method and interval wording for an indicator apportioned from LSOA counts.
fn describe_apportioned(iv: &mut IndicatorValue, def: &IndicatorDef) {
    let Some(c) = &def.counts else {
        return;
    };
    iv.estimate = true;
    let households = if c.denominator_label.contains("household") {
        " Households are taken to lie where the LSOA's residents are placed."
    } else {
        ""
    };
    iv.method = format!(
        "Estimate for the zone: each LSOA 2021's {} and {} ({}), weighted by the share of that LSOA's residents placed inside the zone, summed, then divided.{households}",
        c.numerator_label,
        c.denominator_label,
        iv.period.replace(['(', ')'], "")
    );
    if let Some(i) = iv.interval.as_mut() {
        APPORTIONED_WILSON.clone_into(&mut i.method);
    }
    if let Some(counts) = iv.counts.as_mut() {
        counts.numerator = super::report::round(counts.numerator, 1);
        counts.denominator = super::report::round(counts.denominator, 1);
    }
}

/// "significantly worse than England" for an outcome, or why there is no comparison.
pub fn outcome_words(iv: &IndicatorValue, versus_england: bool) -> String {
    let c = if versus_england {
        iv.vs_england.as_ref()
    } else {
        iv.vs_district.as_ref()
    };
    match c {
        Some(c) => c.words.clone(),
        None if iv.interval.is_none() && iv.counts.is_some() => "not tested".to_owned(),
        None => String::new(),
    }
}
