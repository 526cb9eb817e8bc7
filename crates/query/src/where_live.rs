//! "Where I live": every footprint a point belongs to (LSOA, MSOA, ward, community committee,
//! the district, and any custom footprint that holds it), each with its headline figures
//! compared with the district and England, and the nearest GP practices with their PCNs.

use equimap_atlas::Geography;
use serde::Serialize;

use crate::custom::CustomArea;
use crate::profile::{AreaRef, IndicatorValue};
use crate::search::HitKind;
use crate::{NearbyService, Query, QueryError};

/// The figures shown for each footprint, where held at its geography.
pub const HEADLINE: [&str; 8] = [
    "population",
    "imd2025_decile",
    "imd2025_score",
    "imd2025_d12_share",
    "le_female",
    "le_male",
    "bad_health_share",
    "fuel_poverty_share",
];

/// The geographies listed, smallest first.
const LEVELS: [Geography; 5] = [
    Geography::Lsoa21,
    Geography::Msoa21,
    Geography::Ward,
    Geography::Committee,
    Geography::District,
];

/// Every footprint a point belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct Whereabouts {
    /// Longitude (WGS84).
    pub lon: f64,
    /// Latitude (WGS84).
    pub lat: f64,
    /// The postcode or place asked for, when the point came from one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    /// The atlas's areas holding the point, smallest first.
    pub areas: Vec<Membership>,
    /// Custom footprints on this server holding the point.
    pub custom_areas: Vec<CustomMembership>,
    /// The nearest GP practices, with their PCN and recorded prevalence.
    pub nearest_gp_practices: Vec<NearbyService>,
    /// How to read it.
    pub notes: Vec<String>,
}

/// One area holding the point, with its headline figures.
#[derive(Debug, Clone, Serialize)]
pub struct Membership {
    /// The area.
    pub area: AreaRef,
    /// Headline figures with intervals and comparisons.
    pub headline: Vec<IndicatorValue>,
}

/// One custom footprint holding the point.
#[derive(Debug, Clone, Serialize)]
pub struct CustomMembership {
    /// Its id (for `/api/custom-areas/{id}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Its name.
    pub name: String,
    /// How it is defined.
    pub definition: String,
    /// Its headline figures (aggregated from counts where held as counts; estimates).
    pub headline: Vec<IndicatorValue>,
}

fn headline_of(list: &[IndicatorValue]) -> Vec<IndicatorValue> {
    HEADLINE
        .iter()
        .filter_map(|id| list.iter().find(|i| i.id == *id).cloned())
        .collect()
}

impl CustomArea {
    /// True when the footprint holds a point: for a polygon, the point is inside it; for whole
    /// areas, the area of that geography holding the point (in `within`) is a member.
    pub fn holds(&self, within: &[AreaRef], lon: f64, lat: f64) -> bool {
        use geo::Contains;
        if let Some(g) = &self.geometry {
            return geo::MultiPolygon::<f64>::try_from(g.value.clone())
                .is_ok_and(|mp| mp.contains(&geo::Point::new(lon, lat)));
        }
        self.members.iter().any(|m| {
            within
                .iter()
                .any(|w| w.geography == m.geography && w.code == m.code)
        })
    }

    /// Its entry in a "where I live" answer.
    pub fn membership(&self) -> CustomMembership {
        CustomMembership {
            id: self.id.clone(),
            name: self.name.clone(),
            definition: self.definition.clone(),
            headline: headline_of(&self.indicators),
        }
    }
}

impl Query {
    /// Every area of the atlas holding a point, with headline figures, and the nearest
    /// `practices` GP practices. Custom footprints are the caller's to add (the server holds
    /// them). A point outside the atlas is a 404.
    pub fn where_live(
        &self,
        lon: f64,
        lat: f64,
        practices: usize,
    ) -> Result<Whereabouts, QueryError> {
        Self::check_lon_lat(lon, lat)?;
        let mut areas = Vec::new();
        for g in LEVELS {
            let Some(code) = self.locate(g, lon, lat).map(|a| a.code.clone()) else {
                continue;
            };
            let p = self.profile(g, &code, false)?;
            areas.push(Membership {
                headline: headline_of(&p.indicators),
                area: p.area,
            });
        }
        if areas.is_empty() {
            return Err(QueryError::not_found(format!(
                "lon {lon}, lat {lat} is outside the atlas ({})",
                self.atlas.manifest.district_name
            )));
        }
        let mut nearest = self.nearest_gps(lon, lat, practices)?;
        self.add_registers(&mut nearest);
        Ok(Whereabouts {
            lon,
            lat,
            found: None,
            areas,
            custom_areas: Vec::new(),
            nearest_gp_practices: nearest,
            notes: vec![
                "Each area's figures are those of its profile: counts summed where held as counts, with 95% intervals and comparisons with the district and England where computable; estimates are labelled.".to_owned(),
                "GP practices are the nearest by straight-line distance, not the practice a person is registered with; a PCN is a list of practices, not an area.".to_owned(),
            ],
        })
    }

    /// The point of a postcode or place: the best search hit of either kind.
    pub fn where_point(&self, q: &str) -> Result<(f64, f64, String), QueryError> {
        self.search(q, 20)?
            .into_iter()
            .find(|h| matches!(h.kind, HitKind::Postcode | HitKind::Place))
            .map(|h| (h.lon, h.lat, h.label))
            .ok_or_else(|| {
                QueryError::not_found(format!(
                    "no postcode or place in {} matches {q:?}",
                    self.atlas.manifest.district_name
                ))
            })
    }
}

/// The areas of a "where I live" answer as references, for [`CustomArea::holds`].
pub fn within_of(w: &Whereabouts) -> Vec<AreaRef> {
    w.areas.iter().map(|m| m.area.clone()).collect()
}
