//! Where each input lives under the sources directory (`../shared/data` as published).
//!
//! Boundaries come in two resolutions: detailed (generalised clipped, BGC) files for one
//! district, and coarse (super generalised, BSC) national files. The ingest uses the detailed
//! file when it covers every area of the requested district, and the national one otherwise.

use equimap_atlas::Geography;

/// A boundary file and the properties holding each area's code and name.
#[derive(Debug, Clone, Copy)]
pub struct BoundaryFile {
    /// Path relative to the sources directory.
    pub path: &'static str,
    /// Property with the area code.
    pub code: &'static str,
    /// Property with the area name.
    pub name: &'static str,
    /// What the file is, for the manifest.
    pub describe: &'static str,
}

const fn bf(
    path: &'static str,
    code: &'static str,
    name: &'static str,
    describe: &'static str,
) -> BoundaryFile {
    BoundaryFile {
        path,
        code,
        name,
        describe,
    }
}

/// Candidate boundary files for a geography, best first.
pub fn boundary_candidates(g: Geography) -> Vec<BoundaryFile> {
    match g {
        // Built by dissolving wards, not read from a file.
        Geography::Committee => Vec::new(),
        Geography::Lsoa21 => vec![
            bf(
                "boundaries_lsoa21_leeds/lsoa21_leeds_bgc.geojson",
                "LSOA21CD",
                "LSOA21NM",
                "ONS LSOA (Dec 2021) generalised clipped (BGC)",
            ),
            bf(
                "boundaries_national/lsoa21_bsc_v4.geojson.gz",
                "lsoa21_code",
                "lsoa21_name",
                "ONS LSOA (Dec 2021) super generalised clipped (BSC v4)",
            ),
        ],
        Geography::Lsoa11 => vec![
            bf(
                "boundaries_lsoa11_leeds/lsoa11_leeds_martinjc_ukgeojson.geojson",
                "LSOA11CD",
                "LSOA11NM",
                "ONS LSOA (Dec 2011) generalised clipped (BGC)",
            ),
            bf(
                "boundaries_national/lsoa11_bsc_v3_simpl.geojson.gz",
                "lsoa11_code",
                "lsoa11_name",
                "ONS LSOA (Dec 2011) super generalised clipped (BSC v3, simplified)",
            ),
        ],
        Geography::Msoa21 => vec![
            bf(
                "boundaries_msoa21_leeds/msoa21_leeds_bgc_dissolved.geojson",
                "msoa21_code",
                "msoa21_name",
                "ONS MSOA (2021) generalised clipped, dissolved from BGC LSOAs",
            ),
            bf(
                "boundaries_national/msoa21_bsc_v2_simpl.geojson.gz",
                "msoa21_code",
                "msoa21_name",
                "ONS MSOA (2021) super generalised clipped (BSC v2, simplified)",
            ),
        ],
        Geography::Msoa11 => vec![
            bf(
                "boundaries_msoa11_leeds/msoa11_leeds_martinjc_ukgeojson.geojson",
                "MSOA11CD",
                "MSOA11NM",
                "ONS MSOA (Dec 2011) generalised clipped (BGC)",
            ),
            bf(
                "boundaries_national/msoa11_bsc_v3.geojson.gz",
                "msoa11_code",
                "msoa11_name",
                "ONS MSOA (Dec 2011) super generalised clipped (BSC v3)",
            ),
        ],
        Geography::Ward => vec![
            bf(
                "boundaries_wards_leeds/wards_dec2023_leeds_bgc_geographybits.geojson",
                "WD23CD",
                "WD23NM",
                "ONS Wards (Dec 2023) generalised clipped",
            ),
            bf(
                "boundaries_national/wards_dec2022_bsc_simpl.geojson.gz",
                "ward22_code",
                "ward22_name",
                "ONS Wards (Dec 2022) super generalised clipped (simplified)",
            ),
        ],
        Geography::District => vec![
            bf(
                "boundaries_lad_leeds/lad_leeds_dissolved_from_wd23_bgc.geojson",
                "LAD_CD",
                "LAD_NM",
                "District outline dissolved from the Dec 2023 BGC wards",
            ),
            bf(
                "boundaries_national/lad_may2024_buc.geojson.gz",
                "ltla24_code",
                "ltla24_name",
                "ONS LAD (May 2024) ultra generalised clipped (BUC)",
            ),
        ],
    }
}

/// The May 2025 wards of England (ONS BGC): the ward layer of every selection but Leeds alone
/// (`crate::wards`).
pub const WARDS_2025: BoundaryFile = bf(
    "boundaries_national/wards_may2025_england_bgc.geojson.gz",
    "WD25CD",
    "WD25NM",
    "ONS Wards (May 2025) generalised clipped (BGC)",
);
/// The property of [`WARDS_2025`] holding each ward's May 2025 district.
pub const WARDS_2025_DISTRICT: &str = "LAD25CD";
/// The vintage of [`WARDS_2025`], for the manifest.
pub const WARDS_2025_VINTAGE: &str = "Ward (May 2025)";

