/** What the benchmarks share: the machine's description, a Relais process, a throwaway store. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const BIN = new URL('../bin/relais.js', import.meta.url).pathname;

export const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

export const machine = () => ({
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
});

/**
 * Run Relais as a user runs it — its own process, the demo world, LOG_LEVEL=warn — on
 * the store `env` names, wait until it is ready, hand its ports to `body`, then stop it.
 */
export async function withRelais<T>(
  env: Record<string, string>,
  body: (ports: { base: string; smtpPort: number }) => Promise<T>,
): Promise<T> {
  const port = 21_000 + Math.floor(Math.random() * 10_000);
  const smtpPort = port + 1;
  const { DATABASE_URL: _d, NATS_URL: _n, ...rest } = process.env;
  const child = spawn(process.execPath, [BIN, 'serve', '--host', '127.0.0.1', '--port', String(port)], {
    env: {
      ...rest,
      LOG_LEVEL: 'warn',
      RELAIS_LOGIN_LIMIT: '1000',
      RELAIS_SMTP_PORT: String(smtpPort),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    const until = Date.now() + 300_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`relais exited with ${child.exitCode}`);
      if (
        await fetch(`${base}/readyz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (Date.now() > until) throw new Error('relais did not become ready');
      await new Promise((r) => setTimeout(r, 250));
    }
    return await body({ base, smtpPort });
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('close', r));
  }
}

/** A PostgreSQL database of its own for one run, dropped afterwards. */
export async function withTempDatabase<T>(adminUrl: string, body: (url: string) => Promise<T>): Promise<T> {
  const name = `relais_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return await body(url.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

/** An embedded store's directory for one run, removed afterwards. */
export async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'relais-bench-'));
  try {
    return await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
