//! CSV exports, safe to open in a spreadsheet.

/// Escape a text cell against formula injection: a cell starting with `=`, `+`, `-` or `@`
/// (or a tab or carriage return) is prefixed with an apostrophe, so a spreadsheet shows it as
/// text instead of running it. Numbers are written by the caller and never passed here.
pub fn text(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_owned(),
    }
}

/// A number cell; empty for a missing value.
pub fn number(v: Option<f64>, decimals: u8) -> String {
    v.map(|v| equimap_atlas::format_number(v, decimals))
        .unwrap_or_default()
}

/// Write CSV text: first each comment as a `# ` line (attribution, notes), then the rows.
/// Rows may differ in length (a report has several tables). Text cells are escaped by the
/// caller with [`text`].
pub fn write(comments: &[String], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for c in comments {
        out.push_str("# ");
        out.push_str(&c.replace(['\n', '\r'], " "));
        out.push('\n');
    }
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for r in rows {
        // Writing to a Vec cannot fail.
        let _ = w.write_record(r);
    }
    out.push_str(&String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text("+1"), "'+1");
        assert_eq!(text("-2"), "'-2");
        assert_eq!(text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text("Leeds 011A"), "Leeds 011A");
    }
}
