# equimap tasks. Each recipe is a plain cargo command, so `just` is optional.

# Serve the committed Leeds atlas on http://127.0.0.1:8080
serve:
    cargo run --release -- serve

# Run every test (the README's second command)
test:
    cargo test --workspace

# Everything CI runs: tests, fmt, clippy, the proj feature, the determinism check
ci:
    bash .ci/run

# Rebuild the committed atlas from the published sources
ingest sources="../shared/data" lad="E08000035":
    cargo run --release -- ingest --sources {{sources}} --lad {{lad}} --out boundaries

# What the atlas holds
inspect:
    cargo run --release -- inspect boundaries

# Refresh the test excerpt of the sources
fixtures sources="../shared/data":
    python3 tests/fixtures/make_fixtures.py {{sources}}
