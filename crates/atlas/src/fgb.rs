//! Reading and writing FlatGeobuf layers.
//!
//! Every attribute we store is text (codes and names), so the writer takes string columns only;
//! that keeps the files simple to read with any FlatGeobuf tool (ogr2ogr, QGIS, flatgeobuf.js).

use std::collections::BTreeMap;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;

use flatgeobuf::{
    ColumnType, FallibleStreamingIterator, FgbCrs, FgbReader, FgbWriter, FgbWriterOptions,
    GeometryType,
};
use geo::Geometry;
use geozero::{ColumnValue, FeatureProperties, PropertyProcessor, ToGeo};

use crate::AtlasError;

/// One feature read from a FlatGeobuf file: its geometry and its text attributes.
pub type FgbRow = (Geometry<f64>, BTreeMap<String, String>);

/// Write features to a FlatGeobuf file with a packed Hilbert R-tree index, in WGS84.
///
/// `columns` names the text attributes; each feature gives one optional value per column.
/// The output depends only on the input, so a rebuild gives identical bytes.
pub fn write_area_fgb(
    path: &Path,
    title: &str,
    geometry_type: GeometryType,
    columns: &[&str],
    features: &[(Geometry<f64>, Vec<Option<String>>)],
) -> Result<(), AtlasError> {
    let fgb_err = |e: &dyn std::fmt::Display| AtlasError::Fgb {
        path: path.to_owned(),
        message: e.to_string(),
    };
    let mut writer = FgbWriter::create_with_options(
        title,
        geometry_type,
        FgbWriterOptions {
            write_index: true,
            detect_type: false,
            promote_to_multi: true,
            crs: FgbCrs {
                code: 4326,
                ..Default::default()
            },
            title: Some(title),
            ..Default::default()
        },
    )
    .map_err(|e| fgb_err(&e))?;
    for c in columns {
        writer.add_column(c, ColumnType::String, |_, col| col.nullable = true);
    }
    for (i, (geom, values)) in features.iter().enumerate() {
        if values.len() != columns.len() {
            return Err(AtlasError::invalid(
                path,
                format!(
                    "feature {i} has {} values for {} columns",
                    values.len(),
                    columns.len()
                ),
            ));
        }
        writer
            .add_feature_geom(geom.clone(), |feat| {
                for (j, (c, v)) in columns.iter().zip(values).enumerate() {
                    if let Some(v) = v {
                        // A failure here can only be a programming error in flatgeobuf; the
                        // column exists because we declared it above.
                        let _ = feat.property(j, c, &ColumnValue::String(v));
                    }
                }
            })
            .map_err(|e| fgb_err(&e))?;
    }
    let file = std::fs::File::create(path).map_err(|e| AtlasError::io(path, e))?;
    let mut out = BufWriter::new(file);
    writer.write(&mut out).map_err(|e| fgb_err(&e))?;
    out.flush().map_err(|e| AtlasError::io(path, e))
}

/// Read every feature of a FlatGeobuf file.
///
/// A truncated or corrupt file gives [`AtlasError::Fgb`] naming the file, never a panic.
pub fn read_fgb(path: &Path) -> Result<Vec<FgbRow>, AtlasError> {
    let fgb_err = |e: &dyn std::fmt::Display| AtlasError::Fgb {
        path: path.to_owned(),
        message: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(|e| AtlasError::io(path, e))?;
    let mut reader = BufReader::new(file);
    let fgb = FgbReader::open(&mut reader).map_err(|e| fgb_err(&e))?;
    let expected = fgb.header().features_count();
    let mut iter = fgb.select_all_seq().map_err(|e| fgb_err(&e))?;
    let mut rows = Vec::new();
    while let Some(feature) = iter.next().map_err(|e| fgb_err(&e))? {
        let geom = feature.to_geo().map_err(|e| fgb_err(&e))?;
        let props = feature.properties().map_err(|e| fgb_err(&e))?;
        rows.push((geom, props.into_iter().collect()));
    }
    if expected != 0 && rows.len() as u64 != expected {
        return Err(fgb_err(&format!(
            "header promises {expected} features but {} were read (truncated?)",
            rows.len()
        )));
    }
    Ok(rows)
}
