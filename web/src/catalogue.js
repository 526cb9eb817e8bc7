// The indicator catalogue (/api/indicators) turned into what the map offers: map layers grouped
// by theme with short descriptions, and the geographies each one can be drawn at.

export const GEOGRAPHIES = {
  lsoa21: { family: 'lsoa', label: 'LSOA 2021', plural: 'LSOAs (2021)' },
  lsoa11: { family: 'lsoa', label: 'LSOA 2011', plural: 'LSOAs (2011)' },
  msoa21: { family: 'msoa', label: 'MSOA 2021', plural: 'MSOAs (2021)' },
  msoa11: { family: 'msoa', label: 'MSOA 2011', plural: 'MSOAs (2011)' },
  ward: { family: 'ward', label: 'Ward (2023)', plural: 'wards' },
  committee: { family: 'committee', label: 'Community committee', plural: 'community committees' },
  district: { family: 'district', label: 'District', plural: 'districts' },
};

export const FAMILIES = [
  { id: 'lsoa', label: 'LSOA', hint: 'small areas of about 1,700 residents' },
  { id: 'msoa', label: 'MSOA', hint: 'about 7,500 residents' },
  { id: 'ward', label: 'Ward', hint: 'the 33 council wards' },
  { id: 'committee', label: 'Committee', hint: 'the 10 community committees, each made of whole wards' },
];

/** The ward layer's label and count as the atlas records them (/api/indicators `geographies`):
 * Leeds's December 2023 wards, or the May 2025 wards of another district or England. */
export function applyAtlasGeographies(geos) {
  const w = geos?.ward;
  if (!w) return;
  if (w.label) GEOGRAPHIES.ward.label = w.label;
  const family = FAMILIES.find((f) => f.id === 'ward');
  if (Number.isFinite(w.count)) family.hint = `the ${w.count.toLocaleString('en-GB')} council wards`;
}

export const geoLabel = (g) => GEOGRAPHIES[g]?.label ?? g;
/** A geography as a short lower-case noun for running text: "ward", "MSOA 2021". */
export const geoNoun = (g) => (g === 'ward' || g === 'district' ? g : g === 'committee' ? 'community committee' : geoLabel(g));
export const familyOf = (g) => GEOGRAPHIES[g]?.family;

const THEME_ORDER = ['Deprivation 2025', 'Deprivation change 2019–2025', 'Life expectancy', 'Health (Census 2021)', 'Fuel poverty', 'Green space', 'Deprivation 2019', 'Population'];

const DESCRIPTIONS = {
  imd2025_decile: 'Overall deprivation of each small area among all 33,755 in England (MHCLG, 2025). 1 = most deprived 10%.',
  imd2019_decile: 'The previous index (2019), on 2011 LSOAs, for comparison with 2025.',
  imd2025_score: 'The IMD 2025 score; for MSOAs and wards, the population-weighted mean of LSOA scores.',
  imd2019_score: 'The IMD 2019 score (rebuilt from published domain scores); MSOA and ward are weighted means.',
  le_female: 'Life expectancy at birth, females, 2016–20 (ONS, MSOA 2011). Other geographies are estimates.',
  le_male: 'Life expectancy at birth, males, 2016–20 (ONS, MSOA 2011). Other geographies are estimates.',
  imd_decile_change: 'How each LSOA’s national IMD decile changed from 2019 to 2025 (2019 brought onto 2021 LSOAs). Relative to the rest of England, not an absolute change.',
  population: 'Residents: the latest published estimate for each area.',
};

const firstSentence = (s) => {
  const t = String(s || '').split(/(?<=\.)\s/)[0];
  return t.length > 150 ? `${t.slice(0, 147)}…` : t;
};

export function describe(ind) {
  if (DESCRIPTIONS[ind.id]) return DESCRIPTIONS[ind.id];
  const m = ind.id.match(/^imd(2025|2019)_(\w+)_decile$/);
  if (m) {
    return `A domain of the IMD ${m[1]}; national decile (1 = most deprived 10%).`;
  }
  return firstSentence(ind.description || ind.label);
}

