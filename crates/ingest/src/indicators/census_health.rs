//! Census 2021 health, disability and unpaid care (TS037–TS040) by LSOA 2021, and household
//! fuel poverty (DESNZ, 2021) by LSOA 2021: shares held as counts.

use equimap_atlas::{Geography, Kind, Polarity};

use super::counts::{self, Share, Table};
use super::{Builder, CodeSet, Meta};
use crate::error::Result;
use crate::membership::Membership;
use crate::read::SourceLog;
use crate::sources::{self, OGL_ATTRIBUTION};

const CENSUS_PERIOD: &str = "Census 2021 (21 March 2021)";
const THEME: &str = "Health (Census 2021)";
const CENSUS_SOURCE: &str = "ONS, Census 2021 topic summaries TS037, TS038, TS039 and TS040 by LSOA 2021 (Nomis bulk files)";
const CRUDE: &str = "A crude share, not age-standardised: an area with older residents reports more ill health and disability, so compare areas with care. ONS perturbs Census counts (targeted record swapping and cell key perturbation), so small counts can be out by a few people; each share divides by its own table's published total (in every LSOA row the categories add up to it; totals differ between tables by a few people), with no adjustment. 95% intervals are Wilson score intervals.";
const CARE_CAVEAT: &str = "A crude share of residents aged 5 and over, not age-standardised. Polarity is neutral: unpaid care is a contribution as well as a sign of need, so comparisons say higher or lower, not better or worse. ONS perturbs Census counts (targeted record swapping and cell key perturbation), so small counts can be out by a few people. 95% intervals are Wilson score intervals.";
const FUEL_CAVEAT: &str = "DESNZ: \"Estimates of fuel poverty at LSOA should be treated with caution. The estimates should only be used to look at general trends and identify areas of particularly high or low fuel poverty. They should not be used to identify trends over time within an LSOA, or to compare LSOAs with similar fuel poverty levels.\" Household counts are modelled and fixed to regional totals; fuel poverty is the Low Income Low Energy Efficiency measure. 95% intervals are Wilson score intervals on the modelled counts and do not include the model's own error.";

fn meta<'a>(
    id: &'a str,
    label: &'a str,
    description: &'a str,
    unit: &'a str,
    polarity: Polarity,
    caveat: &'a str,
) -> Meta<'a> {
    Meta {
        id,
        label,
        description,
        theme: THEME,
        unit,
        kind: Kind::Share,
        polarity,
        native: Geography::Lsoa21,
        source: CENSUS_SOURCE,
        attribution: OGL_ATTRIBUTION,
        decimals: 4,
        in_tiles: true,
        local: false,
        caveat: Some(caveat),
    }
}

const RESIDENTS: &str = "share of usual residents (0–1)";

/// Add the Census 2021 health shares. `england_lsoas` are the English LSOA 2021 codes.
pub fn census_health(
    log: &mut SourceLog,
    m: &Membership,
    b: &mut Builder,
    england_lsoas: &CodeSet<'_>,
) -> Result<()> {
    for table in [
        general_health(),
        disability(),
        unpaid_care(),
        disabled_households(),
    ] {
        counts::add(log, m, b, &table, england_lsoas)?;
    }
    Ok(())
}

/// TS037: residents in bad or very bad health.
fn general_health() -> Table<'static> {
    const BAD: &[&str] = &[
        "General health: Bad health",
        "General health: Very bad health",
    ];
    Table {
        file: sources::CENSUS_TS037,
        used_for: "Census 2021 general health (TS037)",
        code_col: "geography code",
        denominator_col: "General health: Total: All usual residents",
        denominator_id: "ts037_residents",
        denominator_label: "all usual residents (TS037 total)",
        period: CENSUS_PERIOD,
        published: "As published by ONS (TS037): residents in bad or very bad health over all usual residents; a crude share",
        shares: vec![Share {
            meta: meta(
                "bad_health_share",
                "Residents in bad or very bad health (crude share)",
                "Usual residents who described their general health as bad or very bad, as a share of all usual residents.",
                RESIDENTS,
                Polarity::HigherIsWorse,
                CRUDE,
            ),
            numerator_id: "bad_health_n",
            numerator_cols: BAD,
            numerator_label: "residents in bad or very bad health",
        }],
    }
}

/// TS038: disabled residents, limited a lot and in all.
fn disability() -> Table<'static> {
    Table {
        file: sources::CENSUS_TS038,
        used_for: "Census 2021 disability (TS038)",
        code_col: "geography code",
        denominator_col: "Disability: Total: All usual residents",
        denominator_id: "ts038_residents",
        denominator_label: "all usual residents (TS038 total)",
        period: CENSUS_PERIOD,
        published: "As published by ONS (TS038): disabled residents over all usual residents; a crude share",
        shares: vec![
            Share {
                meta: meta(
                    "disabled_lot_share",
                    "Disabled, day-to-day activities limited a lot (crude share)",
                    "Usual residents disabled under the Equality Act whose day-to-day activities are limited a lot, as a share of all usual residents.",
                    RESIDENTS,
                    Polarity::HigherIsWorse,
                    CRUDE,
                ),
                numerator_id: "disabled_lot_n",
                numerator_cols: &[
                    "Disability: Disabled under the Equality Act: Day-to-day activities limited a lot",
                ],
                numerator_label: "residents disabled under the Equality Act, limited a lot",
            },
            Share {
                meta: meta(
                    "disabled_share",
                    "Disabled under the Equality Act (crude share)",
                    "Usual residents disabled under the Equality Act (day-to-day activities limited a lot or a little), as a share of all usual residents.",
                    RESIDENTS,
                    Polarity::HigherIsWorse,
                    CRUDE,
                ),
                numerator_id: "disabled_n",
                numerator_cols: &["Disability: Disabled under the Equality Act"],
                numerator_label: "residents disabled under the Equality Act",
            },
        ],
    }
}

