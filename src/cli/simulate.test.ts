import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { EXIT, exitCodeFor } from './exit.ts';
import { simulateCommand } from './simulate.ts';

const dir = mkdtempSync(join(tmpdir(), 'relais-simulate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(values: Record<string, string | boolean | undefined>) {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  try {
    const code = await simulateCommand.run(values, {});
    return { code, out };
  } catch (error) {
    return { code: exitCodeFor(error), out, error: (error as Error).message };
  } finally {
    spy.mockRestore();
  }
}

describe('relais simulate', () => {
  it('prints one JSON object per run: in the demo world bestshore costs less than round-robin, always in the customer’s language', async () => {
    const { code, out } = await run({ json: true, seed: '1', volume: '1500' });
    expect(code).toBe(EXIT.ok);
    const result = JSON.parse(out);
    expect(result.policies.map((p: { name: string }) => p.name)).toEqual([
      'round-robin',
      'skills-only',
      'bestshore',
    ]);
    for (const p of result.policies) {
      for (const key of ['serviceLevel', 'abandonment', 'avgWaitSeconds', 'p90WaitSeconds', 'languageMatch'])
        expect(p[key]).toBeTypeOf('number');
      expect(p.costPerContact).toBeGreaterThan(0);
      expect(p.slaBreaches).toBeTypeOf('number');
      expect(p.sites).toHaveLength(7);
    }
    const [rr, , best] = result.policies;
    expect(best.costPerContact).toBeLessThan(rr.costPerContact);
    expect(best.languageMatch).toBe(1);
    expect(best.languageMatch).toBeGreaterThanOrEqual(rr.languageMatch);
    // Service level over one short day is noisy; the week (simulate.slow.test.ts) holds it.
  });

  it('prints a table with a column per policy', async () => {
    const { code, out } = await run({ seed: '2', volume: '300' });
    expect(code).toBe(EXIT.ok);
    expect(out).toMatch(/policy\s+round-robin\s+skills-only\s+bestshore/);
    expect(out).toMatch(/cost per contact\s+€\d+\.\d\d/);
    expect(out).toContain('occupancy Antananarivo');
  });

  it('refuses bad options with exit code 2 and a bad CSV with exit code 5, saying why', async () => {
    expect(await run({ days: 'two' })).toMatchObject({
      code: EXIT.usage,
      error: expect.stringContaining('--days'),
    });
    expect(await run({ days: '2', week: true })).toMatchObject({ code: EXIT.usage });
    expect(await run({ volume: '-5' })).toMatchObject({
      code: EXIT.usage,
      error: expect.stringContaining('--volume'),
    });
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'DateTime,Calls\n2003-03-03T07:00:00Z,12\n2003-03-03T07:05:00Z,lots\n');
    const refused = await run({ csv: bad });
    expect(refused.code).toBe(EXIT.invalidInput);
    expect(refused.error).toContain('line 3: Calls "lots"');
    const missing = await run({ csv: join(dir, 'nowhere.csv') });
    expect(missing.code).toBe(EXIT.invalidInput);
    expect(missing.error).toContain('cannot read');
  });
});
