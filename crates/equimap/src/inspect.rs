//! `equimap inspect`: a newcomer's view of an atlas.

use std::fmt::Write;

use equimap_atlas::Atlas;

/// A plain-text report: geographies with counts, then every indicator with its coverage at each
/// geography, period and source, then the reference layers.
pub fn report(atlas: &Atlas) -> String {
    let m = &atlas.manifest;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Atlas {} — {} ({}), version {}",
        atlas.dir.display(),
        m.district_name,
        m.district,
        m.version
    );
    let _ = writeln!(out, "\nGeographies");
    for (g, rec) in &m.geographies {
        let _ = writeln!(
            out,
            "  {:<9} {:>6} areas   {}",
            g.id(),
            atlas.areas(*g).map_or(0, equimap_atlas::AreaSet::len),
            rec.source
        );
    }
    let _ = writeln!(out, "\nIndicators (present/missing per geography)");
    for d in &atlas.catalogue.indicators {
        let _ = writeln!(
            out,
            "  {} — {} [{}]{}",
            d.id,
            d.label,
            d.unit,
            if d.local { " LOCAL" } else { "" }
        );
        for l in &d.levels {
            let cov = atlas.coverage(l.geography, &d.id);
            let (p, miss) = cov.map_or((0, 0), |c| (c.present, c.missing));
            let _ = writeln!(
                out,
                "      {:<9} {p:>5}/{miss:<4} {}{}",
                l.geography.id(),
                l.period,
                if l.estimate { " (estimate)" } else { "" }
            );
        }
        let _ = writeln!(out, "      source: {}", d.source);
    }
    let _ = writeln!(out, "\nReference layers");
    for (id, rec) in &m.reference_layers {
        let _ = writeln!(
            out,
            "  {id:<18} {:>6}  {} ({}; {})",
            rec.count, rec.file, rec.vintage, rec.licence
        );
    }
    let _ = writeln!(out, "\nAttribution");
    for a in &m.attribution {
        let _ = writeln!(out, "  {a}");
    }
    out
}
