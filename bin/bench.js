#!/usr/bin/env node
// `npm run bench -- NAME [options]`: runs bench/NAME.ts; its last line of output is one JSON object.
import { readdirSync } from 'node:fs';
import { register } from 'tsx/esm/api';

const available = readdirSync(new URL('../bench/', import.meta.url))
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .map((f) => f.slice(0, -3));
const name = process.argv[2];
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- NAME [options]\nbenchmarks: ${available.join(', ')}\n`);
  process.exit(2);
}
register();
await import(`../bench/${name}.ts`);
