/**
 * Mail intake: inbound mails per second over SMTP with 16 parallel connections, and the
 * time to acknowledgement (250 after commit), against a Relais server started as a user
 * starts it (its own process, LOG_LEVEL=warn), on PostgreSQL and on the embedded store.
 * Webhook intake is not measured yet: the webhook channels do not exist yet.
 *
 *   npm run bench -- ingest [--seconds 20] [--connections 16] [--pg postgres://…] [--skip-embedded]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { log, machine, withRelais, withTempDatabase, withTempDir } from './_relais.ts';

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

const results: Record<string, unknown> = {
  benchmark: 'ingest',
  date: new Date().toISOString(),
  machine: machine(),
  connections: CONNECTIONS,
  seconds: SECONDS,
};
if (!values['skip-postgres']) {
  log('PostgreSQL: starting Relais with the demo world…');
  results.postgresSmtp = await withTempDatabase(values.pg, (url) =>
    withRelais({ DATABASE_URL: url }, ({ smtpPort }) => load(smtpPort)),
  );
  log(`postgres smtp: ${JSON.stringify(results.postgresSmtp)}`);
}
if (!values['skip-embedded']) {
  log('embedded store: starting Relais with the demo world…');
  results.embeddedSmtp = await withTempDir((dir) =>
    withRelais({ RELAIS_DATA_DIR: dir }, ({ smtpPort }) => load(smtpPort)),
  );
  log(`embedded smtp: ${JSON.stringify(results.embeddedSmtp)}`);
}
console.log(JSON.stringify(results));
