#!/usr/bin/env node
// The `hookfleet` command: runs the built CLI (apps/cli/dist), building the workspace first if it never was.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main.js', import.meta.url);
if (!existsSync(entry)) {
  const { ensureBuilt } = await import('../../../scripts/ensure-built.mjs');
  ensureBuilt();
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
