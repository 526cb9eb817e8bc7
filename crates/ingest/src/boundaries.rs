//! Build each geography's areas: choose the boundary file, clean geometry, attach parents.

use std::collections::HashMap;

use equimap_atlas::{Area, AreaSet, Geography};

use crate::error::{IngestError, Result};
use crate::geom::areas_by_code;
use crate::membership::Membership;
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
                parents: m.parents[&g][&code].clone(),
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
