// The web map's readers of what a person pastes or shares, tested without a browser: code lists
// (codes.js) and the `fp=` and `where=` parts of a link (state.js).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { geographyOfCode, parseCodeList } from '../../web/src/codes.js';
import { parseHash, formatHash, readWhere } from '../../web/src/state.js';
import { FAMILIES, applyAtlasGeographies, geoLabel } from '../../web/src/catalogue.js';

describe('code lists', () => {
  it('reads codes from text and CSV, skipping a header and other columns', () => {
    assert.deepEqual(parseCodeList('E01011264\nE01011265, E01011266'), { geography: 'lsoa21', codes: ['E01011264', 'E01011265', 'E01011266'] });
    assert.deepEqual(parseCodeList('\uFEFFward_code,ward_name\r\n"E05011397","Headingley & Hyde Park"\r\nE05011413,Weetwood\r\n'), { geography: 'ward', codes: ['E05011397', 'E05011413'] });
    assert.deepEqual(parseCodeList('E02006875 E02006876\nE02006875'), { geography: 'msoa21', codes: ['E02006875', 'E02006876'] });
    assert.deepEqual(parseCodeList('cc-inner-east;cc-outer-west'), { geography: 'committee', codes: ['cc-inner-east', 'cc-outer-west'] });
  });

  it('names what is wrong', () => {
    assert.match(parseCodeList('').error, /No LSOA/);
    assert.match(parseCodeList('E01011264\nTotal\n').error, /^Line 2 holds no LSOA, MSOA, ward or committee code: “Total”/);
    assert.match(parseCodeList('E01011264\nE05011397').error, /mixes LSOA codes \(from line 1\) and ward codes \(from line 2\)/);
    assert.equal(geographyOfCode('E0101126'), null, 'eight digits is not a code');
    assert.equal(geographyOfCode('E08000035'), null, 'a district is not a footprint member');
  });
});

describe('links', () => {
  it('round-trips a footprint and a where point', () => {
    const s = { layer: 'imd2025_decile', footprint: { name: 'A & B', geography: 'ward', codes: ['E05011397'] }, where: { q: 'LS6 1AN' }, overlays: [] };
    const back = parseHash(formatHash(s));
    assert.deepEqual(back.footprint, s.footprint);
    assert.deepEqual(back.where, { q: 'LS6 1AN' });
    assert.deepEqual(readWhere('-1.56074, 53.80781'), { lon: -1.56074, lat: 53.80781 });
  });

  it('reports a damaged footprint instead of throwing', () => {
    assert.match(parseHash('#fp=%7B%22name%22%3A%22cut').footprintError, /not readable JSON/);
    assert.match(parseHash(`#fp=${encodeURIComponent('{"name":"x","codes":[1]}')}`).footprintError, /needs a name and either/);
    assert.equal(parseHash(`#fp=${encodeURIComponent('{"name":"x","geography":"ward","codes":[1]}')}`).footprint, undefined);
  });
});

describe('geography labels from the atlas', () => {
  it('names the ward layer by the vintage and count the atlas gives', () => {
    const ward = () => FAMILIES.find((f) => f.id === 'ward').hint;
    applyAtlasGeographies({ ward: { label: 'Ward (2023)', count: 33 } });
    assert.equal(geoLabel('ward'), 'Ward (2023)');
    assert.equal(ward(), 'the 33 council wards');
    // An England atlas of the May 2025 wards (6,793 hold an LSOA).
    applyAtlasGeographies({ ward: { label: 'Ward (May 2025)', count: 6793 } });
    assert.equal(geoLabel('ward'), 'Ward (May 2025)');
    assert.equal(ward(), 'the 6,793 council wards');
    applyAtlasGeographies(undefined); // an older server: the labels stay as they are
    assert.equal(geoLabel('ward'), 'Ward (May 2025)');
  });
});
