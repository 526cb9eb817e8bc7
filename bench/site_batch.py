#!/usr/bin/env python3
"""Write 1,000 site GeoJSON files for the batch site-report benchmark (issue 15).

Usage: python3 bench/site_batch.py OUT_DIR [ATLAS_DIR]

Each site is a square in British National Grid metres centred on the population-weighted
centroid of a real Leeds LSOA 2021: the mean of its Output Areas' ONS population-weighted
centroids, weighted by their mid-2022 populations, read from the atlas's
reference/residents_oa.csv. Site i uses LSOA i mod n (LSOAs sorted by code) and a side of 250,
500 or 1,000 m by the pass over the LSOAs (i // n), so the batch is the same on every run and
every site lies where people live. Nothing is random and no figure is invented: the figures
come from the report run over these sites.

    python3 bench/site_batch.py /tmp/sites
    time equimap site /tmp/sites/*.geojson --buffer 400,800,1600 > /dev/null
"""
import csv
import json
import os
import sys

SITES = 1000
SIDES = [250.0, 500.0, 1000.0]


def lsoa_centroids(atlas):
    acc = {}
    with open(os.path.join(atlas, "reference", "residents_oa.csv"), newline="") as f:
        for r in csv.DictReader(f):
            p = float(r["population"])
            s = acc.setdefault(r["lsoa21_cd"], [0.0, 0.0, 0.0])
            s[0] += p * float(r["centroid_e"])
            s[1] += p * float(r["centroid_n"])
            s[2] += p
    return [(code, s[0] / s[2], s[1] / s[2]) for code, s in sorted(acc.items()) if s[2] > 0]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    atlas = sys.argv[2] if len(sys.argv) > 2 else "boundaries"
    cents = lsoa_centroids(atlas)
    os.makedirs(out, exist_ok=True)
    for i in range(SITES):
        code, e, n = cents[i % len(cents)]
        h = SIDES[(i // len(cents)) % len(SIDES)] / 2
        ring = [[round(e - h, 1), round(n - h, 1)], [round(e + h, 1), round(n - h, 1)],
                [round(e + h, 1), round(n + h, 1)], [round(e - h, 1), round(n + h, 1)],
                [round(e - h, 1), round(n - h, 1)]]
        site = {
            "type": "Feature",
            "properties": {"name": f"{2 * h:.0f} m square at the population-weighted centre of {code}"},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }
        with open(os.path.join(out, f"site{i:04d}.geojson"), "w") as f:
            json.dump(site, f)
    print(f"{SITES} sites from {len(cents)} LSOAs written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
