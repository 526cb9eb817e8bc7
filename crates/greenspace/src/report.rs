//! The run report: one line per rule count, in the order the rules ran.

/// Lines for the ingest summary.
#[derive(Debug, Default)]
pub(crate) struct Report(pub Vec<String>);

impl Report {
    /// Adds a line.
    pub fn line(&mut self, s: impl Into<String>) {
        self.0.push(s.into());
    }
}
