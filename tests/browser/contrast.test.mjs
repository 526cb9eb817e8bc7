// The GP practice circles against the choropleth under them: computed from the palettes the map
// uses (web/src/colours.js), without a browser. WCAG 2's contrast ratio for graphics is 3:1
// (success criterion 1.4.11); one of a circle's two rings must reach it on every area colour,
// and the circle fills must not be colours the choropleth uses.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FILL_OPACITY, NO_DATA, PRACTICE_RAMP, PRACTICE_RINGS, VIRIDIS10, VIRIDIS5, contrastRatio } from '../../web/src/colours.js';

const hex = (rgb) => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
const rgb = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));

/** A choropleth colour as drawn: FILL_OPACITY over a white or a dark basemap. */
function blended(fill, base) {
  const [f, b] = [rgb(fill), rgb(base)];
  return hex(f.map((c, i) => FILL_OPACITY * c + (1 - FILL_OPACITY) * b[i]));
}

/** CIE76 colour difference in CIELAB (D65). */
function deltaE(a, b) {
  const lab = (h) => {
    const lin = rgb(h).map((c) => {
      const s = c / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    const xyz = [
      (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047,
      0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2],
      (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883,
    ].map((t) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116));
    return [116 * xyz[1] - 16, 500 * (xyz[0] - xyz[1]), 200 * (xyz[1] - xyz[2])];
  };
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

const choropleth = [...new Set([...VIRIDIS10, ...VIRIDIS5, NO_DATA])];
const drawn = choropleth.flatMap((c) => [c, blended(c, '#ffffff'), blended(c, '#1a1a1a')]);

describe('practice circles against the choropleth', () => {
  it('has a ring at 3:1 or more on every area colour', () => {
    for (const c of drawn) {
      const best = Math.max(contrastRatio(PRACTICE_RINGS.inner, c), contrastRatio(PRACTICE_RINGS.outer, c));
      assert.ok(best >= 3, `${c}: best ring contrast ${best.toFixed(2)}`);
    }
    // The two rings contrast with each other, so the circle's edge reads as a double line.
    assert.ok(contrastRatio(PRACTICE_RINGS.inner, PRACTICE_RINGS.outer) >= 15);
  });

  it('fills practices with colours the choropleth does not use', () => {
    let nearest = Infinity;
    for (const p of PRACTICE_RAMP) for (const c of drawn) nearest = Math.min(nearest, deltaE(p, c));
    // ΔE*ab above ~10 is a clearly different colour at a glance.
    assert.ok(nearest > 10, `closest practice/area colour pair: ΔE ${nearest.toFixed(1)}`);
  });

  it('orders the practice ramp from light to dark', () => {
    const lum = PRACTICE_RAMP.map((c) => contrastRatio(c, '#000000'));
    for (let i = 1; i < lum.length; i++) assert.ok(lum[i] < lum[i - 1], `class ${i + 1} is darker than class ${i}`);
  });
});
