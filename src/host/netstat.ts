/**
 * /proc/net/netstat and /proc/net/snmp (pairs of lines: `Proto: names…` then `Proto: values…`)
 * and /proc/net/snmp6 (`Ip6InReceives  123` per line), merged as node_exporter does into
 * protocol → field → value, exported as `node_netstat_<Proto>_<Field>`.
 */

export type NetStats = Map<string, Map<string, number>>;

/** A netstat/snmp-style file. A later file's protocol replaces an earlier one's (as in Go). */
export function parseNetstatPairs(text: string, file: string, into: NetStats = new Map()): NetStats {
  const lines = text.split('\n').filter((l) => l !== '');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const names = lines[i]!.split(' ');
    const values = lines[i + 1]!.split(' ');
    const protocol = names[0]!.slice(0, -1); // drop the trailing ':'
    if (names.length !== values.length || values[0] !== names[0]) {
      throw new Error(`${file}: field count mismatch for ${JSON.stringify(protocol)}`);
    }
    const fields = new Map<string, number>();
    for (let j = 1; j < names.length; j++) {
      const v = Number(values[j]);
      if (!Number.isFinite(v) || values[j] === '') throw new Error(`${file}: invalid value ${JSON.stringify(values[j])} for ${protocol}${names[j]}`);
      fields.set(names[j]!, v);
    }
    into.set(protocol, fields);
  }
  if (lines.length % 2 !== 0) throw new Error(`${file}: odd number of lines (a header without values)`);
  return into;
}

/** /proc/net/snmp6: the protocol is the name up to and including its first `6`. */
export function parseSnmp6(text: string, into: NetStats = new Map()): NetStats {
  const fresh = new Map<string, Map<string, number>>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 2) continue;
    const six = f[0]!.indexOf('6');
    if (six < 0) continue;
    const protocol = f[0]!.slice(0, six + 1);
    const v = Number(f[1]);
    if (!Number.isFinite(v)) throw new Error(`snmp6: invalid value ${JSON.stringify(f[1])} for ${f[0]}`);
    let m = fresh.get(protocol);
    if (!m) fresh.set(protocol, (m = new Map()));
    m.set(f[0]!.slice(six + 1), v);
  }
  for (const [k, v] of fresh) into.set(k, v);
  return into;
}
