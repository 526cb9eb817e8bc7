//! Catalogue entries, per-area values and reference values.

use std::collections::BTreeMap;

use equimap_atlas::{
    AreaSet, ENGLAND_CODE, Geography, IndicatorDef, Kind, Level, Polarity, ReferenceValue,
};

use crate::gardens::Gardens;
use crate::residents::OutputAreaResult;
use crate::sites::{OS_ATTRIBUTION, OSM_ATTRIBUTION};
use crate::{STANDARDS, method};

/// Values by geography, indicator id and area code.
pub type Values = BTreeMap<Geography, BTreeMap<String, BTreeMap<String, f64>>>;

/// Ids of the shares of residents meeting each standard, in [`STANDARDS`] order.
pub const STANDARD_IDS: [&str; 5] = [
    "greenspace_0_5ha_200m_share",
    "greenspace_2ha_300m_share",
    "greenspace_10ha_1km_share",
    "greenspace_20ha_2km_share",
    "greenspace_100ha_5km_share",
];
/// Id of the mean distance to a public park or garden entrance.
pub const PARK_ID: &str = "greenspace_park_entrance_m";
/// Id of the mean distance to a counted site of at least 2 ha.
pub const TWO_HA_ID: &str = "greenspace_2ha_site_m";
/// Id of the hectares within 1 km per 1,000 residents.
pub const HA_1KM_ID: &str = "greenspace_ha_1km_per_1000";
/// Id of the share of addresses with private outdoor space.
pub const GARDENS_ID: &str = "private_outdoor_space_share";

const THEME: &str = "Green space";
const ACCESS_PERIOD: &str =
    "OS Open Greenspace spring 2025; OpenStreetMap July 2023; residents mid-2022";
const ONS_ATTRIBUTION: &str =
    "Source: Office for National Statistics licensed under the Open Government Licence v3.0";
const ENGLAND_MISSING: &str = "Not computed: the OS Open Greenspace and OpenStreetMap extracts in \
the sources cover Leeds only.";

/// How an indicator's value is read off one OA.
type OaValue = Box<dyn Fn(&OutputAreaResult) -> Option<f64>>;

/// One OA-based indicator: its catalogue text and how an OA's value is read.
struct Spec {
    id: &'static str,
    label: String,
    description: String,
    unit: &'static str,
    kind: Kind,
    polarity: Polarity,
    decimals: u8,
    text: String,
    osm: bool,
    value: OaValue,
}

fn specs() -> Vec<Spec> {
    let mut out = Vec::new();
    for (k, (st, id)) in STANDARDS.iter().zip(STANDARD_IDS).enumerate() {
        out.push(Spec {
            id,
            label: format!(
                "Residents with {} ha of green space within {}",
                st.label_ha, st.label_m
            ),
            description: format!(
                "Share of residents with a counted green space of at least {} ha within {} in a \
                 straight line (Natural England standard: {}).",
                st.label_ha, st.label_m, st.name
            ),
            unit: "share of residents",
            kind: Kind::Share,
            polarity: Polarity::HigherIsBetter,
            decimals: 3,
            text: format!(
                "{} {} {} {}",
                method::STANDARDS_TEXT,
                method::SITES,
                method::RESIDENTS,
                method::DISTANCE
            ),
            osm: true,
            value: Box::new(move |o| Some(if o.meets[k] { 1.0 } else { 0.0 })),
        });
    }
    out.push(Spec {
        id: PARK_ID,
        label: "Distance to a park entrance".to_owned(),
        description: "Mean straight-line distance from residents to the nearest entrance of a \
                      public park or garden."
            .to_owned(),
        unit: "metres",
        kind: Kind::Score,
        polarity: Polarity::HigherIsWorse,
        decimals: 0,
        text: format!(
            "{} {} {} {}",
            method::PARK,
            method::SITES,
            method::RESIDENTS,
            method::DISTANCE
        ),
        osm: false,
        value: Box::new(|o| o.park_entrance_m),
    });
    out.push(Spec {
        id: TWO_HA_ID,
        label: "Distance to a green space of 2 ha or more".to_owned(),
        description: "Mean straight-line distance from residents to the nearest counted green \
                      space (public or natural) of at least 2 ha."
            .to_owned(),
        unit: "metres",
        kind: Kind::Score,
        polarity: Polarity::HigherIsWorse,
        decimals: 0,
        text: format!(
            "{} {} {} {}",
            method::TWO_HA,
            method::SITES,
            method::RESIDENTS,
            method::DISTANCE
        ),
        osm: true,
        value: Box::new(OutputAreaResult::site_2ha_m),
    });
    out.push(Spec {
        id: HA_1KM_ID,
        label: "Green space within 1 km per 1,000 residents".to_owned(),
        description: "Hectares of counted green space reachable within 1 km in a straight line, \
                      per 1,000 residents living within 1 km."
            .to_owned(),
        unit: "hectares per 1,000 residents",
        kind: Kind::Score,
        polarity: Polarity::HigherIsBetter,
        decimals: 2,
        text: format!(
            "{} {} {} {}",
            method::HA_1KM,
            method::SITES,
            method::RESIDENTS,
            method::DISTANCE
        ),
        osm: true,
        value: Box::new(OutputAreaResult::hectares_1km_per_1000),
    });
    out
}

