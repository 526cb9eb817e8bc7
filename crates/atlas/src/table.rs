use std::collections::HashMap;
use std::path::Path;

use crate::codeindex::CodeIndex;
use crate::column::Column;
use crate::{AtlasError, Geography};

/// Indicator values for every area of one geography (`indicators/<geography>.csv`).
///
/// Stored column by column, one cell per area code; a column read from a file is held as
/// small integers and a scale where that gives every value back exactly (see `column.rs`).
/// A missing value (suppressed in the source, or not computable) is `None` and an empty CSV cell.
#[derive(Debug, Clone)]
pub struct IndicatorTable {
    /// The geography of the rows.
    pub geography: Geography,
    /// Indicator ids, one per column.
    pub columns: Vec<String>,
    /// Area codes, one per row, in file order.
    pub codes: Vec<String>,
    /// The cells of each column, in column order.
    cells: Vec<Column>,
    row_of: CodeIndex,
    col_of: HashMap<String, usize>,
}

impl PartialEq for IndicatorTable {
    /// Same geography, columns, codes and values (the lookups follow from the codes).
    fn eq(&self, other: &Self) -> bool {
        self.geography == other.geography
            && self.columns == other.columns
            && self.codes == other.codes
            && self.cells == other.cells
    }
}

impl IndicatorTable {
    /// Bytes the table holds in memory: values, codes, column names and the lookups (each
    /// allocation at its capacity; allocator overhead not counted).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let strings = |v: &[String]| v.iter().map(String::capacity).sum::<usize>();
        let map = |m: &HashMap<String, usize>| {
            m.capacity() * (size_of::<(String, usize)>() + 1)
                + m.keys().map(String::capacity).sum::<usize>()
        };
        self.cells.iter().map(Column::heap_bytes).sum::<usize>()
            + self.cells.capacity() * size_of::<Column>()
            + (self.codes.capacity() + self.columns.capacity()) * size_of::<String>()
            + strings(&self.codes)
            + strings(&self.columns)
            + self.row_of.heap_bytes()
            + map(&self.col_of)
    }

    /// An empty table with the given columns.
    pub fn new(geography: Geography, columns: Vec<String>) -> Self {
        let col_of = columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.clone(), i))
            .collect();
        let cells = std::iter::repeat_with(Column::default)
            .take(columns.len())
            .collect();
        Self {
            geography,
            columns,
            codes: Vec::new(),
            cells,
            row_of: CodeIndex::default(),
            col_of,
        }
    }

    /// Append a row. Returns false (and changes nothing) if the code is already present.
    pub fn push_row(&mut self, code: &str, values: &[Option<f64>]) -> bool {
        assert_eq!(
            values.len(),
            self.columns.len(),
            "row width must match columns"
        );
        if self.row_index(code).is_some() {
            return false;
        }
        self.row_of.push(&self.codes, code);
        self.codes.push(code.to_owned());
        for (c, v) in self.cells.iter_mut().zip(values) {
            c.push(*v);
        }
        true
    }

    /// Set one value; the row and the column must exist.
    pub fn set(&mut self, code: &str, column: &str, value: Option<f64>) -> bool {
        match (self.row_index(code), self.col_of.get(column)) {
            (Some(r), Some(&c)) => {
                self.cells[c].set(r, value);
                true
            }
            _ => false,
        }
    }

    /// The value of `column` for area `code`.
    pub fn get(&self, code: &str, column: &str) -> Option<f64> {
        let r = self.row_index(code)?;
        let c = *self.col_of.get(column)?;
        self.cells[c].get(r)
    }

    /// The index of a column.
    pub fn column_index(&self, column: &str) -> Option<usize> {
        self.col_of.get(column).copied()
    }

    /// The row index of an area code.
    pub fn row_index(&self, code: &str) -> Option<usize> {
        self.row_of
            .find(self.codes.len(), |i| self.codes[i].as_str(), code)
    }

    /// The value at a row and column index.
    pub fn value_at(&self, row: usize, col: usize) -> Option<f64> {
        self.cells.get(col)?.get(row)
    }

    /// The whole row of an area, in column order.
    pub fn row(&self, code: &str) -> Option<Vec<Option<f64>>> {
        let r = self.row_index(code)?;
        Some(self.cells.iter().map(|c| c.get(r)).collect())
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// True when the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Present and missing counts of a column.
    pub fn coverage(&self, column: &str) -> Option<(usize, usize)> {
        let c = *self.col_of.get(column)?;
        let present = (0..self.codes.len())
            .filter(|r| self.cells[c].get(*r).is_some())
            .count();
        Some((present, self.codes.len() - present))
    }

    /// Read a table from CSV. The first column must be `code`; every other column is an
    /// indicator. Empty cells are missing values; anything else must parse as a number.
    pub fn read_csv(geography: Geography, path: &Path) -> Result<Self, AtlasError> {
        let file = std::fs::File::open(path).map_err(|e| AtlasError::io(path, e))?;
        Self::from_reader(geography, file, path)
    }

    /// Read a table from any reader; `path` is only used in error messages.
    pub fn from_reader(
        geography: Geography,
        reader: impl std::io::Read,
        path: &Path,
    ) -> Result<Self, AtlasError> {
        let csv_err = |source| AtlasError::Csv {
            path: path.to_owned(),
            source,
        };
        let mut rdr = csv::Reader::from_reader(reader);
        let headers = rdr.headers().map_err(csv_err)?.clone();
        if headers.get(0) != Some("code") {
            return Err(AtlasError::invalid(
                path,
                "the first column must be named `code`",
            ));
        }
        let columns: Vec<String> = headers.iter().skip(1).map(str::to_owned).collect();
        let mut table = Self::new(geography, columns);
        let mut row = Vec::with_capacity(table.columns.len());
        for (i, rec) in rdr.records().enumerate() {
            let rec = rec.map_err(csv_err)?;
            let line = i + 2;
            let code = rec.get(0).unwrap_or_default().trim();
            if code.is_empty() {
                return Err(AtlasError::invalid(
                    path,
                    format!("line {line}: empty code"),
                ));
            }
            row.clear();
            for (j, cell) in rec.iter().skip(1).enumerate() {
                let cell = cell.trim();
                if cell.is_empty() {
                    row.push(None);
                } else {
                    let v: f64 = cell.parse().map_err(|_| {
                        AtlasError::invalid(
                            path,
                            format!(
                                "line {line}, column {:?}, area {code}: {cell:?} is not a number",
                                table.columns[j]
                            ),
                        )
                    })?;
                    if !v.is_finite() {
                        return Err(AtlasError::invalid(
                            path,
                            format!(
                                "line {line}, column {:?}, area {code}: {cell:?} is not finite",
                                table.columns[j]
                            ),
                        ));
                    }
                    row.push(Some(v));
                }
            }
            if !table.push_row(code, &row) {
                return Err(AtlasError::invalid(
                    path,
                    format!("line {line}: area {code} appears twice"),
                ));
            }
        }
        // Each column as small integers where that gives its values back exactly (England's
        // LSOA 2021 cells: 16 MB as `f64`, 5 MB so), and without the slack of growing.
        table.cells = std::mem::take(&mut table.cells)
            .into_iter()
            .map(Column::compact)
            .collect();
        Ok(table)
    }

    /// Write the table as CSV, rounding each column to the given decimal places so that the
    /// output is stable from run to run.
    pub fn write_csv(&self, path: &Path, decimals: &dyn Fn(&str) -> u8) -> Result<(), AtlasError> {
        let csv_err = |source| AtlasError::Csv {
            path: path.to_owned(),
            source,
        };
        let mut w = csv::Writer::from_path(path).map_err(csv_err)?;
        let mut header = vec!["code".to_owned()];
        header.extend(self.columns.iter().cloned());
        w.write_record(&header).map_err(csv_err)?;
        let places: Vec<u8> = self.columns.iter().map(|c| decimals(c)).collect();
        let mut rec = Vec::with_capacity(header.len());
        for (r, code) in self.codes.iter().enumerate() {
            rec.clear();
            rec.push(code.clone());
            for (c, &p) in places.iter().enumerate() {
                rec.push(match self.value_at(r, c) {
                    Some(v) => format_number(v, p),
                    None => String::new(),
                });
            }
            w.write_record(&rec).map_err(csv_err)?;
        }
        w.flush().map_err(|e| AtlasError::io(path, e))
    }
}

