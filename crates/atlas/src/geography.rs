use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::AtlasError;

/// A statistical or administrative geography that the atlas holds boundaries for.
///
/// The order of the variants is from smallest to largest and is used for stable output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Geography {
    /// Lower layer Super Output Areas, December 2021 (IoD2025's geography).
    Lsoa21,
    /// Lower layer Super Output Areas, December 2011 (IoD2019's geography).
    Lsoa11,
    /// Middle layer Super Output Areas, 2021.
    Msoa21,
    /// Middle layer Super Output Areas, 2011 (life expectancy's geography).
    Msoa11,
    /// Electoral wards, December 2023 (the current pattern).
    Ward,
    /// Leeds community committees: groups of whole wards (the council's own footprint).
    Committee,
    /// The local authority district.
    District,
}

impl Geography {
    /// All geographies, smallest first.
    pub const ALL: [Geography; 7] = [
        Geography::Lsoa21,
        Geography::Lsoa11,
        Geography::Msoa21,
        Geography::Msoa11,
        Geography::Ward,
        Geography::Committee,
        Geography::District,
    ];

    /// The short id used in file names, URLs and tile layer names.
    pub fn id(self) -> &'static str {
        match self {
            Geography::Lsoa21 => "lsoa21",
            Geography::Lsoa11 => "lsoa11",
            Geography::Msoa21 => "msoa21",
            Geography::Msoa11 => "msoa11",
            Geography::Ward => "ward",
            Geography::Committee => "committee",
            Geography::District => "district",
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Geography::Lsoa21 => "LSOA (2021)",
            Geography::Lsoa11 => "LSOA (2011)",
            Geography::Msoa21 => "MSOA (2021)",
            Geography::Msoa11 => "MSOA (2011)",
            Geography::Ward => "Ward (2023)",
            Geography::Committee => "Community committee",
            Geography::District => "District",
        }
    }

    /// The geographies whose codes an area of this geography records as its parents.
    ///
    /// LSOAs nest exactly in MSOAs of the same vintage; they are assigned to wards best-fit by
    /// the ONS lookups, because LSOAs do not nest in wards. Wards nest exactly in community
    /// committees, and an LSOA's committee is its ward's. Where a district has no committees the
    /// parent is simply absent.
    pub fn parents(self) -> &'static [Geography] {
        match self {
            Geography::Lsoa21 => &[
                Geography::Msoa21,
                Geography::Ward,
                Geography::Committee,
                Geography::District,
            ],
            Geography::Lsoa11 => &[
                Geography::Msoa11,
                Geography::Ward,
                Geography::Committee,
                Geography::District,
            ],
            Geography::Ward => &[Geography::Committee, Geography::District],
            Geography::Msoa21 | Geography::Msoa11 | Geography::Committee => &[Geography::District],
            Geography::District => &[],
        }
    }
}

impl fmt::Display for Geography {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Geography {
    type Err = AtlasError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        Geography::ALL
            .into_iter()
            .find(|g| g.id() == lower)
            .or(match lower.as_str() {
                "lsoa" => Some(Geography::Lsoa21),
                "msoa" => Some(Geography::Msoa21),
                "lad" => Some(Geography::District),
                _ => None,
            })
            .ok_or_else(|| AtlasError::UnknownGeography(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for g in Geography::ALL {
            assert_eq!(g.id().parse::<Geography>().expect("parses"), g);
        }
        assert_eq!(
            "LSOA".parse::<Geography>().expect("alias"),
            Geography::Lsoa21
        );
        assert!("county".parse::<Geography>().is_err());
    }
}