/// The geographies the values are made for, and the code of each OA's area in each.
fn area_code(
    o: &OutputAreaResult,
    g: Geography,
    areas: &BTreeMap<Geography, AreaSet>,
    district: &str,
) -> Option<String> {
    if g == Geography::District {
        return Some(district.to_owned());
    }
    o.area(g, areas)
}

/// Population-weighted means of an OA value over the areas of every geography.
fn aggregate(
    oas: &[OutputAreaResult],
    areas: &BTreeMap<Geography, AreaSet>,
    district: &str,
    value: &dyn Fn(&OutputAreaResult) -> Option<f64>,
) -> BTreeMap<Geography, BTreeMap<String, f64>> {
    let mut out = BTreeMap::new();
    for g in Geography::ALL {
        let mut sums: BTreeMap<String, (f64, f64)> = BTreeMap::new();
        for o in oas {
            if let (Some(code), Some(v)) = (area_code(o, g, areas, district), value(o)) {
                let e = sums.entry(code).or_default();
                e.0 += o.weight * v;
                e.1 += o.weight;
            }
        }
        let means: BTreeMap<String, f64> = sums
            .into_iter()
            .filter(|(_, (_, w))| *w > 0.0)
            .map(|(c, (s, w))| (c, s / w))
            .collect();
        if !means.is_empty() {
            out.insert(g, means);
        }
    }
    out
}

fn estimate(g: Geography) -> bool {
    matches!(g, Geography::Lsoa11 | Geography::Msoa11 | Geography::Ward)
}

/// Everything the indicators module hands back.
pub(crate) struct Built {
    pub indicators: Vec<IndicatorDef>,
    pub values: Values,
    pub references: Vec<ReferenceValue>,
}

/// Builds the catalogue entries, values and reference values.
pub(crate) fn build(
    oas: &[OutputAreaResult],
    areas: &BTreeMap<Geography, AreaSet>,
    district: (&str, &str),
    gardens: &Gardens,
) -> Built {
    let mut indicators = Vec::new();
    let mut values: Values = BTreeMap::new();
    let mut references = Vec::new();
    for spec in specs() {
        let by_geo = aggregate(oas, areas, district.0, &*spec.value);
        let levels = by_geo
            .keys()
            .map(|&g| Level {
                geography: g,
                period: ACCESS_PERIOD.to_owned(),
                method: format!("{} {}", method::level(g), spec.text),
                estimate: estimate(g),
                interval: None,
            })
            .collect();
        let district_value = by_geo
            .get(&Geography::District)
            .and_then(|m| m.get(district.0))
            .copied();
        references.push(ReferenceValue {
            indicator: spec.id.to_owned(),
            scope: district.0.to_owned(),
            scope_name: district.1.to_owned(),
            value: district_value,
            period: ACCESS_PERIOD.to_owned(),
            method: method::level(Geography::District).to_owned(),
            numerator: None,
            denominator: None,
        });
        references.push(england_missing(spec.id, ACCESS_PERIOD));
        for (g, m) in by_geo {
            values.entry(g).or_default().insert(spec.id.to_owned(), m);
        }
        indicators.push(IndicatorDef {
            id: spec.id.to_owned(),
            label: spec.label,
            description: spec.description,
            theme: THEME.to_owned(),
            unit: spec.unit.to_owned(),
            kind: spec.kind,
            polarity: spec.polarity,
            native: Geography::Lsoa21,
            levels,
            source: if spec.osm {
                "Ordnance Survey, OS Open Greenspace (spring 2025); OpenStreetMap (July 2023 \
                 extract); ONS Output Area 2021 population-weighted centroids; ONS mid-2022 LSOA \
                 population estimates"
            } else {
                "Ordnance Survey, OS Open Greenspace (spring 2025); ONS Output Area 2021 \
                 population-weighted centroids; ONS mid-2022 LSOA population estimates"
            }
            .to_owned(),
            licence: if spec.osm {
                "OGL v3; ODbL 1.0 (OpenStreetMap)"
            } else {
                "OGL v3"
            }
            .to_owned(),
            attribution: if spec.osm {
                format!("{OS_ATTRIBUTION}; {OSM_ATTRIBUTION}; {ONS_ATTRIBUTION}")
            } else {
                format!("{OS_ATTRIBUTION}; {ONS_ATTRIBUTION}")
            },
            local: false,
            decimals: spec.decimals,
            in_tiles: true,
            caveat: Some(method::CAVEAT.to_owned()),
            counts: None,
        });
    }
    gardens_indicator(
        oas,
        areas,
        district,
        gardens,
        &mut indicators,
        &mut values,
        &mut references,
    );
    Built {
        indicators,
        values,
        references,
    }
}

