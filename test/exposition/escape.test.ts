import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  escapeHelpOpenMetrics,
  escapeHelpText,
  escapeLabelValue,
  formatLabelPairs,
} from '../../src/exposition/index.js';

describe('escapeLabelValue', () => {
  it('escapes backslash, double quote and newline', () => {
    assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
  });

  it('returns the same string when nothing needs escaping', () => {
    const s = 'plain value';
    assert.equal(escapeLabelValue(s), s);
    assert.equal(escapeLabelValue(''), '');
  });

  it('leaves other characters alone: tab, carriage return, NUL, UTF-8', () => {
    assert.equal(escapeLabelValue('\t\r\0 ü 🎉 中'), '\t\r\0 ü 🎉 中');
  });

  it('escapes at the ends and repeatedly', () => {
    assert.equal(escapeLabelValue('\\\\'), '\\\\\\\\');
    assert.equal(escapeLabelValue('"x"'), '\\"x\\"');
    assert.equal(escapeLabelValue('\n\n'), '\\n\\n');
  });
});

describe('HELP escaping', () => {
  it('text format escapes backslash and newline, not double quotes', () => {
    assert.equal(escapeHelpText('say "hi"\\\nbye'), 'say "hi"\\\\\\nbye');
  });

  it('OpenMetrics escapes double quotes too', () => {
    assert.equal(escapeHelpOpenMetrics('say "hi"\\\nbye'), 'say \\"hi\\"\\\\\\nbye');
  });
});

describe('formatLabelPairs', () => {
  it('joins escaped pairs without braces', () => {
    assert.equal(
      formatLabelPairs(['method', 'path'], ['GET', '/a"b\\c\n']),
      'method="GET",path="/a\\"b\\\\c\\n"',
    );
  });

  it('is empty for no labels', () => {
    assert.equal(formatLabelPairs([], []), '');
  });

  it('keeps empty values', () => {
    assert.equal(formatLabelPairs(['a'], ['']), 'a=""');
  });

  it('rejects names and values of different lengths', () => {
    assert.throws(() => formatLabelPairs(['a', 'b'], ['x']), {
      name: 'RangeError',
      message: 'formatLabelPairs: 2 label names but 1 values',
    });
  });
});
