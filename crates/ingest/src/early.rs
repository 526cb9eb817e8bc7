//! Source reads that need neither the lookups nor the boundaries: started on threads of their
//! own when a one-district ingest begins, so that they use the second core while the lookups
//! and the boundaries are read on one (issue #11: Leeds under 2 s).
//!
//! England's selection starts none of them: its atlas has no green-space or resident layers
//! (their sources cover Leeds only), so the work would be thrown away.

use std::thread::JoinHandle;

use rstar::RTree;

use crate::error::Result;
use crate::membership::Selection;
use crate::read::SourceLog;
use crate::{residents, sources};

/// The reads in flight; each is taken (joined) by the step that needs it, or read there.
#[derive(Default)]
pub struct EarlyReads {
    /// Green-space sites, read, de-duplicated and grouped.
    pub green: Option<JoinHandle<GreenSites>>,
    /// Residential land, with the log of what was read for it.
    pub land: Option<JoinHandle<(Result<RTree<residents::Land>>, SourceLog)>>,
}

/// What the green-space thread makes.
pub type GreenSites =
    std::result::Result<equimap_greenspace::Sites, equimap_greenspace::GreenspaceError>;

impl EarlyReads {
    /// Start the reads for `sel` whose sources are present.
    pub fn start(log: &SourceLog, sel: &Selection) -> Self {
        if !matches!(sel, Selection::District(_)) {
            return Self::default();
        }
        let green = [
            equimap_greenspace::OS_SITES_FILE,
            equimap_greenspace::OS_ACCESS_FILE,
        ]
        .iter()
        .all(|f| log.exists(f))
        .then(|| {
            let root = log.root().to_path_buf();
            std::thread::spawn(move || equimap_greenspace::read_sites(&root))
        });
        let land = log.exists(sources::LANDUSE).then(|| {
            let mut land_log = log.fork();
            std::thread::spawn(move || (residents::residential_land(&mut land_log), land_log))
        });
        Self { green, land }
    }
}

/// The thread's result; a panic there is raised here.
pub fn join<T>(h: JoinHandle<T>) -> T {
    h.join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}
