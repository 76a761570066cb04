/**
 * The API benchmark: autocannon with 64 connections against a Relais server started as
 * a user starts it (its own process, demo world, LOG_LEVEL=warn), on the embedded store
 * and on PostgreSQL, for the path every contact takes — open a conversation with its
 * first message — and for reading a conversation with its messages. Beside it, the
 * same two inserts done by a bare `pg` script, so the cost of Relais over the
 * database is visible.
 *
 *   npm run bench -- api [--duration 20] [--connections 64] [--pg postgres://…] [--skip-embedded]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { log, machine, withRelais, withTempDatabase, withTempDir } from './_relais.ts';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: '64' },
    pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    'skip-embedded': { type: 'boolean', default: false },
    'skip-postgres': { type: 'boolean', default: false },
  },
});
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);

interface Figures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

async function apiKey(base: string): Promise<{ token: string; subsidiaryId: string; emails: string[] }> {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@relais.example', password: 'relais-demo' }),
  });
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const created = await fetch(`${base}/api/api-keys`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'bench',
      permissions: ['conversations:read', 'conversations:write', 'customers:read', 'organisation:read'],
    }),
  });
  const { token } = (await created.json()) as { token: string };
  const auth = { authorization: `Bearer ${token}` };
  const subs = (await (await fetch(`${base}/api/subsidiaries?q=FR`, { headers: auth })).json()) as {
    items: Array<{ id: string; code: string }>;
  };
  const fr = subs.items.find((s) => s.code === 'FR');
  if (!fr) throw new Error('no FR subsidiary in the demo world');
  // Known customers write in: identities of existing customers, as most contacts are.
  const emails: string[] = [];
  let cursor: string | null = null;
  while (emails.length < 2000) {
    const url = `${base}/api/customers?subsidiaryId=${fr.id}&limit=200${cursor ? `&cursor=${cursor}` : ''}`;
    const page = (await (await fetch(url, { headers: auth })).json()) as {
      items: Array<{ identities: Array<{ kind: string; value: string }> }>;
      nextCursor: string | null;
    };
    for (const c of page.items) {
      const email = c.identities.find((i) => i.kind === 'email');
      if (email) emails.push(email.value);
    }
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return { token, subsidiaryId: fr.id, emails };
}

function figures(result: autocannon.Result): Figures {
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function loadRelais(base: string): Promise<{ create: Figures; read: Figures }> {
  const { token, subsidiaryId, emails } = await apiKey(base);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const created: string[] = [];
  let n = 0;
  const create = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [
      {
        method: 'POST',
        path: '/api/conversations',
        headers,
        setupRequest: (req) => {
          n += 1;
          const email = emails[n % emails.length];
          return {
            ...req,
            body: JSON.stringify({
              subsidiaryId,
              channel: 'email',
              subject: `Bench ${n}`,
              customer: { identity: { kind: 'email', value: email } },
              message: {
                text: `Bonjour, message ${n}: ma box redémarre sans cesse.`,
                externalId: `bench-${randomUUID()}`,
              },
            }),
          };
        },
        onResponse: (status, body) => {
          if (status === 201 && created.length < 50_000)
            created.push((JSON.parse(body) as { id: string }).id);
        },
      },
    ],
  });
  let r = 0;
  const read = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [
      {
        method: 'GET',
        headers,
        setupRequest: (req) => {
          r += 1;
          return { ...req, path: `/api/conversations/${created[r % created.length]}` };
        },
      },
    ],
  });
  return { create: figures(create), read: figures(read) };
}

/** The same two inserts, and the same read, straight through `pg`: the floor Relais stands on. */
async function loadBarePg(url: string): Promise<{ create: Figures; read: Figures }> {
  const pool = new pg.Pool({ connectionString: url, max: CONNECTIONS });
  pool.on('error', () => undefined);
  const one = await pool.query<{ id: string; subsidiary_id: string }>(
    'select id, subsidiary_id from customers limit 1',
  );
  const customer = one.rows[0];
  if (!customer) throw new Error('no customer to write for');
  const ids: string[] = [];
  const run = async (op: () => Promise<void>) => {
    const latencies: number[] = [];
    let errors = 0;
    const until = Date.now() + DURATION * 1000;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (Date.now() < until) {
          const t = performance.now();
          try {
            await op();
            latencies.push(performance.now() - t);
          } catch {
            errors += 1;
          }
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0) * 100) /
      100;
    return {
      requestsPerSecond: Math.round(latencies.length / DURATION),
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      requests: latencies.length,
      non2xx: 0,
      errors,
    };
  };
  const create = await run(async () => {
    const client = await pool.connect();
    try {
      const id = randomUUID();
      await client.query('begin');
      await client.query(
        `insert into conversations (id, subsidiary_id, customer_id, channel, channels, subject, language)
         values ($1, $2, $3, 'email', '{email}', 'bare', 'fr')`,
        [id, customer.subsidiary_id, customer.id],
      );
      await client.query(
        `insert into messages (id, conversation_id, subsidiary_id, direction, channel, author_kind, text, delivery_status, external_id)
         values ($1, $2, $3, 'inbound', 'email', 'customer', 'bare insert', 'received', $4)`,
        [randomUUID(), id, customer.subsidiary_id, randomBytes(8).toString('hex')],
      );
      await client.query('commit');
      if (ids.length < 50_000) ids.push(id);
    } finally {
      client.release();
    }
  });
  let r = 0;
  const read = await run(async () => {
    r += 1;
    const id = ids[r % ids.length];
    await pool.query('select * from conversations where id = $1', [id]);
    await pool.query('select * from messages where conversation_id = $1 order by id desc limit 201', [id]);
  });
  await pool.end();
  return { create, read };
}

const results: Record<string, unknown> = {
  benchmark: 'api',
  date: new Date().toISOString(),
  machine: machine(),
  connections: CONNECTIONS,
  durationSeconds: DURATION,
};

if (!values['skip-embedded']) {
  log('embedded store: starting Relais with the demo world…');
  results.embedded = await withTempDir((dir) =>
    withRelais({ RELAIS_DATA_DIR: dir }, ({ base }) => loadRelais(base)),
  );
  log(`embedded: ${JSON.stringify(results.embedded)}`);
}

if (!values['skip-postgres']) {
  await withTempDatabase(values.pg, async (url) => {
    log('PostgreSQL: starting Relais with the demo world…');
    results.postgres = await withRelais({ DATABASE_URL: url, DATABASE_POOL_SIZE: '20' }, ({ base }) =>
      loadRelais(base),
    );
    log(`postgres: ${JSON.stringify(results.postgres)}`);
    log('bare pg: the same two inserts and the same read…');
    results.barePostgres = await loadBarePg(url);
    log(`bare pg: ${JSON.stringify(results.barePostgres)}`);
  });
  const relais = results.postgres as { create: Figures; read: Figures };
  const bare = results.barePostgres as { create: Figures; read: Figures };
  results.relaisToBare = {
    create: Math.round((relais.create.requestsPerSecond / bare.create.requestsPerSecond) * 100) / 100,
    read: Math.round((relais.read.requestsPerSecond / bare.read.requestsPerSecond) * 100) / 100,
  };
}

console.log(JSON.stringify(results));
