#!/usr/bin/env node
/** The `atomic-exporter` command (package.json `bin`). */
import { main } from './cli/main.js';

const status = await main(process.argv.slice(2));
if (status !== undefined) process.exitCode = status;
