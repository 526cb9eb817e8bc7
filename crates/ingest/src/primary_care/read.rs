//! Reading the primary-care sources as published: QOF registers (gzip CSV), practice IMD scores
//! (CSV), the July 2026 practice → PCN map (a CSV inside a zip) and the February 2023 ePCN
//! extract (CSV). Every bad row stops the ingest naming the file, line, column and code.

use std::collections::BTreeMap;
use std::io::Read;

use crate::error::{IngestError, Result};
use crate::read::{Csv, Row, SourceBytes, SourceLog};
use crate::sources;

/// A practice's registers: condition → (register, list type, list size).
pub type Registers = BTreeMap<String, (u64, String, u64)>;

/// A PCN membership: PCN code and name (both empty for a practice in no PCN), and its date.
#[derive(Debug, Clone)]
pub struct Membership {
    pub pcn_code: String,
    pub pcn_name: String,
    pub as_at: String,
}

/// NHS ODS GP practice codes are a letter and five digits (`B86086`, `Y02645`).
///
/// ```text
/// B86086 ok; b86086, B8608, B860866, 86086B refused
/// ```
pub fn is_practice_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 6 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

fn practice_code<'a>(row: &Row<'a>, col: usize) -> Result<&'a str> {
    let code = row.req(col)?;
    if is_practice_code(code) {
        Ok(code)
    } else {
        Err(row.bad(
            col,
            format!("{code:?} is not a GP practice code (a letter and five digits)"),
        ))
    }
}

/// A count: a whole, non-negative number (QOF writes registers as `113.0`).
fn count(row: &Row<'_>, col: usize, code: &str) -> Result<u64> {
    let v = row.req_num(col).map_err(|_| {
        row.bad(
            col,
            format!("practice {code}: {:?} is not a count", row.str(col)),
        )
    })?;
    if v < 0.0 || v.fract() != 0.0 || v > 1e12 {
        return Err(row.bad(
            col,
            format!("practice {code}: {v} is not a whole number of patients"),
        ));
    }
    Ok(v as u64)
}

/// `qof_prevalence_2425_england.csv.gz`: practice → condition → register and list, and the
/// known registers above their list that were kept (see [`sources::QOF_REGISTER_ABOVE_LIST`]).
pub fn qof(log: &mut SourceLog) -> Result<(BTreeMap<String, Registers>, Vec<String>)> {
    let csv = log.csv(sources::QOF, "GP practice disease registers (QOF)")?;
    let c = |n| csv.col(n);
    let (pc, gc, reg, lt, ls) = (
        c("PRACTICE_CODE")?,
        c("GROUP_CODE")?,
        c("REGISTER")?,
        c("PATIENT_LIST_TYPE")?,
        c("PRACTICE_LIST_SIZE")?,
    );
    let mut list_types: BTreeMap<String, String> = BTreeMap::new();
    let mut out: BTreeMap<String, Registers> = BTreeMap::new();
    let mut above = Vec::new();
    for row in csv.rows() {
        let code = practice_code(&row, pc)?;
        let cond = row.req(gc)?;
        if !sources::QOF_REGISTERS.iter().any(|(g, _)| *g == cond) {
            return Err(row.bad(
                gc,
                format!("practice {code}: unknown QOF register {cond:?}"),
            ));
        }
        let list_type = row.req(lt)?;
        if !matches!(
            list_type,
            "TOTAL" | "18OV" | "17OV" | "16OV" | "06OV" | "50OV"
        ) {
            return Err(row.bad(
                lt,
                format!("practice {code}: unknown list type {list_type:?}"),
            ));
        }
        let known = list_types
            .entry(cond.to_owned())
            .or_insert_with(|| list_type.to_owned());
        if known != list_type {
            return Err(row.bad(
                lt,
                format!("practice {code}: {cond} is a share of {list_type} here but of {known} on earlier rows"),
            ));
        }
        let (register, list) = (count(&row, reg, code)?, count(&row, ls, code)?);
        let published = sources::QOF_REGISTER_ABOVE_LIST.contains(&(code, cond));
        if register > list && published {
            above.push(format!("{code} {cond} {register} of {list}"));
        } else if register > list {
            return Err(row.bad(
                reg,
                format!("practice {code}: {cond} register {register} is above its list of {list}"),
            ));
        }
        let regs = out.entry(code.to_owned()).or_default();
        if regs
            .insert(cond.to_owned(), (register, list_type.to_owned(), list))
            .is_some()
        {
            return Err(row.bad(gc, format!("practice {code}: a second {cond} row")));
        }
    }
    Ok((out, above))
}