fn england_missing(id: &str, period: &str) -> ReferenceValue {
    ReferenceValue {
        indicator: id.to_owned(),
        scope: ENGLAND_CODE.to_owned(),
        scope_name: "England".to_owned(),
        value: None,
        period: period.to_owned(),
        method: ENGLAND_MISSING.to_owned(),
        numerator: None,
        denominator: None,
    }
}

fn gardens_indicator(
    oas: &[OutputAreaResult],
    areas: &BTreeMap<Geography, AreaSet>,
    district: (&str, &str),
    gardens: &Gardens,
    indicators: &mut Vec<IndicatorDef>,
    values: &mut Values,
    references: &mut Vec<ReferenceValue>,
) {
    const PERIOD: &str = "April 2020";
    let msoa11 = areas.get(&Geography::Msoa11);
    let share_of = |o: &OutputAreaResult| {
        let m = o.area(Geography::Msoa11, areas)?;
        gardens.msoa.get(&m).map(|g| g.share)
    };
    let mut by_geo = aggregate(oas, areas, district.0, &share_of);
    // MSOA 2011 as published and the district as a ratio of sums replace the OA means there.
    let published: BTreeMap<String, f64> = gardens
        .msoa
        .iter()
        .filter(|(code, _)| msoa11.is_none_or(|set| set.get(code).is_some()))
        .map(|(code, g)| (code.clone(), g.share))
        .collect();
    by_geo.insert(Geography::Msoa11, published);
    match gardens.district {
        Some(v) => by_geo.insert(
            Geography::District,
            BTreeMap::from([(district.0.to_owned(), v)]),
        ),
        None => by_geo.remove(&Geography::District),
    };
    by_geo.retain(|_, m| !m.is_empty());
    let levels = by_geo
        .keys()
        .map(|&g| Level {
            geography: g,
            period: PERIOD.to_owned(),
            method: format!("{} {}", method::gardens_level(g), method::GARDENS),
            estimate: !matches!(g, Geography::Msoa11 | Geography::District),
            interval: None,
        })
        .collect();
    references.push(ReferenceValue {
        indicator: GARDENS_ID.to_owned(),
        scope: district.0.to_owned(),
        scope_name: district.1.to_owned(),
        value: gardens.district,
        period: PERIOD.to_owned(),
        method: method::gardens_level(Geography::District).to_owned(),
        numerator: None,
        denominator: None,
    });
    references.push(ReferenceValue {
        indicator: GARDENS_ID.to_owned(),
        scope: ENGLAND_CODE.to_owned(),
        scope_name: "England".to_owned(),
        value: gardens.england.as_ref().ok().copied(),
        period: PERIOD.to_owned(),
        method: match &gardens.england {
            Ok(_) => "England's addresses with private outdoor space divided by its addresses, \
                      summed over every English MSOA 2011 in the GB table."
                .to_owned(),
            Err(why) => format!("Not computed: {why}."),
        },
        numerator: None,
        denominator: None,
    });
    for (g, m) in by_geo {
        values
            .entry(g)
            .or_default()
            .insert(GARDENS_ID.to_owned(), m);
    }
    indicators.push(IndicatorDef {
        id: GARDENS_ID.to_owned(),
        label: "Addresses with private outdoor space".to_owned(),
        description: "Share of residential addresses with private outdoor space (ONS, April \
                      2020)."
            .to_owned(),
        theme: THEME.to_owned(),
        unit: "share of addresses".to_owned(),
        kind: Kind::Share,
        polarity: Polarity::HigherIsBetter,
        native: Geography::Msoa11,
        levels,
        source: "ONS, Access to gardens and public green space in Great Britain: private outdoor \
                 space reference tables (April 2020)"
            .to_owned(),
        licence: "OGL v3".to_owned(),
        // The footnote of the ONS table.
        attribution: format!(
            "{ONS_ATTRIBUTION}; © Crown copyright and database rights 2020 OS 100019153"
        ),
        local: false,
        decimals: 3,
        in_tiles: true,
        caveat: Some(method::GARDENS_CAVEAT.to_owned()),
        counts: None,
    });
}
