//! The "Fairer, Healthier Leeds" (Marmot City) indicator set: the 15 measures Leeds monitors its
//! inequalities with, each with its breakdowns, and for each one whether this atlas holds it.
//!
//! This module is the one place the set is written down. Where the atlas holds a measure, the
//! entry names the catalogue indicators that carry it (checked against the loaded catalogue, so
//! an atlas without them says so); where it does not, the entry says who publishes it and where,
//! and never offers another figure in its place.

use serde::Serialize;

use crate::Query;

/// One measure of the set, as written down here.
struct Measure {
    number: u8,
    title: &'static str,
    breakdowns: &'static [&'static str],
    /// Catalogue indicators that carry the measure, when the atlas holds it.
    indicators: &'static [&'static str],
    /// District trend series that carry it (`/api/trends`).
    trends: &'static [&'static str],
    /// Who publishes it, and at which geography, when the atlas does not hold it.
    publisher: &'static str,
    /// What a user must know: how the atlas's figure differs from the measure as Leeds reports
    /// it, or why there is no figure.
    note: &'static str,
}

const SMALL: &[&str] = &["ward", "MSOA", "IMD decile"];

const SET: [Measure; 15] = [
    Measure {
        number: 1,
        title: "Life expectancy at birth",
        breakdowns: &["ward", "MSOA", "IMD decile", "sex"],
        indicators: &["le_female", "le_male"],
        trends: &["le_birth", "le_sii"],
        publisher: "ONS, life expectancy by MSOA (2016-20); OHID Fingertips for districts and England",
        note: "MSOA 2011 figures for 2016-20 as ONS published them; wards and other geographies are population-weighted estimates from MSOAs. The district trend and the slope index of inequality come from OHID Fingertips.",
    },
    Measure {
        number: 2,
        title: "Babies with low birth weight, per 1,000 live births",
        breakdowns: SMALL,
        indicators: &[],
        trends: &[],
        publisher: "ONS birth registrations; OHID publishes low birth weight by MSOA and ward in Local Health (Fingertips)",
        note: "No open small-area file of it is in this atlas's sources.",
    },
    Measure {
        number: 3,
        title: "Children of a healthy weight at reception (age 4-5)",
        breakdowns: SMALL,
        indicators: &[],
        trends: &[],
        publisher: "NHS England, National Child Measurement Programme; OHID publishes reception-year weight by MSOA and ward in Local Health (Fingertips)",
        note: "No open small-area file of it is in this atlas's sources.",
    },
    Measure {
        number: 4,
        title: "Pupils with a good level of development at the end of reception",
        breakdowns: SMALL,
        indicators: &[],
        trends: &[],
        publisher: "Department for Education, Early Years Foundation Stage profile results (by local authority); small-area figures come from pupil records held by Leeds City Council",
        note: "Not published openly for small areas; not in this atlas.",
    },
    Measure {
        number: 5,
        title: "Pupils meeting the expected standard in reading, writing and maths at Key Stage 2",
        breakdowns: SMALL,
        indicators: &[],
        trends: &[],
        publisher: "Department for Education, Key Stage 2 attainment (by local authority and school); small-area figures come from pupil records held by Leeds City Council",
        note: "Not published openly for small areas; not in this atlas.",
    },
    Measure {
        number: 6,
        title: "Average Attainment 8 score",
        breakdowns: SMALL,
        indicators: &[],
        trends: &[],
        publisher: "Department for Education, Key Stage 4 performance (by local authority and school); small-area figures come from pupil records held by Leeds City Council",
        note: "Not published openly for small areas; not in this atlas.",
    },
    Measure {
        number: 7,
        title: "School children who report feeling happy every or most days",
        breakdowns: SMALL,
        indicators: &[],
        trends: &[],
        publisher: "Leeds City Council, My Health My School survey",
        note: "A survey of Leeds pupils; no open small-area file; not in this atlas.",
    },
    Measure {
        number: 8,
        title: "16-17 year-olds not in education, employment or training",
        breakdowns: SMALL,
        indicators: &[],
        trends: &[],
        publisher: "Department for Education, NEET and participation statistics (by local authority); small-area figures come from Leeds City Council's tracking of young people",
        note: "Not published openly for small areas; not in this atlas.",
    },
    Measure {
        number: 9,
        title: "Common mental health problems recorded by GPs (age-standardised rate per 100,000)",
        breakdowns: SMALL,
        indicators: &[],
        trends: &[],
        publisher: "GP records of Leeds residents (NHS West Yorkshire ICB and Leeds City Council)",
        note: "No open small-area source. NHS England's QOF gives each GP practice's depression register, a different measure (a practice's patients, crude, one condition); it is not used here in its place.",
    },
    Measure {
        number: 10,
        title: "Severe mental illness recorded by GPs (age-standardised rate per 100,000)",
        breakdowns: SMALL,
        indicators: &[],
        trends: &[],
        publisher: "GP records of Leeds residents (NHS West Yorkshire ICB and Leeds City Council)",
        note: "No open small-area source. NHS England's QOF gives each GP practice's severe mental illness register, a different measure (a practice's patients, crude); it is not used here in its place.",
    },
    Measure {
        number: 11,
        title: "People earning less than the Real Living Wage",
        breakdowns: SMALL,
        indicators: &[],
        trends: &[],
        publisher: "ONS Annual Survey of Hours and Earnings (by local authority), with the Living Wage Foundation's rate",
        note: "A sample survey published for local authorities, not small areas; not in this atlas.",
    },
    Measure {
        number: 12,
        title: "Households in temporary accommodation",
        breakdowns: &["district"],
        indicators: &[],
        trends: &[],
        publisher: "MHCLG, statutory homelessness live tables (by local authority)",
        note: "Published for districts only; not in this atlas.",
    },
    Measure {
        number: 13,
        title: "Physical inactivity recorded by GPs, adults aged 50 and over",
        breakdowns: SMALL,
        indicators: &[],
        trends: &[],
        publisher: "GP records of Leeds residents (NHS West Yorkshire ICB and Leeds City Council)",
        note: "No open small-area source. Sport England's Active Lives survey estimates inactivity for districts, a different measure (self-reported, all adults); it is not used here in its place.",
    },
    Measure {
        number: 14,
        title: "Households in fuel poverty",
        breakdowns: SMALL,
        indicators: &["fuel_poverty_share"],
        trends: &[],
        publisher: "Department for Energy Security and Net Zero, sub-regional fuel poverty (LSOA 2021)",
        note: "DESNZ's LSOA figures are modelled estimates; DESNZ advises against comparing single LSOAs or reading small differences.",
    },
    Measure {
        number: 15,
        title: "Workforce by ethnicity",
        breakdowns: &["district"],
        indicators: &[],
        trends: &[],
        publisher: "Leeds City Council (in development)",
        note: "In development by Leeds; no published figures yet.",
    },
];

