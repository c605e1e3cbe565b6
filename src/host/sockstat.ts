/**
 * /proc/net/sockstat and sockstat6: `sockets: used N`, then `PROTO: key value …` per protocol.
 * node_exporter exports the keys inuse, orphan, tw, alloc, mem, memory, and mem × page size as
 * mem_bytes.
 */

export const SOCKSTAT_KEYS = ['inuse', 'orphan', 'tw', 'alloc', 'mem', 'memory'] as const;
export type SockstatKey = (typeof SOCKSTAT_KEYS)[number];

export interface SockstatProtocol {
  protocol: string;
  values: Partial<Record<SockstatKey, number>>;
}

export interface Sockstat {
  /** `sockets: used` (IPv4 file only). */
  used?: number;
  protocols: SockstatProtocol[];
}

export function parseSockstat(text: string, file: string): Sockstat {
  const out: Sockstat = { protocols: [] };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const f = line.trim().split(/\s+/);
    if (f.length < 3 || f.length % 2 === 0) throw new Error(`${file}: malformed line ${JSON.stringify(line)}`);
    const protocol = f[0]!.replace(/:$/, '');
    const kv = new Map<string, number>();
    for (let i = 1; i + 1 < f.length; i += 2) {
      const v = Number(f[i + 1]);
      if (!Number.isFinite(v)) throw new Error(`${file}: invalid value ${JSON.stringify(f[i + 1])} in ${JSON.stringify(line)}`);
      kv.set(f[i]!, v);
    }
    if (protocol === 'sockets') {
      out.used = kv.get('used');
      continue;
    }
    const values: SockstatProtocol['values'] = {};
    for (const k of SOCKSTAT_KEYS) {
      const v = kv.get(k);
      if (v !== undefined) values[k] = v;
    }
    out.protocols.push({ protocol, values });
  }
  return out;
}
