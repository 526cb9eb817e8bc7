// Lists of area codes pasted or uploaded for a footprint: plain text (one or more codes a line)
// or CSV (a header row and other columns, such as names, are allowed; the codes are found in
// whichever columns hold them). Every code must be of one geography.

/** The geography of a code, by its published prefix; null when it is not an area code. */
export function geographyOfCode(code) {
  if (/^E01\d{6}$/.test(code)) return 'lsoa21';
  if (/^E02\d{6}$/.test(code)) return 'msoa21';
  if (/^E05\d{6}$/.test(code)) return 'ward';
  if (/^cc-[a-z0-9-]+$/.test(code)) return 'committee';
  return null;
}

const NAMES = { lsoa21: 'LSOA', msoa21: 'MSOA', ward: 'ward', committee: 'community committee' };

/** The cells of a line: split on commas, semicolons, tabs or spaces, quotes removed. */
function cells(line) {
  return line
    .split(/[,;\t]/)
    .flatMap((c) => {
      const t = c.trim().replace(/^"(.*)"$/, '$1').trim();
      // A cell of only codes separated by spaces is several codes; anything else is one cell.
      const parts = t.split(/\s+/);
      return parts.length > 1 && parts.every((p) => geographyOfCode(p)) ? parts : [t];
    })
    .filter(Boolean);
}

/**
 * Read a code list. Returns {geography, codes} or {error} naming the line at fault: a line with
 * no code (other than a header on the first line), or codes of more than one geography.
 */
export function parseCodeList(text) {
  const lines = String(text).replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const codes = [];
  const seen = new Set();
  const byGeo = new Map();
  for (let n = 0; n < lines.length; n++) {
    const row = cells(lines[n]);
    if (!row.length) continue;
    const found = row.filter((c) => geographyOfCode(c));
    if (!found.length) {
      if (n === 0 || codes.length === 0) continue; // a header row
      return { error: `Line ${n + 1} holds no LSOA, MSOA, ward or committee code: “${lines[n].trim().slice(0, 60)}”.` };
    }
    for (const c of found) {
      const g = geographyOfCode(c);
      if (!byGeo.has(g)) byGeo.set(g, n + 1);
      if (!seen.has(c)) {
        seen.add(c);
        codes.push(c);
      }
    }
  }
  if (!codes.length) return { error: 'No LSOA (E01…), MSOA (E02…), ward (E05…) or community committee (cc-…) codes were found.' };
  if (byGeo.size > 1) {
    const kinds = [...byGeo.entries()].map(([g, line]) => `${NAMES[g]} codes (from line ${line})`).join(' and ');
    return { error: `The list mixes ${kinds}; a footprint is made of one geography.` };
  }
  return { geography: [...byGeo.keys()][0], codes };
}
