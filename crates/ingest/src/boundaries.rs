//! Build each geography's areas: choose the boundary file, clean geometry, attach parents.

use std::collections::{BTreeMap, HashMap};

use indicatif::ProgressBar;

use equimap_atlas::{Area, AreaSet, Geography};

use crate::error::{IngestError, Result};
use crate::geom::areas_by_code;
use crate::membership::{Membership, Selection};
use crate::read::SourceLog;
use crate::sources::{self, BoundaryFile};

/// A built geography and how it was built.
pub struct BuiltGeography {
    /// The areas.
    pub areas: AreaSet,
    /// The boundary file used.
    pub file: BoundaryFile,
    /// The areas whose geometry had to be repaired or merged, with what was done.
    pub repaired: Vec<(String, String)>,
}

/// Build one geography for the selection.
pub fn build(log: &mut SourceLog, g: Geography, m: &Membership) -> Result<BuiltGeography> {
    let want = m.codes(g);
    let mut last_missing = Vec::new();
    for file in sources::boundary_candidates(g) {
        if !log.exists(file.path) {
            continue;
        }
        let src = log.read(file.path, &format!("{g} boundaries"))?;
        let (mut found, mut repaired) = areas_by_code(&src, file.code, file.name)?;
        let missing: Vec<&str> = want
            .iter()
            .filter(|c| !found.contains_key(**c))
            .copied()
            .collect();
        if !missing.is_empty() {
            // A detailed local file for another district: try the next candidate.
            last_missing = missing.iter().map(|s| (*s).to_owned()).collect();
            continue;
        }
        found.retain(|code, _| want.contains(code.as_str()));
        repaired.retain(|(code, _)| want.contains(code.as_str()));
        let alt = alt_names(log, g)?;
        let areas = found
            .into_iter()
            .map(|(code, (name, geometry))| Area {
                parents: m.parents[&g][&code].clone().into(),
                alt_name: alt.get(&code).cloned(),
                name: if name.is_empty() {
                    m.name.clone()
                } else {
                    name
                },
                code,
                geometry,
            })
            .collect();
        let areas = AreaSet::new(areas).map_err(IngestError::Check)?;
        return Ok(BuiltGeography {
            areas,
            file,
            repaired,
        });
    }
    let shown: Vec<&str> = last_missing.iter().take(10).map(String::as_str).collect();
    Err(IngestError::Check(format!(
        "no boundary file covers every {g} area of the selection; missing from the last file tried: {} ({} in all)",
        shown.join(", "),
        last_missing.len()
    )))
}

/// House of Commons Library names for MSOA 2011, which people recognise far better than
/// "Leeds 111".
fn alt_names(log: &mut SourceLog, g: Geography) -> Result<HashMap<String, String>> {
    if g != Geography::Msoa11 {
        return Ok(HashMap::new());
    }
    let csv = log.csv(
        sources::HOCL_MSOA,
        "MSOA 2011 House of Commons Library names",
    )?;
    let (c, n) = (csv.col("MSOAC")?, csv.col("MSOAHOCLN")?);
    let mut out = HashMap::new();
    for row in csv.rows() {
        out.insert(row.req(c)?.to_owned(), row.req(n)?.to_owned());
    }
    Ok(out)
}

/// Every geography's boundaries. With the May 2025 wards (`prepared`, see `wards`) the LSOA
/// 2021 layer is already built and the ward layer comes from them. Without them (sources
/// lacking the file), England's national ward boundaries are December 2022 and the lookup's
/// wards are 2024, so some wards have no boundary: for a single district any gap stops the
/// ingest; for England the ward layer is left out and a note says why.
pub fn build_all(
    log: &mut SourceLog,
    m: &Membership,
    sel: &Selection,
    pb: &ProgressBar,
    notes: &mut Vec<String>,
    committees: Option<&crate::committees::Committees>,
    prepared: Option<crate::wards::Prepared>,
) -> Result<(
    BTreeMap<Geography, BuiltGeography>,
    Option<crate::wards::Assignment>,
)> {
    let mut built = BTreeMap::new();
    let mut assignment = None;
    if let Some(p) = prepared {
        built.insert(
            Geography::Lsoa21,
            crate::wards::reparent(p.lsoa21, Geography::Lsoa21, m)?,
        );
        built.insert(Geography::Ward, p.wards.built(m)?);
        notes.extend(p.assignment.notes());
        assignment = Some(p.assignment);
    }
    for g in Geography::ALL {
        if g == Geography::Committee || built.contains_key(&g) {
            continue;
        }
        pb.set_message(format!("Boundaries: {}", g.label()));
        match build(log, g, m) {
            Ok(b) => {
                built.insert(g, b);
            }
            Err(IngestError::Check(why)) if g == Geography::Ward && *sel == Selection::England => {
                notes.push(format!("wards left out of the England atlas: {why}"));
            }
            Err(e) => return Err(e),
        }
    }
    if let (Some(c), Some(wards)) = (committees, built.get(&Geography::Ward)) {
        pb.set_message("Boundaries: community committees");
        let cb = c.build(&wards.areas, m)?;
        built.insert(Geography::Committee, cb);
    }
    Ok((built, assignment))
}
