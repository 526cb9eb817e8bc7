//! Build the web map with npm when its output is missing or older than its sources, so that
//! `cargo run --release -- serve` on a fresh clone serves the map. Only the first start of
//! `serve` does this, never a reload. Without npm, or if the build fails, the server still starts
//! and serves the API and tiles, and says why the map is missing.

use std::path::Path;
use std::time::SystemTime;

/// The newest modification time of any file under `dir`.
fn newest(dir: &Path) -> Option<SystemTime> {
    let mut stack = vec![dir.to_path_buf()];
    let mut newest = None;
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).ok()?.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(m) = e.metadata().and_then(|m| m.modified()) {
                newest = newest.max(Some(m));
            }
        }
    }
    newest
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// True when `dist` was built after every source of the web map in `web`.
fn up_to_date(web: &Path, dist: &Path) -> bool {
    let built = modified(&dist.join("index.html"));
    let sources = [
        newest(&web.join("src")),
        modified(&web.join("index.html")),
        modified(&web.join("config.js")),
    ]
    .into_iter()
    .flatten()
    .max();
    built.is_some() && built >= sources
}

/// `npm ci` when there are no modules, then `npm run build`; false if either fails.
fn npm_build(web: &Path) -> bool {
    let run = |args: &[&str]| {
        std::process::Command::new("npm")
            .args(args)
            .current_dir(web)
            .status()
            .is_ok_and(|s| s.success())
    };
    let installed = web.join("node_modules").is_dir() || run(&["ci", "--no-audit", "--no-fund"]);
    installed && run(&["run", "build"])
}

/// Build the web map whose output is `dist` (in `web/dist`, beside `web/package.json`) if stale.
pub fn ensure_web_built(dist: &Path) {
    let Some(web) = dist.parent().filter(|w| w.join("package.json").is_file()) else {
        return;
    };
    if up_to_date(web, dist) {
        return;
    }
    tracing::info!(
        "building the web map in {} (npm ci, npm run build)…",
        web.display()
    );
    if !npm_build(web) {
        tracing::warn!(
            "could not build the web map (is Node/npm installed?); serving the API and tiles only"
        );
    }
}
