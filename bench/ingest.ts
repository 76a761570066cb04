/**
 * Intake: inbound mails per second over SMTP with 16 parallel connections, and Meta
 * webhook messages per second with 64 connections (autocannon, each request a signed
 * Messenger delivery with its own message id), with the time to acknowledgement (250 or
 * 200, after commit), against a Relais server started as a user starts it (its own
 * process, LOG_LEVEL=warn), on PostgreSQL and on the embedded store.
 *
 *   npm run bench -- ingest [--seconds 20] [--connections 16] [--webhook-connections 64]
 *                           [--webhook-batch 1] [--pg postgres://…] [--skip-embedded]
 */
import { createHmac, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import nodemailer from 'nodemailer';
import { log, machine, withRelais, withTempDatabase, withTempDir } from './_relais.ts';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '16' },
    'webhook-connections': { type: 'string', default: '64' },
    'webhook-batch': { type: 'string', default: '1' },
    pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    'skip-embedded': { type: 'boolean', default: false },
    'skip-postgres': { type: 'boolean', default: false },
  },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const WEBHOOK_CONNECTIONS = Number(values['webhook-connections']);
/** Messages per webhook delivery: Meta sends one at a time when traffic is light, batches under load. */
const WEBHOOK_BATCH = Number(values['webhook-batch']);
const APP_SECRET = 'bench-app-secret';
const PAGE = '104500000000123';
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

/** The demo world has no Facebook Page: the French administrator adds one. */
async function addPage(base: string): Promise<void> {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin.fr@relais.example', password: 'relais-demo' }),
  });
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const subs = (await (await fetch(`${base}/api/subsidiaries?q=FR`, { headers: { cookie } })).json()) as {
    items: Array<{ id: string; code: string }>;
  };
  const fr = subs.items.find((s) => s.code === 'FR');
  const created = await fetch(`${base}/api/endpoints`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
    body: JSON.stringify({ subsidiaryId: fr?.id, channel: 'social', address: PAGE, name: 'Page' }),
  });
  if (created.status !== 201) throw new Error(`could not add the page: ${await created.text()}`);
}

/**
 * 64 connections post signed Messenger deliveries as fast as they are answered: each
 * with new message ids, from 2,000 customers (the first message of each opens a
 * conversation, the next ones join it).
 */
async function loadWebhooks(base: string) {
  await addPage(base);
  let n = 0;
  const texts = [
    'Bonjour, ma box redémarre sans cesse depuis ce matin.',
    'Je n’ai plus de réseau mobile à la maison.',
    'Ma facture de ce mois est deux fois plus élevée.',
  ];
  const result = await autocannon({
    url: base,
    connections: WEBHOOK_CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: 'POST',
        path: '/webhooks/meta',
        setupRequest: (req) => {
          const entries = Array.from({ length: WEBHOOK_BATCH }, () => {
            n += 1;
            return {
              id: PAGE,
              time: Date.now(),
              messaging: [
                {
                  sender: { id: `${7_000_000 + (n % 2000)}` },
                  recipient: { id: PAGE },
                  timestamp: Date.now(),
                  message: {
                    mid: `m_bench_${n}_${randomBytes(4).toString('hex')}`,
                    text: texts[n % texts.length],
                  },
                },
              ],
            };
          });
          const body = JSON.stringify({ object: 'page', entry: entries });
          const signature = `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`;
          return {
            ...req,
            headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
            body,
          };
        },
      },
    ],
  });
  const ok = result['2xx'];
  return {
    messagesPerSecond: Math.round((ok * WEBHOOK_BATCH) / SECONDS),
    requestsPerSecond: Math.round(ok / SECONDS),
    messagesPerRequest: WEBHOOK_BATCH,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

const results: Record<string, unknown> = {
  benchmark: 'ingest',
  date: new Date().toISOString(),
  machine: machine(),
  connections: CONNECTIONS,
  webhookConnections: WEBHOOK_CONNECTIONS,
  seconds: SECONDS,
};
if (!values['skip-postgres']) {
  log('PostgreSQL: starting Relais with the demo world…');
  await withTempDatabase(values.pg, (url) =>
    withRelais({ DATABASE_URL: url, RELAIS_META_APP_SECRET: APP_SECRET }, async ({ base, smtpPort }) => {
      results.postgresSmtp = await load(smtpPort);
      log(`postgres smtp: ${JSON.stringify(results.postgresSmtp)}`);
      results.postgresWebhooks = await loadWebhooks(base);
      log(`postgres webhooks: ${JSON.stringify(results.postgresWebhooks)}`);
    }),
  );
}
if (!values['skip-embedded']) {
  log('embedded store: starting Relais with the demo world…');
  await withTempDir((dir) =>
    withRelais({ RELAIS_DATA_DIR: dir, RELAIS_META_APP_SECRET: APP_SECRET }, async ({ base, smtpPort }) => {
      results.embeddedSmtp = await load(smtpPort);
      log(`embedded smtp: ${JSON.stringify(results.embeddedSmtp)}`);
      results.embeddedWebhooks = await loadWebhooks(base);
      log(`embedded webhooks: ${JSON.stringify(results.embeddedWebhooks)}`);
    }),
  );
}
console.log(JSON.stringify(results));