/// TS039: residents aged 5+ providing 20 or more, and 50 or more, hours of unpaid care a week.
fn unpaid_care() -> Table<'static> {
    const C20: &[&str] = &[
        "Provision of unpaid care: Provides 20 to 49 hours unpaid care a week",
        "Provision of unpaid care: Provides 50 or more hours unpaid care a week",
    ];
    Table {
        file: sources::CENSUS_TS039,
        used_for: "Census 2021 unpaid care (TS039)",
        code_col: "geography code",
        denominator_col: "Provision of unpaid care: Total: All usual residents aged 5 and over",
        denominator_id: "ts039_residents_5plus",
        denominator_label: "usual residents aged 5 and over (TS039 total)",
        period: CENSUS_PERIOD,
        published: "As published by ONS (TS039): residents aged 5+ providing the hours of unpaid care over all residents aged 5+; a crude share",
        shares: vec![
            Share {
                meta: meta(
                    "unpaid_care_20h_share",
                    "Providing 20 or more hours of unpaid care a week (crude share, aged 5+)",
                    "Usual residents aged 5 and over who provide 20 or more hours of unpaid care a week, as a share of all residents aged 5 and over.",
                    "share of usual residents aged 5+ (0–1)",
                    Polarity::Neutral,
                    CARE_CAVEAT,
                ),
                numerator_id: "unpaid_care_20h_n",
                numerator_cols: C20,
                numerator_label: "residents aged 5+ providing 20 or more hours of unpaid care a week",
            },
            Share {
                meta: meta(
                    "unpaid_care_50h_share",
                    "Providing 50 or more hours of unpaid care a week (crude share, aged 5+)",
                    "Usual residents aged 5 and over who provide 50 or more hours of unpaid care a week, as a share of all residents aged 5 and over.",
                    "share of usual residents aged 5+ (0–1)",
                    Polarity::Neutral,
                    CARE_CAVEAT,
                ),
                numerator_id: "unpaid_care_50h_n",
                numerator_cols: &C20[1..],
                numerator_label: "residents aged 5+ providing 50 or more hours of unpaid care a week",
            },
        ],
    }
}

/// TS040: households with one or more disabled people.
fn disabled_households() -> Table<'static> {
    const ANY_DISABLED: &[&str] = &[
        "Number of disabled people in household: 1 person disabled under the Equality Act in household",
        "Number of disabled people in household: 2 or more people disabled under the Equality Act in household",
    ];
    Table {
        file: sources::CENSUS_TS040,
        used_for: "Census 2021 disabled people in household (TS040)",
        code_col: "geography code",
        denominator_col: "Number of disabled people in household: Total: All households",
        denominator_id: "ts040_households",
        denominator_label: "all households (TS040 total)",
        period: CENSUS_PERIOD,
        published: "As published by ONS (TS040): households with one or more disabled people over all households; a crude share",
        shares: vec![Share {
            meta: meta(
                "disabled_household_share",
                "Households with at least one disabled person (crude share)",
                "Households in which one or more people are disabled under the Equality Act, as a share of all households.",
                "share of households (0–1)",
                Polarity::HigherIsWorse,
                CRUDE,
            ),
            numerator_id: "disabled_household_n",
            numerator_cols: ANY_DISABLED,
            numerator_label: "households with one or more disabled people",
        }],
    }
}

/// Add household fuel poverty (DESNZ sub-regional fuel poverty 2023, 2021 data).
pub fn fuel_poverty(
    log: &mut SourceLog,
    m: &Membership,
    b: &mut Builder,
    england_lsoas: &CodeSet<'_>,
) -> Result<()> {
    let mut share_meta = meta(
        "fuel_poverty_share",
        "Households in fuel poverty",
        "Households in fuel poverty under the Low Income Low Energy Efficiency measure, as a share of all households (modelled). Fairer, Healthier Leeds (Marmot City) indicator 14.",
        "share of households (0–1)",
        Polarity::HigherIsWorse,
        FUEL_CAVEAT,
    );
    share_meta.theme = "Fuel poverty";
    share_meta.source = "DESNZ, Sub-regional fuel poverty 2023 (2021 data), Table 3";
    share_meta.attribution = sources::DESNZ_ATTRIBUTION;
    let t = Table {
        file: sources::FUEL_POVERTY,
        used_for: "DESNZ fuel poverty by LSOA 2021 (2021)",
        code_col: "lsoa21_code",
        denominator_col: "households",
        denominator_id: "fuel_poverty_households",
        denominator_label: "households (modelled, DESNZ)",
        period: "2021",
        published: "As published by DESNZ (modelled estimates): fuel-poor households over all households",
        shares: vec![Share {
            meta: share_meta,
            numerator_id: "fuel_poor_n",
            numerator_cols: &["households_fuel_poor"],
            numerator_label: "households in fuel poverty (modelled, DESNZ)",
        }],
    };
    counts::add(log, m, b, &t, england_lsoas)
}
