use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::nesting::{ChildCodes, Children};
use crate::{
    AreaSet, AtlasError, Catalogue, ENGLAND_CODE, Geography, IndicatorDef, IndicatorTable,
    Manifest, References, Trends,
};

/// Present and missing counts for one indicator at one geography.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    /// Areas with a value.
    pub present: usize,
    /// Areas without one.
    pub missing: usize,
}

/// An atlas loaded into memory: boundaries joined with indicators, ready to serve.
#[derive(Debug, Clone)]
pub struct Atlas {
    /// Where it was loaded from.
    pub dir: PathBuf,
    /// `manifest.json`.
    pub manifest: Manifest,
    /// The indicator catalogue.
    pub catalogue: Catalogue,
    /// District and England reference values.
    pub references: References,
    /// The areas of each geography.
    pub geographies: BTreeMap<Geography, AreaSet>,
    /// The indicator values of each geography.
    pub tables: BTreeMap<Geography, IndicatorTable>,
    /// District and England time series.
    pub trends: Trends,
    children: Children,
}

impl Atlas {
    /// The path of a geography's boundary file inside an atlas directory.
    pub fn geography_path(dir: &Path, g: Geography) -> PathBuf {
        dir.join("geographies").join(format!("{}.fgb", g.id()))
    }

    /// The path of a geography's indicator table inside an atlas directory.
    pub fn table_path(dir: &Path, g: Geography) -> PathBuf {
        dir.join("indicators").join(format!("{}.csv", g.id()))
    }

    /// Load and check an atlas directory.
    ///
    /// Checks, each failing with a message that names the file: every file is present and
    /// parses; every indicator row belongs to a known area (unknown codes are listed); every
    /// catalogue level has its column, and so does each of its companions (the numerator and
    /// denominator of an indicator held as counts, published confidence limits); every parent
    /// code exists.
    pub fn load(dir: &Path) -> Result<Self, AtlasError> {
        let manifest = Manifest::read(&dir.join("manifest.json"))?;
        let cat_path = dir.join("indicators").join("catalogue.json");
        let catalogue = Catalogue::read(&cat_path)?;
        let references = References::read(&dir.join("indicators").join("reference.csv"))?;
        // Each geography's boundaries and table are read on their own thread: reading is most
        // of start-up, and the files are independent.
        let loaded: Vec<Result<(Geography, AreaSet, IndicatorTable), AtlasError>> =
            std::thread::scope(|s| {
                let catalogue = &catalogue;
                let jobs: Vec<_> = manifest
                    .geographies
                    .keys()
                    .copied()
                    .map(|g| s.spawn(move || load_geography(dir, g, catalogue)))
                    .collect();
                jobs.into_iter()
                    .map(|j| j.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                    .collect()
            });
        let mut geographies = BTreeMap::new();
        let mut tables = BTreeMap::new();
        for result in loaded {
            let (g, areas, table) = result?;
            geographies.insert(g, areas);
            tables.insert(g, table);
        }
        let children = link_parents(dir, &geographies)?;
        let trends = Trends::read(dir)?;
        check_trend_areas(dir, &trends, &geographies)?;
        Ok(Self {
            dir: dir.to_owned(),
            manifest,
            catalogue,
            references,
            geographies,
            tables,
            trends,
            children,
        })
    }

    /// The areas of a geography.
    pub fn areas(&self, g: Geography) -> Option<&AreaSet> {
        self.geographies.get(&g)
    }

    /// A geography's name for people. The ward layer's vintage differs between atlases (Leeds's
    /// December 2023 wards, the May 2025 wards elsewhere), so wards take the one the manifest
    /// records ("Ward (May 2025)"); other geographies their fixed label.
    pub fn geography_label(&self, g: Geography) -> &str {
        match self.manifest.geographies.get(&g) {
            Some(r) if g == Geography::Ward && !r.vintage.is_empty() => &r.vintage,
            _ => g.label(),
        }
    }

    /// The codes of the areas of `child` geography whose parent at `g` is `code`, in the
    /// order of `child`'s areas.
    pub fn children(&self, g: Geography, code: &str, child: Geography) -> ChildCodes<'_> {
        self.children.of(&self.geographies, g, code, child)
    }

    /// The value of an indicator for an area.
    pub fn value(&self, g: Geography, code: &str, indicator: &str) -> Option<f64> {
        self.tables.get(&g)?.get(code, indicator)
    }