const MAPPABLE_GEOGRAPHIES = new Set(['lsoa21', 'lsoa11', 'msoa21', 'msoa11', 'ward', 'committee']);

/** Indicators that make sense as a choropleth layer. */
export function isMappable(ind) {
  if (!ind.in_tiles) return false;
  if (ind.kind === 'rank' || ind.kind === 'percentile') return false;
  if (ind.id.endsWith('_count')) return false;
  return ind.levels.some((l) => MAPPABLE_GEOGRAPHIES.has(l.geography));
}

/**
 * The part of an indicator's caveat that must be seen, not tucked away: DESNZ's own warning on
 * LSOA fuel poverty estimates (the quoted text), or the first sentence of a caveat saying that a
 * share is crude (not age-standardised). Empty for other indicators.
 */
export function headlineCaveat(ind) {
  const c = ind?.caveat || '';
  const quoted = c.match(/^DESNZ: "([^"]+)"/);
  if (quoted) return `DESNZ: “${quoted[1]}”`;
  if (/not age-standardised/.test(c)) return c.split(/(?<=\.)\s/)[0];
  return '';
}

export const isCategorical = (ind) => ind.kind === 'decile' || ind.kind === 'quintile';

/** The level of `ind` to draw for a geography family: native first, then the same vintage. */
export function levelFor(ind, family) {
  const levels = ind.levels.filter((l) => MAPPABLE_GEOGRAPHIES.has(l.geography) && familyOf(l.geography) === family);
  if (!levels.length) return null;
  const native = levels.find((l) => l.geography === ind.native);
  if (native) return native;
  const vintage = (ind.native || '').slice(-2);
  return levels.find((l) => l.geography.endsWith(vintage)) ?? levels[0];
}

export function levelAt(ind, geography) {
  return ind.levels.find((l) => l.geography === geography) ?? null;
}

/** The default geography of an indicator: its native one if mappable, else the first mappable. */
export function defaultGeography(ind) {
  if (MAPPABLE_GEOGRAPHIES.has(ind.native)) return ind.native;
  for (const f of FAMILIES) {
    const l = levelFor(ind, f.id);
    if (l) return l.geography;
  }
  return null;
}

export class Catalogue {
  constructor(json) {
    this.raw = json;
    this.district = json.district;
    this.districtName = json.district_name || 'the district';
    this.list = json.indicators;
    this.byId = new Map(this.list.map((d) => [d.id, d]));
    applyAtlasGeographies(json.geographies);
  }

  get(id) {
    return this.byId.get(id);
  }

  /** Map layers grouped by theme: [{theme, items: [indicator]}]. */
  groups() {
    const themes = new Map();
    for (const ind of this.list) {
      if (!isMappable(ind)) continue;
      const t = ind.theme || 'Other';
      if (!themes.has(t)) themes.set(t, []);
      themes.get(t).push(ind);
    }
    const prio = (ind) => (/^imd\d{4}_decile$/.test(ind.id) ? 0 : ind.kind === 'decile' ? 1 : 2);
    const out = [...themes.entries()].map(([theme, items]) => ({
      theme,
      items: items.map((ind, i) => [ind, i]).sort((a, b) => prio(a[0]) - prio(b[0]) || a[1] - b[1]).map(([ind]) => ind),
    }));
    const rank = (t) => {
      const i = THEME_ORDER.indexOf(t);
      return i < 0 ? THEME_ORDER.length : i;
    };
    return out.sort((a, b) => rank(a.theme) - rank(b.theme));
  }

  /** The reference value of an indicator for a scope ('district' or 'england'). */
  reference(id, scope) {
    const ind = this.get(id);
    if (!ind || !ind.reference) return null;
    return ind.reference.find((r) => (scope === 'england' ? r.scope === 'E92000001' : r.scope !== 'E92000001')) ?? null;
  }
}
