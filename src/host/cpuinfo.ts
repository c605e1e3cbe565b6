/** /proc/cpuinfo (x86 layout, as procfs parses it) for node_cpu_info, flag_info and bug_info. */

export interface CpuInfo {
  processor: number;
  vendorId: string;
  cpuFamily: string;
  model: string;
  modelName: string;
  microcode: string;
  stepping: string;
  cacheSize: string;
  physicalId: string;
  coreId: string;
  flags: string[];
  bugs: string[];
}

function blank(processor: number): CpuInfo {
  return { processor, vendorId: '', cpuFamily: '', model: '', modelName: '', microcode: '', stepping: '', cacheSize: '', physicalId: '', coreId: '', flags: [], bugs: [] };
}

/** One entry per `processor` block. */
export function parseCpuinfo(text: string): CpuInfo[] {
  const out: CpuInfo[] = [];
  let cur: CpuInfo | undefined;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === 'processor') {
      const n = Number(value);
      if (!Number.isInteger(n)) throw new Error(`/proc/cpuinfo: invalid processor ${JSON.stringify(value)}`);
      cur = blank(n);
      out.push(cur);
      continue;
    }
    if (cur === undefined) continue;
    switch (key) {
      case 'vendor_id': cur.vendorId = value; break;
      case 'cpu family': cur.cpuFamily = value; break;
      case 'model': cur.model = value; break;
      case 'model name': cur.modelName = value; break;
      case 'microcode': cur.microcode = value; break;
      case 'stepping': cur.stepping = value; break;
      case 'cache size': cur.cacheSize = value; break;
      case 'physical id': cur.physicalId = value; break;
      case 'core id': cur.coreId = value; break;
      case 'flags': cur.flags = value === '' ? [] : value.split(/\s+/); break;
      case 'bugs': cur.bugs = value === '' ? [] : value.split(/\s+/); break;
    }
  }
  return out;
}
