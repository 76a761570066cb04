import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/relais.js', import.meta.url).pathname;

function relais(args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, 'erlang', ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const example = ['--calls', '100', '--interval', '30m', '--aht', '180s', '--target', '80/20s'];

describe('relais erlang, as a user runs it', () => {
  it('staffs 100 calls per 30 minutes of 180 s at 80% in 20 s with 14 agents, 20 with 30% shrinkage', async () => {
    const { code, stdout, stderr } = await relais([...example, '--shrinkage', '0.3', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.agents).toBe(14);
    expect(result.agentsWithShrinkage).toBe(20);
    expect(result.traffic).toBeCloseTo(10, 10);
    expect(result.probWait).toBeCloseTo(0.1741, 4);
    expect(result.serviceLevel).toBeCloseTo(0.888, 3);
    expect(result.asa).toBeCloseTo(7.8, 1);
    expect(result.occupancy).toBeCloseTo(0.714, 3);
    expect(result).not.toHaveProperty('probAbandon');
  });

  it('prints a short table, and with --patience uses Erlang A and gives the abandonment', async () => {
    const table = await relais([...example, '--shrinkage', '0.3']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/agents needed\s+14\n/);
    expect(table.stdout).toMatch(/agents with 30% shrinkage\s+20\n/);
    expect(table.stdout).toMatch(/service level \(within 20 s\)\s+88\.8%/);
    expect(table.stdout).toMatch(/average speed of answer\s+7\.8 s/);
    expect(table.stdout).toMatch(/occupancy\s+71\.4%/);
    const patient = await relais([...example, '--patience', '300s', '--json']);
    expect(patient.code).toBe(0);
    const a = JSON.parse(patient.stdout);
    expect(a.model).toBe('erlang-a');
    expect(a.agents).toBeLessThanOrEqual(14);
    expect(a.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(a.probAbandon).toBeGreaterThan(0);
    const help = await relais(['--help']);
    expect(help.stdout).toContain('Usage: relais erlang');
  });

  it('refuses bad input with exit code 2, a message naming the flag and nothing on stdout', async () => {
    const cases: Array<[string[], string]> = [
      [['--calls=-5', '--interval', '30m', '--aht', '180s', '--target', '80/20s'], '--calls'],
      [[...example.slice(0, 6), '--target', '120/20s'], '--target'],
      [[...example.slice(0, 4), '--aht', '0s', ...example.slice(6)], '--aht'],
      [[...example.slice(0, 2), '--interval', '7m', ...example.slice(4)], '--interval'],
      [[...example, '--frob', '3'], '--frob'],
    ];
    const runs = await Promise.all(cases.map(([args]) => relais(args)));
    runs.forEach(({ code, stdout, stderr }, i) => {
      const [args, flag] = cases[i] ?? [[], ''];
      expect(code, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(flag);
    });
  });
});