/// `gp_practice_imd2025_score_fingertips94240.csv`: practice → (name, IMD 2025 score).
pub fn practice_imd(log: &mut SourceLog) -> Result<BTreeMap<String, (String, f64)>> {
    let csv = log.csv(
        sources::PRACTICE_IMD,
        "IMD 2025 score of each practice's registered population (practice deprivation deciles)",
    )?;
    let (pc, name, score) = (
        csv.col("PRACTICE_CODE")?,
        csv.col("PRACTICE_NAME")?,
        csv.col("IMD_SCORE")?,
    );
    let mut out = BTreeMap::new();
    for row in csv.rows() {
        let code = practice_code(&row, pc)?;
        let s = row.req_num(score)?;
        if out
            .insert(code.to_owned(), (row.str(name).to_owned(), s))
            .is_some()
        {
            return Err(row.bad(pc, format!("practice {code} is listed twice")));
        }
    }
    Ok(out)
}

/// `01Jul2026` → `2026-07-01`.
fn extract_date(s: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (day, rest) = s.split_at_checked(2)?;
    let (mon, year) = rest.split_at_checked(3)?;
    let m = MONTHS.iter().position(|x| x.eq_ignore_ascii_case(mon))? + 1;
    let (d, y): (u8, u16) = (day.parse().ok()?, year.parse().ok()?);
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

fn unzip_member(src: &SourceBytes, member: &str) -> Result<SourceBytes> {
    let bad = |message: String| IngestError::Csv {
        path: src.path.clone(),
        message,
    };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(src.data.as_slice()))
        .map_err(|e| bad(format!("not a readable zip: {e}")))?;
    let mut f = zip
        .by_name(member)
        .map_err(|e| bad(format!("no {member} inside: {e}")))?;
    let mut data = Vec::new();
    f.read_to_end(&mut data)
        .map_err(|e| bad(format!("{member} is corrupt: {e}")))?;
    Ok(SourceBytes {
        path: src.path.join(member),
        data,
        sha256: src.sha256.clone(),
        bytes: src.bytes,
    })
}

/// The July 2026 mapping file: practice → (name, membership). PCN code `U` ("Unallocated")
/// means the practice is in no PCN.
pub fn pcn_map(log: &mut SourceLog) -> Result<BTreeMap<String, (String, Membership)>> {
    let zipped = log.read(sources::PCN_MAP, "practice → PCN membership (current)")?;
    let csv = Csv::read(&unzip_member(&zipped, sources::PCN_MAP_MEMBER)?)?;
    let c = |n| csv.col(n);
    let (date, pc, name, pcn, pcn_name) = (
        c("EXTRACT_DATE")?,
        c("PRACTICE_CODE")?,
        c("PRACTICE_NAME")?,
        c("PCN_CODE")?,
        c("PCN_NAME")?,
    );
    let mut out = BTreeMap::new();
    for row in csv.rows() {
        let code = practice_code(&row, pc)?;
        let as_at = extract_date(row.req(date)?).ok_or_else(|| {
            row.bad(
                date,
                format!("{:?} is not a date like 01Jul2026", row.str(date)),
            )
        })?;
        let pcn_code = row.req(pcn)?;
        let m = if pcn_code == "U" {
            Membership {
                pcn_code: String::new(),
                pcn_name: String::new(),
                as_at,
            }
        } else {
            Membership {
                pcn_code: pcn_code.to_owned(),
                pcn_name: row.req(pcn_name)?.to_owned(),
                as_at,
            }
        };
        if out
            .insert(code.to_owned(), (row.str(name).to_owned(), m))
            .is_some()
        {
            return Err(row.bad(pc, format!("practice {code} is listed twice")));
        }
    }
    Ok(out)
}

/// The February 2023 ePCN Leeds extract: active relationships (no end date) only.
pub fn epcn_leeds(log: &mut SourceLog) -> Result<BTreeMap<String, Membership>> {
    if !log.exists(sources::PCN_EPCN_LEEDS) {
        return Ok(BTreeMap::new());
    }
    let csv = log.csv(
        sources::PCN_EPCN_LEEDS,
        "practice → PCN membership (February 2023, for practices not in the July 2026 file)",
    )?;
    let c = |n| csv.col(n);
    let (pc, pcn, name, end) = (
        c("Partner Organisation Code")?,
        c("PCN Code")?,
        c("PCN Name")?,
        c("Practice to PCN Relationship End Date")?,
    );
    let mut out = BTreeMap::new();
    for row in csv.rows().filter(|r| r.str(end).is_empty()) {
        let code = practice_code(&row, pc)?;
        out.insert(
            code.to_owned(),
            Membership {
                pcn_code: row.req(pcn)?.to_owned(),
                pcn_name: row.req(name)?.to_owned(),
                as_at: sources::PCN_EPCN_AS_AT.to_owned(),
            },
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn practice_codes() {
        assert!(is_practice_code("B86086"));
        assert!(is_practice_code("Y02645"));
        for bad in ["b86086", "B8608", "B860866", "86086B", "", "B86O86"] {
            assert!(!is_practice_code(bad), "{bad}");
        }
    }

    #[test]
    fn extract_dates() {
        assert_eq!(extract_date("01Jul2026").as_deref(), Some("2026-07-01"));
        assert_eq!(extract_date("15feb2023").as_deref(), Some("2023-02-15"));
        assert_eq!(extract_date("2026-07-01"), None);
        assert_eq!(extract_date(""), None);
    }
}
