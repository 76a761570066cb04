import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The module rules of docs/architecture.md, checked on every run: another module is
 * reached only through its index.ts, and dependencies point inward.
 */
const SRC = new URL('.', import.meta.url).pathname;

// Which modules each module may import. Tests may also use `testing`.
const ALLOWED: Record<string, string[]> = {
  core: [],
  store: ['core'],
  bus: ['core', 'store'],
  organisation: ['core', 'store', 'bus'],
  customers: ['core', 'store', 'bus'],
  conversations: ['core', 'store', 'bus', 'customers'],
  channels: ['core', 'store', 'bus', 'organisation', 'customers', 'conversations'],
  routing: ['core', 'store', 'bus', 'organisation', 'customers', 'conversations'],
  demo: ['core', 'store', 'organisation'],
  planning: ['core', 'store', 'organisation'],
  server: [
    'core',
    'store',
    'bus',
    'organisation',
    'customers',
    'conversations',
    'channels',
    'demo',
    'routing',
    'planning',
  ],
  cli: ['core', 'store', 'organisation', 'server', 'demo', 'routing', 'planning'],
  testing: ['core', 'store', 'organisation', 'customers', 'conversations', 'channels', 'server'],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const files = sources(SRC)
  .map((path) => relative(SRC, path))
  .filter((path) => path.includes('/'));

describe('module boundaries', () => {
  it('every folder under src/ is a known module', () => {
    const modules = new Set(files.map((f) => f.split('/')[0]));
    expect([...modules].sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  for (const file of files) {
    const module = file.split('/')[0] ?? '';
    const isTest = file.endsWith('.test.ts');
    it(`${file} imports other modules only through their index.ts, inward`, () => {
      const text = readFileSync(join(SRC, file), 'utf8');
      const imports = [...text.matchAll(/from '(\.\.?\/[^']+)'/g)].map((m) => m[1] ?? '');
      for (const spec of imports) {
        const target = relative(SRC, join(SRC, file, '..', spec));
        const targetModule = target.split('/')[0] ?? '';
        if (targetModule === module || !target.includes('/')) continue;
        expect(target, `${file} reaches inside ${targetModule}`).toBe(`${targetModule}/index.ts`);
        const allowed = [...(ALLOWED[module] ?? []), ...(isTest ? ['testing'] : [])];
        expect(allowed, `${file} may not depend on ${targetModule}`).toContain(targetModule);
      }
    });
  }
});