/// The CSVs that several steps read: parsed once per ingest and shared
/// ([`crate::read::SourceLog::csv`]).
pub const SHARED_CSVS: [&str; 5] = [
    CENSUS_LSOA21,
    LSOA11_LSOA21,
    IOD2019,
    SAPE_LSOA11,
    OA_CENTROIDS,
];

/// LSOA21 → ward (2024) → district (2024).
pub const LSOA21_WARD: &str = "lookups/lsoa21_ward24_lad24_EW.csv";
/// LSOA11 → ward (2019) → district (2019).
pub const LSOA11_WARD: &str = "lookups/LSOA11_WD19_LAD19_EW_LU_ONS.csv";
/// LSOA11 → MSOA11.
pub const LSOA11_MSOA11: &str = "lookups/lsoa11_msoa11_GB.csv";
/// LSOA11 ↔ LSOA21.
pub const LSOA11_LSOA21: &str = "lookups/lsoa11_lsoa21_lad22_EW.csv.gz";
/// Leeds ward codes 2019 → 2023.
pub const WARD_CODES: &str = "lookups/ward_codes_wd19_to_wd23_leeds.csv";
/// Leeds community committees and their wards.
pub const COMMITTEES: &str = "community_committees_leeds/community_committee_wards_leeds.csv";
/// How the committee geography is made, for the manifest.
pub const COMMITTEE_BOUNDARIES: BoundaryFile = bf(
    COMMITTEES,
    "wd23cd",
    "community_committee",
    "Leeds community committees: the Dec 2023 BGC wards of each (council agenda packs) dissolved",
);
/// Census 2021 usual residents per LSOA21, with the MSOA21 code.
pub const CENSUS_LSOA21: &str = "population_lsoa21/census2021_usual_residents_lsoa21_EW.csv.gz";
/// IoD2025 mid-2022 population denominators (Leeds extract of File 6).
pub const IOD2025_DENOMINATORS: &str =
    "population_lsoa21/File_6_IoD2025_Population_Denominators_leeds_extract.csv";
/// IoD2025 ranks, deciles and scores for every English LSOA21.
pub const IOD2025: &str = "imd2025_lsoa21/humaniverse_imd2025_england_lsoa21.csv.gz";
/// IoD2019 merged table for every English LSOA11.
pub const IOD2019: &str = "imd2019_lsoa11/iod2019_lsoa11_england_merged.csv.gz";
/// House of Commons Library MSOA names with IoD2019 MSOA aggregates.
pub const HOCL_MSOA: &str = "imd2019_msoa11/hocl_imd2019_msoa_level_data_tbk03.csv";
/// ONS mid-2020 LSOA11 population estimates.
pub const SAPE_LSOA11: &str = "population_sape/population20_lsoa11_EW.csv.gz";
/// ONS mid-2020 MSOA11 population estimates.
pub const SAPE_MSOA11: &str = "population_sape/population20_msoa11_EW.csv";
/// Life expectancy at birth by MSOA11, 2016-20.
pub const LIFE_EXPECTANCY: &str =
    "life_expectancy_msoa11/life_expectancy_msoa11_england_2016_2020.csv.gz";
/// OS Code-Point Open postcodes for Leeds.
/// Census 2021 TS037 general health by LSOA 2021 (England and Wales).
pub const CENSUS_TS037: &str = "census2021_health_lsoa21/census2021_ts037_lsoa21_ew.csv.gz";
/// Census 2021 TS038 disability by LSOA 2021.
pub const CENSUS_TS038: &str = "census2021_health_lsoa21/census2021_ts038_lsoa21_ew.csv.gz";
/// Census 2021 TS039 provision of unpaid care by LSOA 2021.
pub const CENSUS_TS039: &str = "census2021_health_lsoa21/census2021_ts039_lsoa21_ew.csv.gz";
/// Census 2021 TS040 number of disabled people in household by LSOA 2021.
pub const CENSUS_TS040: &str = "census2021_health_lsoa21/census2021_ts040_lsoa21_ew.csv.gz";
/// DESNZ sub-regional fuel poverty 2023 (2021 data), Table 3, by LSOA 2021 (England).
pub const FUEL_POVERTY: &str = "fuel_poverty_lsoa21/fuel_poverty_lsoa21_england_2021.csv.gz";
pub const POSTCODES: &str = "postcodes_leeds/leeds_postcodes_live.csv";
/// The place-name gazetteer.
pub const PLACES: &str = "places_leeds/leeds_places_gazetteer.csv";
/// NHS ODS GP practices with registered patients.
pub const GP_PRACTICES: &str = "health_poi_leeds/gp_practices_leeds_ods_2025-09.csv";
/// The column of [`GP_PRACTICES`] holding registered patients, and the date it counts them at:
/// the one place that date is written (the manifest carries it on from here).
pub const GP_LIST_SIZE_COLUMN: &str = "list_size_2026_04";
/// See [`GP_LIST_SIZE_COLUMN`].
pub const GP_LIST_SIZE_DATE: &str = "1 April 2026";

