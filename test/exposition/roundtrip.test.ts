/**
 * Property tests: whatever the label values and help text, the output parses back to them, line
 * by line. The parser below is deliberately strict (unknown escapes are errors, as in Prometheus's
 * text parser), so a missed escape shows up as a failure rather than a silent difference.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  escapeLabelValue,
  type FamilySnapshot,
  formatLabelPairs,
  renderOpenMetrics,
  renderText,
} from '../../src/exposition/index.js';

type Format = 'text' | 'openmetrics';

interface Sample {
  name: string;
  labels: Array<[string, string]>;
  value: string;
}

interface Parsed {
  help: Map<string, string>;
  type: Map<string, string>;
  samples: Sample[];
  lineCount: number;
}

const LABEL_ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', n: '\n' };
const TEXT_HELP_ESCAPES: Record<string, string> = { '\\': '\\', n: '\n' };

/** Reads an escaped string from `s` at `i` up to `stop` (or the end); returns value and end index. */
function unescapeUntil(s: string, i: number, stop: string | null, escapes: Record<string, string>): [string, number] {
  let out = '';
  while (i < s.length && s[i] !== stop) {
    const c = s[i]!;
    if (c === '\n') throw new Error('raw newline inside a line');
    if (c === '"' && stop === '"') break;
    if (c === '\\') {
      const next = s[i + 1];
      const rep = next === undefined ? undefined : escapes[next];
      if (rep === undefined) throw new Error(`invalid escape \\${next ?? ''} in ${JSON.stringify(s)}`);
      out += rep;
      i += 2;
    } else {
      out += c;
      i++;
    }
  }
  return [out, i];
}

function parseSample(line: string): Sample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  assert.ok(nameMatch, `no metric name in ${JSON.stringify(line)}`);
  const name = nameMatch[0];
  let i = name.length;
  const labels: Array<[string, string]> = [];
  if (line[i] === '{') {
    i++;
    while (line[i] !== '}') {
      const m = /^[a-zA-Z_][a-zA-Z0-9_]*="/.exec(line.slice(i));
      assert.ok(m, `bad label at ${i} in ${JSON.stringify(line)}`);
      const labelName = m[0].slice(0, -2);
      const [value, end] = unescapeUntil(line, i + m[0].length, '"', LABEL_ESCAPES);
      assert.equal(line[end], '"', 'unterminated label value');
      labels.push([labelName, value]);
      i = end + 1;
      if (line[i] === ',') i++;
      else assert.equal(line[i], '}', `expected , or } in ${JSON.stringify(line)}`);
    }
    i++;
  }
  assert.equal(line[i], ' ', `expected a space before the value in ${JSON.stringify(line)}`);
  const value = line.slice(i + 1);
  assert.match(value, /^(NaN|[+-]Inf|-?\d+(\.\d+)?(e[+-]?\d+)?)$/);
  return { name, labels, value };
}

function parseExposition(text: string, format: Format): Parsed {
  assert.ok(text.endsWith('\n'), 'output ends with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (format === 'openmetrics') assert.equal(lines.pop(), '# EOF');
  const parsed: Parsed = { help: new Map(), type: new Map(), samples: [], lineCount: lines.length };
  for (const line of lines) {
    if (line.startsWith('# HELP ')) {
      const rest = line.slice(7);
      const sp = rest.indexOf(' ');
      const escapes = format === 'text' ? TEXT_HELP_ESCAPES : LABEL_ESCAPES;
      parsed.help.set(rest.slice(0, sp), unescapeUntil(rest, sp + 1, null, escapes)[0]);
    } else if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ');
      parsed.type.set(name!, type!);
    } else {
      assert.ok(!line.startsWith('#'), `unexpected comment ${JSON.stringify(line)}`);
      parsed.samples.push(parseSample(line));
    }
  }
  return parsed;
}

/** Arbitrary strings: any code point, plus a mix rich in the characters that need escaping. */
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom('\\', '"', '\n', 'n', '\\n', '\r', '\t', '\0', 'ü', '🎉', '中', ' ', '{', '}', ',', '=', '#'),
    maxLength: 30,
  }),
);

function familiesFor(values: string[], help: string): FamilySnapshot[] {
  const labelTexts = values.map((v, i) => formatLabelPairs(['i', 'v'], [String(i), v]));
  const n = values.length;
  return [
    { name: 'c_total', help, type: 'counter', labelTexts, values: new Float64Array(n).fill(1) },
    { name: 'g', help, type: 'gauge', labelTexts, values: new Float64Array(n).fill(NaN) },
    {
      name: 'h', help, type: 'histogram', labelTexts, bounds: [0.5, 1],
      buckets: new Float64Array(n * 3), sums: new Float64Array(n), counts: new Float64Array(n),
    },
    {
      name: 's', help, type: 'summary', labelTexts, quantiles: [0.5, 0.9],
      quantileValues: new Float64Array(n * 2).fill(NaN), sums: new Float64Array(n),
      counts: new Float64Array(n),
    },
  ];
}

describe('round trip through a strict parser', () => {
  it('label value escaping is reversible', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const escaped = escapeLabelValue(s);
        assert.ok(!escaped.includes('\n'));
        assert.equal(unescapeUntil(escaped, 0, null, LABEL_ESCAPES)[0], s);
      }),
    );
  });

  for (const format of ['text', 'openmetrics'] as const) {
    it(`${format}: label values and help parse back exactly, one line per sample`, () => {
      const render = format === 'text' ? renderText : renderOpenMetrics;
      fc.assert(
        fc.property(fc.array(anyString, { minLength: 1, maxLength: 4 }), anyString, (values, help) => {
          const parsed = parseExposition(render(familiesFor(values, help)), format);
          const n = values.length;
          // Per family: counter 1, gauge 1, histogram 3 buckets + sum + count, summary 2 + 2.
          const samplesPerSeries = 1 + 1 + 5 + 4;
          const metaLines = help === '' ? 4 : 8;
          assert.equal(parsed.lineCount, metaLines + n * samplesPerSeries);
          assert.equal(parsed.samples.length, n * samplesPerSeries);
          const familyNames = format === 'text' ? ['c_total', 'g', 'h', 's'] : ['c', 'g', 'h', 's'];
          for (const name of familyNames) {
            assert.ok(parsed.type.has(name), `TYPE for ${name}`);
            if (help !== '') assert.equal(parsed.help.get(name), help);
          }
          for (const sample of parsed.samples) {
            const [[iName, i], [vName, v]] = sample.labels as [[string, string], [string, string]];
            assert.equal(iName, 'i');
            assert.equal(vName, 'v');
            assert.equal(v, values[Number(i)]);
          }
        }),
        { numRuns: 200 },
      );
    });
  }
});
