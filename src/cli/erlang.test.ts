import { describe, expect, it, vi } from 'vitest';
import { erlangCommand } from './erlang.ts';
import { EXIT, exitCodeFor } from './exit.ts';

async function run(values: Record<string, string | boolean | undefined>) {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  try {
    const code = await erlangCommand.run(values, {});
    return { code, out, error: undefined };
  } catch (error) {
    return { code: exitCodeFor(error), out, error: (error as Error).message };
  } finally {
    spy.mockRestore();
  }
}

const example = { calls: '100', interval: '30m', aht: '180s', target: '80/20s' };

describe('relais erlang', () => {
  it('reads durations in seconds, minutes or hours and shares as fractions or percentages', async () => {
    const inSeconds = JSON.parse((await run({ ...example, json: true, shrinkage: '0.3' })).out);
    const otherwise = JSON.parse(
      (
        await run({
          calls: '100',
          interval: '0.5h',
          aht: '3m',
          target: '80%/20s',
          shrinkage: '30%',
          json: true,
        })
      ).out,
    );
    expect(otherwise).toEqual(inSeconds);
    expect(inSeconds).toMatchObject({ agents: 14, agentsWithShrinkage: 20 });
    // A whole hour of 200 calls is the same load: 10 Erlangs.
    expect(
      JSON.parse((await run({ ...example, calls: '200', interval: '1h', json: true })).out).traffic,
    ).toBeCloseTo(10, 12);
  });

  it('with --max-occupancy and --max-asa adds agents; with --concurrency staffs chat slots', async () => {
    const json = async (extra: Record<string, string>) =>
      JSON.parse((await run({ ...example, ...extra, json: true })).out);
    expect((await json({ 'max-occupancy': '0.7' })).agents).toBe(15);
    expect((await json({ 'max-asa': '5s' })).agents).toBe(15);
    const chat = await json({ calls: '300', aht: '10m', target: '80/60s', concurrency: '3' });
    expect(chat.traffic).toBeCloseTo(100, 10);
    expect(chat.occupancy).toBeCloseTo(100 / (3 * chat.agents), 10);
  });

  it('with --agents tells what that number achieves, and says when the queue never drains', async () => {
    const short = await run({ ...example, agents: '13' });
    expect(short.code).toBe(EXIT.ok);
    expect(short.out).toMatch(/agents \(given\)\s+13/);
    expect(short.out).toMatch(/meets the target\s+no/);
    const overloaded = JSON.parse((await run({ ...example, agents: '9', json: true })).out);
    expect(overloaded).toMatchObject({
      agents: 9,
      probWait: 1,
      serviceLevel: 0,
      asa: null,
      meetsTarget: false,
    });
    expect((await run({ ...example, agents: '9' })).out).toContain('never: the queue grows');
    // Erlang A holds the same overload: callers hang up.
    const patient = JSON.parse((await run({ ...example, agents: '9', patience: '2m', json: true })).out);
    expect(patient.model).toBe('erlang-a');
    expect(patient.probAbandon).toBeGreaterThan(0.1);
    expect(patient.asa).toBeGreaterThan(0);
  });

  it('refuses what it cannot read, naming the flag', async () => {
    for (const [values, flag] of [
      [{ ...example, aht: '180' }, '--aht'],
      [{ ...example, interval: 'half an hour' }, '--interval'],
      [{ ...example, target: '80' }, '--target'],
      [{ ...example, target: '80/20' }, '--target'],
      [{ ...example, calls: 'many' }, '--calls'],
      [{ ...example, agents: '3.5' }, '--agents'],
      [{ ...example, concurrency: '0' }, '--concurrency'],
      [{ ...example, 'max-occupancy': '0' }, '--max-occupancy'],
      [{ ...example, patience: '0s' }, '--patience'],
      [{ aht: '180s', interval: '30m', target: '80/20s' }, '--calls'],
    ] as const) {
      const refused = await run(values);
      expect(refused.code, JSON.stringify(values)).toBe(EXIT.usage);
      expect(refused.error).toContain(flag);
      expect(refused.out).toBe('');
    }
  });
});