/// ONS mid-2022 population of each Leeds Output Area 2021 (docs/residents.md).
pub const OA_POPULATION: &str = "population_oa21_leeds/oa21_population_mid2022_leeds.csv";
/// ONS Output Area 2021 population-weighted centroids (Leeds), with each OA's LSOA.
pub const OA_CENTROIDS: &str = "oa21_pwc_leeds/oa21_pwc_leeds.csv";
/// OpenStreetMap urban land use; its residential class places residents.
pub const LANDUSE: &str = "basemap_osm_leeds/landuse_urban_leeds_jul2023.geojson";

/// OpenStreetMap basemap context layers: id, path, vintage.
/// QOF 2024-25 registers and list sizes of every practice in England (NHS England).
pub const QOF: &str = "gp_qof_2425/qof_prevalence_2425_england.csv.gz";
/// The QOF year, as NHS England names it.
pub const QOF_PERIOD: &str = "2024-25";
/// IMD 2025 score of each practice's registered population (OHID Fingertips indicator 94240).
pub const PRACTICE_IMD: &str = "gp_qof_2425/gp_practice_imd2025_score_fingertips94240.csv";
/// Practice → PCN, "Patients Registered at a GP Practice" mapping file, July 2026 (a zip).
pub const PCN_MAP: &str = "pcn_membership/gp-reg-pat-prac-map_2026-07.zip";
/// The CSV inside [`PCN_MAP`].
pub const PCN_MAP_MEMBER: &str = "gp-reg-pat-prac-map.csv";
/// Practice → PCN from the ODS ePCN file, February 2023, Leeds (sub-ICB 15F) active rows: the
/// fallback for practices no longer in [`PCN_MAP`].
pub const PCN_EPCN_LEEDS: &str = "pcn_membership/pcn_membership_leeds_15F_2023-02.csv";
/// The date the ePCN file describes.
pub const PCN_EPCN_AS_AT: &str = "2023-02";
/// Registers above their list that NHS England publishes as they are, checked by hand: David
/// Lewis Medical Practice (Y05750), a practice for people with epilepsy and learning
/// disabilities, has 120 patients on its learning disability register and a list of 119. Kept
/// as published (prevalence above 100%, no interval) and named in the ingest summary; any other
/// register above its list stops the ingest.
pub const QOF_REGISTER_ABOVE_LIST: [(&str, &str); 1] = [("Y05750", "LD")];
/// The QOF registers: group code, what it counts (NHS England's QOF business rules).
pub const QOF_REGISTERS: [(&str, &str); 21] = [
    ("AF", "Atrial fibrillation"),
    ("AST", "Asthma"),
    ("CAN", "Cancer"),
    ("CHD", "Coronary heart disease"),
    ("CKD", "Chronic kidney disease"),
    ("COPD", "Chronic obstructive pulmonary disease"),
    ("DEM", "Dementia"),
    ("DEP", "Depression"),
    ("DM", "Diabetes mellitus"),
    ("EP", "Epilepsy"),
    ("HF", "Heart failure"),
    ("HYP", "Hypertension"),
    ("LD", "Learning disability"),
    (
        "MH",
        "Severe mental illness (schizophrenia, bipolar disorder, other psychoses)",
    ),
    ("NDH", "Non-diabetic hyperglycaemia"),
    ("OB", "Obesity"),
    ("OST", "Osteoporosis"),
    ("PAD", "Peripheral arterial disease"),
    ("PC", "Palliative care"),
    ("RA", "Rheumatoid arthritis"),
    ("STIA", "Stroke and transient ischaemic attack"),
];

pub const BASEMAP: [(&str, &str, &str); 5] = [
    (
        "roads",
        "basemap_osm_leeds/roads_major_wy_may2018.geojson",
        "May 2018",
    ),
    (
        "rail",
        "basemap_osm_leeds/railways_wy_may2018.geojson",
        "May 2018",
    ),
    (
        "waterways",
        "basemap_osm_leeds/waterways_wy_may2018.geojson",
        "May 2018",
    ),
    (
        "water",
        "basemap_osm_leeds/water_areas_leeds_jul2023.geojson",
        "July 2023",
    ),
    (
        "urban",
        "basemap_osm_leeds/landuse_urban_leeds_jul2023.geojson",
        "July 2023",
    ),
];

/// The attribution for ONS and OS boundary and statistics data (OGL v3).
pub const OGL_ATTRIBUTION: &str = "Contains OS data © Crown copyright and database right; Source: Office for National Statistics licensed under the Open Government Licence v.3.0";
/// The attribution for MHCLG's Indices of Deprivation (OGL v3).
pub const MHCLG_ATTRIBUTION: &str = "Contains public sector information licensed under the Open Government Licence v3.0 (MHCLG, English Indices of Deprivation)";
/// The attribution OpenStreetMap's ODbL requires.
/// Attribution for DESNZ's fuel poverty statistics.
pub const DESNZ_ATTRIBUTION: &str = "Contains public sector information licensed under the Open Government Licence v3.0 (DESNZ, sub-regional fuel poverty)";
/// OpenStreetMap attribution.
pub const OSM_ATTRIBUTION: &str = "© OpenStreetMap contributors";
