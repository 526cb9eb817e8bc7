//! ONS private outdoor space (gardens) by MSOA 2011, April 2020.

use std::collections::BTreeMap;

use crate::GreenspaceError;
use crate::read::{CsvRows, Sources};
use crate::report::Report;

/// The Leeds MSOA file, relative to the sources directory.
pub const GARDENS_LEEDS_FILE: &str =
    "greenspace_ons_gardens_msoa/ons_private_outdoor_space_msoa_leeds_apr2020.csv";
/// The Great Britain MSOA file, read (when present) for the England reference value.
pub const GARDENS_GB_FILE: &str =
    "greenspace_ons_gardens_msoa/ons_private_outdoor_space_msoa_GB_apr2020.csv";

const ADDRESSES: &str = "Total: Address count";
// "Adress" is the publisher's spelling.
const WITH_SPACE: &str = "Total: Adress with private outdoor space count";
const SHARE: &str = "Total: Percentage of adresses with private outdoor space";

/// One MSOA's figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct MsoaGardens {
    pub addresses: f64,
    pub with_space: f64,
    /// The published share (0..1), rounded by ONS to 3 decimals.
    pub share: f64,
}

/// The Leeds MSOAs, and the district and England ratios of sums.
pub(crate) struct Gardens {
    pub msoa: BTreeMap<String, MsoaGardens>,
    pub district: Option<f64>,
    /// None with the reason when the GB file is not in the sources.
    pub england: Result<f64, String>,
}

/// One row of an ONS gardens file.
struct Row {
    country: String,
    lad: String,
    msoa: String,
    figures: MsoaGardens,
}

/// Rows of an ONS gardens file. The two footnote
/// rows at the end of the GB file (no MSOA code) are skipped and counted.
fn rows(src: &mut Sources, rel: &str) -> Result<(Vec<Row>, usize), GreenspaceError> {
    let (path, text) = src.read_text(rel)?;
    let csv = CsvRows::parse(&path, &text)?;
    let (c_country, c_lad, c_msoa) = (
        csv.column("Country name")?,
        csv.column("LAD code")?,
        csv.column("MSOA code")?,
    );
    let (c_a, c_w, c_s) = (
        csv.column(ADDRESSES)?,
        csv.column(WITH_SPACE)?,
        csv.column(SHARE)?,
    );
    let mut out = Vec::new();
    let mut footnotes = 0;
    for row in &csv.rows {
        let msoa = row.get(c_msoa).map_or("", str::trim);
        if msoa.is_empty() {
            footnotes += 1;
            continue;
        }
        let g = MsoaGardens {
            addresses: csv.number(row, c_a, ADDRESSES)?,
            with_space: csv.number(row, c_w, WITH_SPACE)?,
            share: csv.number(row, c_s, SHARE)?,
        };
        if !(0.0..=1.0).contains(&g.share) || g.with_space > g.addresses {
            return Err(GreenspaceError::Csv {
                path: path.clone(),
                row: CsvRows::line(row),
                problem: format!("MSOA {msoa}: share {} is not a proportion", g.share),
            });
        }
        out.push(Row {
            country: row.get(c_country).unwrap_or("").trim().to_owned(),
            lad: row.get(c_lad).unwrap_or("").trim().to_owned(),
            msoa: msoa.to_owned(),
            figures: g,
        });
    }
    Ok((out, footnotes))
}

fn ratio<'a>(it: impl Iterator<Item = &'a MsoaGardens>) -> Option<f64> {
    let (a, w) = it.fold((0.0, 0.0), |(a, w), g| (a + g.addresses, w + g.with_space));
    (a > 0.0).then(|| w / a)
}

/// Reads the Leeds file, and the GB file when it is there.
pub(crate) fn read_gardens(
    src: &mut Sources,
    district_code: &str,
    report: &mut Report,
) -> Result<Gardens, GreenspaceError> {
    let (leeds, _) = rows(src, GARDENS_LEEDS_FILE)?;
    let msoa: BTreeMap<String, MsoaGardens> =
        leeds.iter().map(|r| (r.msoa.clone(), r.figures)).collect();
    let district = ratio(
        leeds
            .iter()
            .filter(|r| r.lad == district_code)
            .map(|r| &r.figures),
    );
    report.line(format!(
        "ONS private outdoor space: {} MSOA 2011 rows for the district",
        msoa.len()
    ));
    let england = if src.locate(GARDENS_GB_FILE).is_some() {
        let (gb, footnotes) = rows(src, GARDENS_GB_FILE)?;
        let english: Vec<&MsoaGardens> = gb
            .iter()
            .filter(|r| r.country == "England")
            .map(|r| &r.figures)
            .collect();
        report.line(format!(
            "ONS private outdoor space: {} GB rows ({} English MSOAs) for the England reference, \
             {footnotes} footnote rows skipped",
            gb.len(),
            english.len()
        ));
        ratio(english.into_iter()).ok_or_else(|| "the GB file has no English rows".to_owned())
    } else {
        report.line("ONS private outdoor space: GB file not in the sources; no England value");
        Err(format!("{GARDENS_GB_FILE} is not in the sources"))
    };
    Ok(Gardens {
        msoa,
        district,
        england,
    })
}
