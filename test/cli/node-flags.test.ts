/** The command's node flags (src/cli/node-flags.ts) are the same wherever the command is started. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { COMMAND_NODE_FLAGS } from '../../src/cli/node-flags.js';

const read = (file: string): string => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

describe('the command\'s node flags', () => {
  it('package.json\'s start script, the bin\'s shebang and the container\'s entrypoint give node the same flags', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts['start']!;
    assert.equal(start, ['node', ...COMMAND_NODE_FLAGS, 'dist/src/cli.js'].join(' '));
    assert.equal(read('src/cli.ts').split('\n')[0], ['#!/usr/bin/env -S node', ...COMMAND_NODE_FLAGS].join(' '));
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(read('Dockerfile'))?.[1];
    assert.deepEqual(JSON.parse(entrypoint ?? 'null'), ['node', ...COMMAND_NODE_FLAGS, 'dist/src/cli.js']);
  });
});
