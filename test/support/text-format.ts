/**
 * A small reader of the Prometheus text format (0.0.4) for comparing two exporters' outputs:
 * families with their TYPE, and samples with their labels as a map. Test-only; it accepts what
 * node_exporter and atomic-exporter write (escaped label values, HELP/TYPE before samples).
 */

export interface Sample {
  /** The sample's metric name (for histograms/summaries with its suffix). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

function parseLabels(text: string, line: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0 || text[eq + 1] !== '"') throw new Error(`bad labels in ${JSON.stringify(line)}`);
    const name = text.slice(i, eq).trim();
    let j = eq + 2;
    let value = '';
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\\') {
        const n = text[++j];
        value += n === 'n' ? '\n' : n;
      } else value += text[j];
    }
    out[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
  }
  return out;
}

function parseValue(s: string): number {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s);
}

/** Families by name, in order of appearance. Samples without a TYPE line get type `untyped`. */
export function parseTextFormat(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string): Family => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, type: 'untyped', help: '', samples: [] }));
    return f;
  };
  let current: Family | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      current = family(name!);
      current.type = type!;
      continue;
    }
    if (line.startsWith('# HELP ')) {
      const rest = line.slice(7);
      const sp = rest.indexOf(' ');
      family(rest.slice(0, sp)).help = rest.slice(sp + 1);
      continue;
    }
    if (line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const close = line.lastIndexOf('}');
    let name: string;
    let labels: Record<string, string> = {};
    let rest: string;
    if (brace >= 0 && close > brace) {
      name = line.slice(0, brace);
      labels = parseLabels(line.slice(brace + 1, close), line);
      rest = line.slice(close + 1).trim();
    } else {
      const sp = line.indexOf(' ');
      name = line.slice(0, sp);
      rest = line.slice(sp + 1).trim();
    }
    const value = parseValue(rest.split(' ')[0]!);
    const owner = current && (name === current.name || name.startsWith(current.name + '_')) ? current : family(name);
    owner.samples.push({ name, labels, value });
  }
  return families;
}

/** A stable key for a label set (sorted names). */
export function labelKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
}
