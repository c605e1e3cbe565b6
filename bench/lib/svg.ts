/**
 * Hand-written SVG bar charts: no library, readable in a browser or on GitHub.
 *
 * A chart is a set of groups (e.g. series counts), each with one horizontal bar per series
 * (e.g. `ours`, `prom-client`), and the value written at the end of each bar. Colours follow the
 * series name, the same in every panel of a file. Several charts stack vertically in one file.
 */

export interface Bar {
  /** Legend name, e.g. `ours` or `prom-client 15`. */
  series: string;
  value: number;
  /** Text at the end of the bar; default: the value with the chart's unit. */
  text?: string;
}

export interface BarGroup {
  label: string;
  bars: Bar[];
}

export interface BarChart {
  title: string;
  /** e.g. `ms, lower is better` */
  subtitle?: string;
  unit?: string;
  groups: BarGroup[];
  /** Log scale when values span orders of magnitude (the bars stay visible). */
  log?: boolean;
}

const PALETTE = ['#2b6cb0', '#dd6b20', '#38a169', '#805ad5', '#d53f8c', '#718096', '#d69e2e', '#319795', '#c53030', '#2c5282', '#9c4221', '#276749'];
const WIDTH = 900;
const LABEL_W = 170;
const BAR_AREA = 560;
const BAR_H = 16;
const BAR_GAP = 3;
const GROUP_GAP = 12;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function defaultText(v: number, unit: string | undefined): string {
  const n = Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toPrecision(3);
  return unit ? `${n} ${unit}` : n;
}

function panel(c: BarChart, y0: number, colours: Map<string, string>): { svg: string; height: number } {
  const out: string[] = [];
  let y = y0;
  out.push(`<text x="10" y="${y + 16}" font-size="15" font-weight="bold">${esc(c.title)}</text>`);
  y += 22;
  if (c.subtitle) {
    out.push(`<text x="10" y="${y + 13}" font-size="12" fill="#4a5568">${esc(c.subtitle)}</text>`);
    y += 18;
  }
  // Legend.
  const series = [...new Set(c.groups.flatMap((g) => g.bars.map((b) => b.series)))];
  let lx = 10;
  for (const s of series) {
    const w = 28 + s.length * 6.5;
    if (lx > 10 && lx + w > WIDTH - 10) {
      lx = 10;
      y += 18;
    }
    out.push(`<rect x="${lx}" y="${y + 3}" width="12" height="12" fill="${colours.get(s)}"/>`);
    out.push(`<text x="${lx + 16}" y="${y + 13}" font-size="12">${esc(s)}</text>`);
    lx += w;
  }
  y += 24;
  const values = c.groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v) => Number.isFinite(v) && v > 0);
  const max = Math.max(...values, 1e-12);
  const min = Math.min(...values, max);
  const lo = c.log ? Math.log10(min) - 0.3 : 0;
  const hi = c.log ? Math.log10(max) : max;
  const scale = (v: number): number => {
    if (!(v > 0)) return 0;
    const x = c.log ? (Math.log10(v) - lo) / (hi - lo || 1) : v / (hi || 1);
    return Math.max(1, Math.round(x * BAR_AREA));
  };
  for (const g of c.groups) {
    const h = g.bars.length * (BAR_H + BAR_GAP) - BAR_GAP;
    out.push(`<text x="${LABEL_W - 8}" y="${y + h / 2 + 4}" font-size="12" text-anchor="end">${esc(g.label)}</text>`);
    for (const b of g.bars) {
      const w = scale(b.value);
      out.push(`<rect x="${LABEL_W}" y="${y}" width="${w}" height="${BAR_H}" fill="${colours.get(b.series)}"><title>${esc(b.series)}: ${esc(b.text ?? defaultText(b.value, c.unit))}</title></rect>`);
      out.push(`<text x="${LABEL_W + w + 4}" y="${y + BAR_H - 4}" font-size="11">${esc(b.text ?? defaultText(b.value, c.unit))}</text>`);
      y += BAR_H + BAR_GAP;
    }
    y += GROUP_GAP;
  }
  if (c.log) {
    out.push(`<text x="${LABEL_W}" y="${y + 8}" font-size="10" fill="#718096">log scale</text>`);
    y += 14;
  }
  return { svg: out.join('\n'), height: y - y0 + 10 };
}

/** One SVG document holding every chart, top to bottom. */
export function renderCharts(title: string, charts: readonly BarChart[]): string {
  const colours = new Map<string, string>();
  for (const c of charts) for (const g of c.groups) for (const b of g.bars) if (!colours.has(b.series)) colours.set(b.series, PALETTE[colours.size % PALETTE.length]!);
  const parts: string[] = [`<text x="10" y="24" font-size="18" font-weight="bold">${esc(title)}</text>`];
  let y = 40;
  for (const c of charts) {
    const p = panel(c, y, colours);
    parts.push(p.svg);
    y += p.height + 10;
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="-apple-system, Segoe UI, Helvetica, Arial, sans-serif">\n` +
    `<rect width="100%" height="100%" fill="white"/>\n` +
    parts.join('\n') +
    '\n</svg>\n'
  );
}
