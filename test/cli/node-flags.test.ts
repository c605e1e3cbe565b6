/** The command's node flags (src/cli/node-flags.ts) are the same wherever the command is started. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { COMMAND_NODE_FLAGS } from '../../src/cli/node-flags.js';

const read = (file: string): string => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

describe('the command\'s node flags', () => {
  // The container's entrypoint: test/sidecar/container.test.ts (the same command as `npm start`).
  it('package.json\'s start script and the bin\'s shebang give node the same flags', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts['start']!;
    assert.equal(start, ['node', ...COMMAND_NODE_FLAGS, 'dist/src/cli.js'].join(' '));
    assert.equal(read('src/cli.ts').split('\n')[0], ['#!/usr/bin/env -S node', ...COMMAND_NODE_FLAGS].join(' '));
  });
});
