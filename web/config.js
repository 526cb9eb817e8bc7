// Runtime configuration of the equimap web map. This file is copied to dist/ unchanged and is
// not bundled, so a deployment can edit it without rebuilding (or the server can answer
// /config.js itself).
//   tiles: "server"  — vector tiles from equimap serve: /tiles/{layer}.json and /tiles/{layer}/{z}/{x}/{y}.mvt
//   tiles: "pmtiles" — one static PMTiles archive holding every layer, read with HTTP range requests
//                      from pmtilesUrl (any static host that honours Range: bytes=…).
window.EQUIMAP_CONFIG = {
  tiles: "server",
  pmtilesUrl: "/tiles/leeds.pmtiles",
  // With tiles: "server", the name of a single tile set holding every layer (equimap serve over a
  // PMTiles archive serves /tiles/{name}.json); null finds it, or uses one TileJSON per layer.
  tileset: null,
};