/// One measure, as served.
#[derive(Debug, Clone, Serialize)]
pub struct MarmotMeasure {
    /// Its number in the Leeds set.
    pub number: u8,
    /// What it measures.
    pub title: String,
    /// The breakdowns Leeds reports it by.
    pub breakdowns: Vec<String>,
    /// True when this atlas holds it: `indicators` lists the map layers that carry it.
    pub held: bool,
    /// Catalogue indicators of this atlas that carry it, with the geographies each is held at.
    pub indicators: Vec<MarmotIndicator>,
    /// District trend series of this atlas that carry it.
    pub trends: Vec<String>,
    /// Who publishes it, and where.
    pub publisher: String,
    /// How to read it, or why it is not here.
    pub note: String,
}

/// A catalogue indicator that carries a measure.
#[derive(Debug, Clone, Serialize)]
pub struct MarmotIndicator {
    /// The indicator id (`/api/indicators`).
    pub id: String,
    /// Its label.
    pub label: String,
    /// The geographies it is held at.
    pub geographies: Vec<String>,
}

/// The whole set, as served.
#[derive(Debug, Clone, Serialize)]
pub struct Marmot {
    /// The theme's name.
    pub theme: &'static str,
    /// What the set is.
    pub about: &'static str,
    /// How many of the measures this atlas holds.
    pub held: usize,
    /// The 15 measures, in Leeds's order.
    pub measures: Vec<MarmotMeasure>,
}

impl Query {
    /// The Fairer, Healthier Leeds set, each measure marked held or not by this atlas.
    pub fn marmot(&self) -> Marmot {
        let cat = &self.atlas.catalogue;
        let measures: Vec<MarmotMeasure> = SET
            .iter()
            .map(|m| {
                let indicators: Vec<MarmotIndicator> = m
                    .indicators
                    .iter()
                    .filter_map(|id| cat.get(id))
                    .map(|d| MarmotIndicator {
                        id: d.id.clone(),
                        label: d.label.clone(),
                        geographies: d
                            .levels
                            .iter()
                            .map(|l| l.geography.id().to_owned())
                            .collect(),
                    })
                    .collect();
                let trends: Vec<String> = m
                    .trends
                    .iter()
                    .filter(|t| self.atlas.trends.def(t).is_some())
                    .map(|t| (*t).to_owned())
                    .collect();
                let held = !indicators.is_empty();
                let note = if held || m.indicators.is_empty() {
                    m.note.to_owned()
                } else {
                    format!(
                        "Not in this atlas (it was built without the source). {}",
                        m.note
                    )
                };
                MarmotMeasure {
                    number: m.number,
                    title: m.title.to_owned(),
                    breakdowns: m.breakdowns.iter().map(|b| (*b).to_owned()).collect(),
                    held,
                    indicators,
                    trends,
                    publisher: m.publisher.to_owned(),
                    note,
                }
            })
            .collect();
        Marmot {
            theme: "Fairer, Healthier Leeds",
            about: "The Leeds Marmot City indicator set, which Leeds uses to monitor health inequalities by ward, MSOA and IMD decile. equimap maps the measures that have an open small-area source; for the others it names who publishes them.",
            held: measures.iter().filter(|m| m.held).count(),
            measures,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SET;

    #[test]
    fn the_set_has_fifteen_measures_in_order() {
        assert_eq!(SET.len(), 15);
        for (i, m) in SET.iter().enumerate() {
            assert_eq!(usize::from(m.number), i + 1);
            assert!(!m.publisher.is_empty() && !m.note.is_empty(), "{}", m.title);
        }
    }
}