/// Format a number with at most `decimals` places and no trailing zeros, so files stay small
/// and byte-identical between runs.
pub fn format_number(v: f64, decimals: u8) -> String {
    let s = format!("{v:.prec$}", prec = usize::from(decimals));
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    };
    if s == "-0" { "0".to_owned() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_trimmed() {
        assert_eq!(format_number(17.003, 3), "17.003");
        assert_eq!(format_number(6.0, 0), "6");
        assert_eq!(format_number(0.25, 6), "0.25");
        assert_eq!(format_number(-0.0001, 2), "0");
    }

    #[test]
    fn rejects_bad_cells_naming_row_and_column() {
        let csv = "code,imd\nE01011264,17.003\nE01011265,abc\n";
        let err =
            IndicatorTable::from_reader(Geography::Lsoa21, csv.as_bytes(), Path::new("t.csv"))
                .expect_err("bad number");
        let msg = err.to_string();
        assert!(
            msg.contains("line 3") && msg.contains("E01011265") && msg.contains("imd"),
            "{msg}"
        );
    }

    #[test]
    fn missing_values_stay_apart_from_computed_ones() {
        let mut t = IndicatorTable::new(Geography::Lsoa21, vec!["a".into(), "b".into()]);
        assert!(t.push_row("E01011264", &[None, Some(f64::NAN)]));
        assert_eq!(t.get("E01011264", "a"), None);
        assert!(t.get("E01011264", "b").is_some_and(f64::is_nan));
        assert!(t.set("E01011264", "a", Some(-1.5)));
        assert_eq!(t.value_at(0, 0), Some(-1.5));
        assert_eq!(t.coverage("a"), Some((1, 0)));
        assert!(t.set("E01011264", "a", None));
        assert_eq!(t.coverage("a"), Some((0, 1)));
    }

    #[test]
    fn duplicate_codes_are_rejected() {
        let csv = "code,imd\nE01011264,1\nE01011264,2\n";
        let err =
            IndicatorTable::from_reader(Geography::Lsoa21, csv.as_bytes(), Path::new("t.csv"))
                .expect_err("duplicate");
        assert!(err.to_string().contains("appears twice"));
    }
}
