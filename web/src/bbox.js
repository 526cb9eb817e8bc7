// The bounding box [west, south, east, north] of a GeoJSON geometry.

export function bboxOf(geometry) {
  let b = null;
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      b = b ? [Math.min(b[0], c[0]), Math.min(b[1], c[1]), Math.max(b[2], c[0]), Math.max(b[3], c[1])] : [c[0], c[1], c[0], c[1]];
    } else c.forEach(walk);
  };
  walk(geometry.coordinates);
  return b;
}