    /// The numerator and denominator of an indicator held as counts, for an area; `None` when
    /// the indicator is not held as counts or either count is missing.
    pub fn counts(&self, g: Geography, code: &str, def: &IndicatorDef) -> Option<(f64, f64)> {
        let c = def.counts.as_ref()?;
        let t = self.tables.get(&g)?;
        Some((t.get(code, &c.numerator)?, t.get(code, &c.denominator)?))
    }

    /// The published 95% confidence limits of an indicator for an area, where published.
    pub fn published_interval(
        &self,
        g: Geography,
        code: &str,
        def: &IndicatorDef,
    ) -> Option<(f64, f64)> {
        let i = def.interval_at(g)?;
        let t = self.tables.get(&g)?;
        Some((t.get(code, &i.lower)?, t.get(code, &i.upper)?))
    }

    /// Present and missing counts of an indicator at a geography.
    pub fn coverage(&self, g: Geography, indicator: &str) -> Option<Coverage> {
        let table = self.tables.get(&g)?;
        let areas = self.geographies.get(&g)?.len();
        let (present, _) = table.coverage(indicator)?;
        Some(Coverage {
            present,
            missing: areas - present,
        })
    }
}

/// One geography's boundaries and indicator table, checked against each other and the
/// catalogue.
fn load_geography(
    dir: &Path,
    g: Geography,
    catalogue: &Catalogue,
) -> Result<(Geography, AreaSet, IndicatorTable), AtlasError> {
    let path = Atlas::geography_path(dir, g);
    let areas = AreaSet::read(g, &path)?;
    let tpath = Atlas::table_path(dir, g);
    let table = IndicatorTable::read_csv(g, &tpath)?;
    let unknown: Vec<&str> = table
        .codes
        .iter()
        .filter(|c| areas.get(c).is_none())
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return Err(AtlasError::invalid(
            &tpath,
            format!(
                "{} code(s) are not {} areas in {}: {}",
                unknown.len(),
                g.id(),
                path.display(),
                unknown.join(", ")
            ),
        ));
    }
    check_columns(catalogue, &table, g, &tpath)?;
    Ok((g, areas, table))
}

/// Every catalogue indicator held at `g` has its column in the table, and so do its companions
/// (numerator, denominator, published limits).
fn check_columns(
    catalogue: &Catalogue,
    table: &IndicatorTable,
    g: Geography,
    tpath: &Path,
) -> Result<(), AtlasError> {
    for def in catalogue.at(g) {
        if table.column_index(&def.id).is_none() {
            return Err(AtlasError::invalid(
                tpath,
                format!(
                    "the catalogue lists {} at {g} but this table has no such column",
                    def.id
                ),
            ));
        }
        for col in def.companions(g) {
            if table.column_index(col).is_none() {
                return Err(AtlasError::invalid(
                    tpath,
                    format!(
                        "{} at {g} is made from column {col}, which this table does not have",
                        def.id
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Every trend row is for England or for a district of the atlas.
fn check_trend_areas(
    dir: &Path,
    trends: &Trends,
    geos: &BTreeMap<Geography, AreaSet>,
) -> Result<(), AtlasError> {
    let districts = geos.get(&Geography::District);
    for (i, r) in trends.rows.iter().enumerate() {
        if r.area_code != ENGLAND_CODE && districts.is_none_or(|d| d.get(&r.area_code).is_none()) {
            return Err(AtlasError::invalid(
                Trends::rows_path(dir),
                format!(
                    "line {}: {} is neither England nor a district of this atlas",
                    i + 2,
                    r.area_code
                ),
            ));
        }
    }
    Ok(())
}

fn link_parents(dir: &Path, geos: &BTreeMap<Geography, AreaSet>) -> Result<Children, AtlasError> {
    for (g, set) in geos {
        for area in &set.areas {
            for (pg, pcode) in &area.parents {
                if let Some(parents) = geos.get(pg)
                    && parents.get(pcode).is_none()
                {
                    return Err(AtlasError::invalid(
                        Atlas::geography_path(dir, *g),
                        format!(
                            "{} {} names parent {pg} {pcode}, which is not in the atlas",
                            g, area.code
                        ),
                    ));
                }
            }
        }
    }
    Ok(Children::new(geos))
}
