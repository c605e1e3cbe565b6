/**
 * Content negotiation for the metrics endpoint: which format (Accept) and whether to gzip
 * (Accept-Encoding), with q-values, as client_golang's promhttp decides them.
 *
 * Prometheus sends, for example,
 * `application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*\/*;q=0.2`.
 * Ranges are taken by q (highest first, the header's order among equals); the first one we can
 * serve decides. Nothing acceptable, or no header, means the text format: an exporter answers
 * every scraper something it can parse, as promhttp does.
 */

export type ExpositionFormat = 'text' | 'openmetrics';
export type ContentCoding = 'gzip' | 'identity';

interface MediaRange {
  type: string;
  subtype: string;
  params: Map<string, string>;
  q: number;
  order: number;
}

/** q as RFC 9110 writes it: 0 to 1, at most three decimals; anything else counts as 1. */
function parseQ(v: string): number {
  if (!/^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(v)) return 1;
  return Number(v);
}

function unquote(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v;
}

function parseAccept(header: string): MediaRange[] {
  const out: MediaRange[] = [];
  let order = 0;
  for (const part of header.split(',')) {
    const [range = '', ...paramParts] = part.split(';');
    const slash = range.indexOf('/');
    if (slash < 0) continue;
    const type = range.slice(0, slash).trim().toLowerCase();
    const subtype = range.slice(slash + 1).trim().toLowerCase();
    if (type === '' || subtype === '') continue;
    const params = new Map<string, string>();
    let q = 1;
    for (const p of paramParts) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const k = p.slice(0, eq).trim().toLowerCase();
      const v = unquote(p.slice(eq + 1).trim());
      if (k === 'q') q = parseQ(v);
      else params.set(k, v);
    }
    out.push({ type, subtype, params, q, order: order++ });
  }
  // Highest q first; the header's order among equal q (a stable sort).
  return out.sort((a, b) => b.q - a.q || a.order - b.order);
}

/** OpenMetrics text versions we can answer: 1.0.0, and 0.0.1 (the draft Prometheus still offers). */
const OPENMETRICS_VERSIONS = new Set(['1.0.0', '0.0.1']);

function formatOf(r: MediaRange): ExpositionFormat | undefined {
  const version = r.params.get('version');
  if (r.type === 'application' && r.subtype === 'openmetrics-text') {
    return version === undefined || OPENMETRICS_VERSIONS.has(version) ? 'openmetrics' : undefined;
  }
  if (r.type === 'text' && r.subtype === 'plain') return version === undefined || version === '0.0.4' ? 'text' : undefined;
  if ((r.type === 'text' && r.subtype === '*') || (r.type === '*' && r.subtype === '*')) return 'text';
  return undefined;
}

/** The format to answer an `Accept` header with (undefined or empty: no header). */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (accept === undefined || accept === '') return 'text';
  for (const r of parseAccept(accept)) {
    if (r.q <= 0) continue;
    const f = formatOf(r);
    if (f !== undefined) return f;
  }
  return 'text';
}

/**
 * Whether to gzip, from `Accept-Encoding`: yes when `gzip` (or `x-gzip`) has q > 0, or `*` has
 * q > 0 and gzip is not refused by name.
 */
export function negotiateEncoding(acceptEncoding: string | undefined): ContentCoding {
  if (acceptEncoding === undefined || acceptEncoding === '') return 'identity';
  let gzip: number | undefined;
  let star: number | undefined;
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.split(';');
    const coding = name.trim().toLowerCase();
    let q = 1;
    for (const p of params) {
      const [k = '', v = ''] = p.split('=');
      if (k.trim().toLowerCase() === 'q') q = parseQ(v.trim());
    }
    if (coding === 'gzip' || coding === 'x-gzip') gzip = Math.max(gzip ?? 0, q);
    else if (coding === '*') star = q;
  }
  if (gzip !== undefined) return gzip > 0 ? 'gzip' : 'identity';
  return star !== undefined && star > 0 ? 'gzip' : 'identity';
}
