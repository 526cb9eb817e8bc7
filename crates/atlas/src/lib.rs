//! The equimap data model: the geographies, their areas, the indicator catalogue and the atlas as
//! it is stored on disk (`boundaries/`).
//!
//! Everything downstream (ingest, tiles, queries, the server) speaks these types. The crate knows
//! nothing about HTTP or about the published source files; it only reads and writes the atlas.
//!
//! On disk an atlas is a directory:
//!
//! ```text
//! manifest.json                  what was built, from which sources, with which licences
//! geographies/<geography>.fgb    one FlatGeobuf per geography (code, name, parent codes)
//! indicators/catalogue.json      one entry per indicator: unit, period, source, method, ...
//! indicators/<geography>.csv     values keyed by area code, one column per indicator
//! indicators/reference.csv       district and England reference values per indicator
//! indicators/trends.{json,csv}   district and England time series (life expectancy, ...)
//! reference/*                    postcodes, places, GP practices and basemap context;
//!                                GP registers, PCNs and practice deprivation ([`PrimaryCare`])
//! ```
//!
//! Geometry and indicators are kept apart on purpose: an indicator can be added or replaced by
//! editing a CSV and the catalogue, without touching boundaries.

mod area;
mod atlas;
mod catalogue;
mod codeindex;
mod column;
mod error;
mod fgb;
mod geography;
mod manifest;
mod nesting;
mod primary_care;
mod reference;
mod residents;
mod table;
mod trends;

pub use area::{Area, AreaSet, Parents, kind_name};
pub use atlas::{Atlas, Coverage};
pub use catalogue::{
    Catalogue, Counts, CountsInterval, IndicatorDef, Interval, Kind, Level, Polarity,
    ReferenceValue, References,
};
pub use error::AtlasError;
pub use fgb::{FgbRow, read_fgb, write_area_fgb};
pub use flatgeobuf::GeometryType;
pub use geography::Geography;
pub use manifest::{LayerRecord, Manifest, SourceRecord};
pub use nesting::ChildCodes;
pub use primary_care::{Condition, PracticeInfo, PrimaryCare, QofRow, QofTotal};
pub use reference::{
    COMMITTEE_WARDS_FILE, CommitteeWardRow, GP_PRACTICES_FILE, GpPracticeRow, PLACES_FILE,
    POSTCODES_FILE, PlaceRow, PostcodeRow, read_layer, read_rows, write_rows,
};
pub use residents::{
    OaResidents, Placement, RESIDENTS_OA_FILE, RESIDENTS_POINTS_FILE, ResidentLayer, ResidentPoint,
};
pub use table::{IndicatorTable, format_number};
pub use trends::{TrendDef, TrendRow, Trends};

/// The ONS code for England, used as the scope of national reference values.
pub const ENGLAND_CODE: &str = "E92000001";
