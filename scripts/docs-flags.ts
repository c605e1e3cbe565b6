/**
 * `npm run docs:flags`: writes the flag table into README.md (between its markers) from the
 * flag tables (src/cli/flags.ts, src/runtime/flags.ts, the built-in collectors).
 * `npm run docs:flags -- --check`: exits 1 when README.md's table is stale, writing nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { exporterFlagsTable, withFlagsTable } from '../src/cli/flags-doc.js';

const file = new URL('../README.md', import.meta.url);
const readme = readFileSync(file, 'utf8');
const next = withFlagsTable(readme, await exporterFlagsTable());
if (process.argv.includes('--check')) {
  if (next !== readme) {
    console.error('README.md: the flag table is stale; run `npm run docs:flags`');
    process.exit(1);
  }
  console.log('README.md: the flag table is up to date');
} else if (next !== readme) {
  writeFileSync(file, next);
  console.log('README.md: flag table written');
} else {
  console.log('README.md: the flag table is up to date');
}
process.exit(0);
