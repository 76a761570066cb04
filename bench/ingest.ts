/**
 * Mail intake: inbound mails per second over SMTP with 16 parallel connections, and the
 * time to acknowledgement (250 after commit), against a Relais server started as a user
 * starts it (its own process, LOG_LEVEL=warn), on PostgreSQL and on the embedded store.
 * Webhook intake is not measured yet: the webhook channels do not exist yet.
 *
 *   npm run bench -- ingest [--seconds 20] [--connections 16] [--pg postgres://…] [--skip-embedded]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import pg from 'pg';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '16' },
    pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    'skip-embedded': { type: 'boolean', default: false },
    'skip-postgres': { type: 'boolean', default: false },
  },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const BIN = new URL('../bin/relais.js', import.meta.url).pathname;
const log = (line: string) => process.stderr.write(`${line}\n`);

async function ready(base: string, child: ChildProcess): Promise<void> {
  const until = Date.now() + 300_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`relais exited with ${child.exitCode}`);
    if (
      await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('relais did not become ready');
}

/** 16 senders, each on its own pooled SMTP connection, sending as fast as they are answered. */
async function load(smtpPort: number) {
  const latencies: number[] = [];
  let errors = 0;
  const until = Date.now() + SECONDS * 1000;
  const body =
    'Bonjour,\n\nma connexion coupe plusieurs fois par jour depuis lundi. Pouvez-vous vérifier ?\n\nMerci';
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, sender) => {
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: smtpPort,
        secure: false,
        ignoreTLS: true,
        pool: true,
        maxConnections: 1,
        maxMessages: Number.POSITIVE_INFINITY,
      });
      let n = 0;
      while (Date.now() < until) {
        n += 1;
        const started = performance.now();
        try {
          await transport.sendMail({
            from: `client${sender}-${n % 50}@bench.example`,
            to: 'service.fr@relais.example',
            subject: `Coupures ${sender}-${n}`,
            text: body,
            messageId: `<bench.${sender}.${n}.${randomBytes(4).toString('hex')}@bench.example>`,
          });
          latencies.push(performance.now() - started);
        } catch {
          errors += 1;
        }
      }
      transport.close();
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round((latencies[Math.floor(q * (latencies.length - 1))] ?? 0) * 10) / 10;
  return {
    mailsPerSecond: Math.round(latencies.length / SECONDS),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    mails: latencies.length,
    errors,
  };
}

async function bench(env: Record<string, string>) {
  const port = 22_000 + Math.floor(Math.random() * 10_000);
  const smtpPort = port + 1;
  const { DATABASE_URL: _d, NATS_URL: _n, ...rest } = process.env;
  const child = spawn(process.execPath, [BIN, 'serve', '--host', '127.0.0.1', '--port', String(port)], {
    env: { ...rest, LOG_LEVEL: 'warn', RELAIS_SMTP_PORT: String(smtpPort), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await ready(`http://127.0.0.1:${port}`, child);
    return await load(smtpPort);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('close', r));
  }
}

const results: Record<string, unknown> = {
  benchmark: 'ingest',
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  },
  connections: CONNECTIONS,
  seconds: SECONDS,
};
if (!values['skip-postgres']) {
  const name = `relais_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: values.pg });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(values.pg);
  url.pathname = `/${name}`;
  try {
    log('PostgreSQL: starting Relais with the demo world…');
    results.postgresSmtp = await bench({ DATABASE_URL: url.toString() });
    log(`postgres smtp: ${JSON.stringify(results.postgresSmtp)}`);
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
if (!values['skip-embedded']) {
  const dir = mkdtempSync(join(tmpdir(), 'relais-bench-'));
  try {
    log('embedded store: starting Relais with the demo world…');
    results.embeddedSmtp = await bench({ RELAIS_DATA_DIR: dir });
    log(`embedded smtp: ${JSON.stringify(results.embeddedSmtp)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(JSON.stringify(results));
