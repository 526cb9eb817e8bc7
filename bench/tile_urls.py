#!/usr/bin/env python3
"""Write the URL paths of every tile z8–z14 over the Leeds atlas bounds, one per line.

Usage: python3 bench/tile_urls.py LAYER > bench/urls-LAYER.txt
Bounds are the committed atlas's district extent (boundaries/manifest.json does not hold them,
so they are read from the TileJSON the server would give: here fixed to Leeds' published
extent, lon -1.80042..-1.29039, lat 53.69897..53.94587).
"""
import math, sys

layer = sys.argv[1] if len(sys.argv) > 1 else "lsoa11"
W, S, E, N = -1.80042, 53.69897, -1.29039, 53.94587

def tile(lon, lat, z):
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    r = math.radians(lat)
    y = int((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n)
    return x, y

for z in range(8, 15):
    x0, y0 = tile(W, N, z)
    x1, y1 = tile(E, S, z)
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            print(f"/tiles/{layer}/{z}/{x}/{y}.mvt")
