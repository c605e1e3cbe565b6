/**
 * os-release(5) (`/etc/os-release`, `/usr/lib/os-release`): shell-style `KEY=value` lines,
 * values optionally quoted. Parsed the way node_exporter's envparse does for the files
 * distributions ship.
 */

function unquote(raw: string): string {
  const v = raw.trim();
  if (v.startsWith('"')) {
    let out = '';
    for (let i = 1; i < v.length; i++) {
      const c = v[i]!;
      if (c === '\\' && i + 1 < v.length) {
        const n = v[++i]!;
        out += n === 'n' ? '\n' : n;
        continue;
      }
      if (c === '"') return out;
      out += c;
    }
    throw new Error(`unterminated double quote in ${JSON.stringify(raw)}`);
  }
  if (v.startsWith("'")) {
    const end = v.indexOf("'", 1);
    if (end < 0) throw new Error(`unterminated single quote in ${JSON.stringify(raw)}`);
    return v.slice(1, end);
  }
  const hash = v.search(/\s#/);
  return (hash >= 0 ? v.slice(0, hash) : v).trim().replace(/\\(.)/g, '$1');
}

/** KEY → value. Comments and blank lines are skipped; a malformed line is an error naming it. */
export function parseOsRelease(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const body = line.startsWith('export ') ? line.slice(7).trimStart() : line;
    const eq = body.indexOf('=');
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(body.slice(0, eq))) throw new Error(`os-release: invalid line ${JSON.stringify(rawLine)}`);
    out.set(body.slice(0, eq), unquote(body.slice(eq + 1)));
  }
  return out;
}

/** node_os_version's value: the leading `major[.minor]` of VERSION_ID as a number, else 0. */
export function osVersionNumber(versionId: string): number {
  const m = /^[0-9]+\.?[0-9]*/.exec(versionId);
  return m ? Number(m[0]) : 0;
}
