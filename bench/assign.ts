/**
 * Assignments end to end: two Relais processes (each with its own assignment service)
 * on one throwaway PostgreSQL database with the demo world. Work goes in through the
 * API as a user's client sends it; the bench reads the store to see when each
 * conversation was assigned and how often.
 *
 * Set-up, through the API as the demo admin: every site opens around the clock (so the
 * figure does not depend on the hour the bench runs at) and every agent takes up to 50
 * chats (total 100, the most an agent may have), so capacity never caps the rate.
 *
 * Two phases, each with N French web chats of the FR subsidiary, each from a new customer:
 * - live: agents available, the chats created through the API by `--connections`
 *   clients at once; throughput is N over the time from the first creation to the last
 *   assignment (so it cannot exceed the API's creation rate), and the wait is each
 *   conversation's assignment time less its creation time;
 * - backlog: agents away while the chats are created, then every agent is made available
 *   at once; throughput is N over the time from the first presence change to the last
 *   assignment: what the routers and the claims drain when nothing else limits them.
 * Double assignments: conversations with more than one 'assigned' routing decision or
 * more than one conversation.assigned event. Must be zero.
 *
 *   npm run bench -- assign [--n 1200] [--connections 32] [--pg postgres://…]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { log, machine, withRelais, withTempDatabase } from './_relais.ts';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    n: { type: 'string', default: '1200' },
    connections: { type: 'string', default: '32' },
    pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    'timeout-seconds': { type: 'string', default: '300' },
  },
});
const N = Number(values.n);
const CONNECTIONS = Number(values.connections);
const TIMEOUT_MS = Number(values['timeout-seconds']) * 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Api {
  call(path: string, init?: { method?: string; body?: unknown; etag?: string }): Promise<Response>;
}

async function signIn(base: string): Promise<Api> {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@relais.example', password: 'relais-demo' }),
  });
  if (!login.ok) throw new Error(`sign-in failed: ${login.status}`);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return {
    call: async (path, init = {}) => {
      const headers: Record<string, string> = { cookie, 'x-csrf-token': csrfToken };
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      if (init.etag) headers['if-match'] = init.etag;
      const res = await fetch(`${base}${path}`, {
        method: init.method ?? 'GET',
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
      return res;
    },
  };
}

/** Run `count` tasks with `width` of them in flight at once. */
async function inParallel(count: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

const AROUND_THE_CLOCK = {
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [
      d,
      [
        { start: '00:00', end: '12:00' },
        { start: '12:00', end: '00:00' },
      ],
    ]),
  ),
  holidays: [],
  exceptions: [],
};

/** Change one resource through the API: read its ETag, then PATCH with If-Match. */
async function patch(api: Api, path: string, body: unknown): Promise<void> {
  const current = await api.call(path);
  await api.call(path, { method: 'PATCH', body, etag: current.headers.get('etag') ?? '' });
}

async function setPresence(api: Api, agentIds: string[], presence: string): Promise<void> {
  await inParallel(agentIds.length, CONNECTIONS, async (i) => {
    await api.call(`/api/agents/${agentIds[i]}/presence`, { method: 'PUT', body: { presence } });
  });
}

async function createChats(api: Api, subsidiaryId: string, tag: string): Promise<number> {
  const started = Date.now();
  await inParallel(N, CONNECTIONS, async (i) => {
    await api.call('/api/conversations', {
      method: 'POST',
      body: {
        subsidiaryId,
        channel: 'chat',
        language: 'fr',
        subject: `${tag} ${i}`,
        customer: {
          identity: { kind: 'email', value: `${tag}-${i}-${randomUUID().slice(0, 8)}@bench.example` },
        },
        message: {
          text: `Bonjour, ma box ne se connecte plus (${i}).`,
          externalId: `${tag}-${randomUUID()}`,
        },
      },
    });
  });
  return Date.now() - started;
}

interface Phase {
  conversations: number;
  assigned: number;
  createSeconds: number;
  createdPerSecond: number;
  assignSeconds: number;
  assignmentsPerSecond: number;
  doubleAssignments: number;
  waitP50Ms: number;
  waitP99Ms: number;
  waitMaxMs: number;
  bySite: Record<string, number>;
}

/** Poll the store until every conversation of the phase is assigned (or the timeout), then measure. */
async function measure(
  db: pg.Pool,
  tag: string,
  from: 'created' | Date,
  createMs: number,
  agentSites: Map<string, string>,
): Promise<Phase> {
  const until = Date.now() + TIMEOUT_MS;
  for (;;) {
    const { rows } = await db.query<{ n: string }>(
      `select count(*) as n from conversations where subject like $1 and status = 'assigned'`,
      [`${tag} %`],
    );
    if (Number(rows[0]?.n) >= N || Date.now() > until) break;
    await sleep(100);
  }
  const { rows } = await db.query<{
    id: string;
    created_at: Date;
    assignee_id: string | null;
    decisions: string;
    events: string;
    first_at: Date | null;
  }>(
    `with mine as (select id, created_at, assignee_id from conversations where subject like $1),
          d as (select conversation_id, count(*) as n, min(at) as first_at from routing_decisions
                 where kind = 'assigned' and conversation_id in (select id from mine) group by conversation_id),
          e as (select (payload->>'conversationId')::uuid as conversation_id, count(*) as n from outbox
                 where name = 'conversation.assigned' group by 1)
     select mine.id, mine.created_at, mine.assignee_id, coalesce(d.n, 0) as decisions,
            coalesce(e.n, 0) as events, d.first_at
       from mine left join d on d.conversation_id = mine.id left join e on e.conversation_id = mine.id`,
    [`${tag} %`],
  );
  const assigned = rows.filter((r) => r.first_at !== null);
  const waits = assigned
    .map((r) => (r.first_at as Date).getTime() - r.created_at.getTime())
    .sort((a, b) => a - b);
  const q = (p: number) => waits[Math.min(waits.length - 1, Math.floor(p * waits.length))] ?? Number.NaN;
  const start =
    from === 'created' ? Math.min(...rows.map((r) => r.created_at.getTime())) : (from as Date).getTime();
  const end = Math.max(...assigned.map((r) => (r.first_at as Date).getTime()));
  const seconds = (end - start) / 1000;
  const bySite: Record<string, number> = {};
  for (const r of assigned) {
    const site = agentSites.get(r.assignee_id ?? '') ?? 'unknown';
    bySite[site] = (bySite[site] ?? 0) + 1;
  }
  return {
    conversations: rows.length,
    assigned: assigned.length,
    createSeconds: Math.round(createMs / 10) / 100,
    createdPerSecond: Math.round(N / (createMs / 1000)),
    assignSeconds: Math.round(seconds * 100) / 100,
    assignmentsPerSecond: Math.round(assigned.length / seconds),
    doubleAssignments: rows.filter((r) => Number(r.decisions) > 1 || Number(r.events) > 1).length,
    waitP50Ms: Math.round(q(0.5)),
    waitP99Ms: Math.round(q(0.99)),
    waitMaxMs: waits.at(-1) ?? Number.NaN,
    bySite: bySite,
  };
}

const results: Record<string, unknown> = {
  benchmark: 'assign',
  date: new Date().toISOString(),
  machine: machine(),
  conversationsPerPhase: N,
  connections: CONNECTIONS,
  processes: 2,
};

await withTempDatabase(values.pg, async (url) => {
  log('starting the first Relais (migrations, demo world)…');
  await withRelais({ DATABASE_URL: url, DATABASE_POOL_SIZE: '20' }, async (one) => {
    log('starting the second Relais on the same database…');
    await withRelais({ DATABASE_URL: url, DATABASE_POOL_SIZE: '20' }, async (two) => {
      const db = new pg.Pool({ connectionString: url, max: 4 });
      try {
        const apis = [await signIn(one.base), await signIn(two.base)];
        const api = apis[0] as Api;
        const fr = await db.query<{ id: string }>(`select id from subsidiaries where code = 'FR'`);
        const subsidiaryId = fr.rows[0]?.id;
        if (!subsidiaryId) throw new Error('no FR subsidiary in the demo world');
        const sites = await db.query<{ id: string }>('select id from sites order by id');
        for (const s of sites.rows) await patch(api, `/api/sites/${s.id}`, { calendar: AROUND_THE_CLOCK });
        const agents = await db.query<{ id: string; name: string; capacity: { perChannel: object } }>(
          'select a.id, s.name, a.capacity from agents a join sites s on s.id = a.site_id order by a.id',
        );
        const agentIds = agents.rows.map((a) => a.id);
        const agentSites = new Map(agents.rows.map((a) => [a.id, a.name]));
        await inParallel(agentIds.length, 8, async (i) => {
          const a = agents.rows[i] as (typeof agents.rows)[number];
          await patch(api, `/api/agents/${a.id}`, {
            capacity: { perChannel: { ...a.capacity.perChannel, chat: 50 }, total: 100 },
          });
        });
        const qualified = await db.query<{ n: string }>(
          `select count(*) as n from agents a join sites s on s.id = a.site_id
            where a.tier = 'level1' and $1 = any(s.subsidiary_ids) and a.languages @> '[{"tag":"fr"}]'`,
          [subsidiaryId],
        );
        // Room for French chats of FR left after what agents already hold: each phase must fit.
        const room = await db.query<{ n: string }>(
          `select coalesce(sum(50 - (select count(*) from conversations c
                                      where c.assignee_id = a.id and c.status = 'assigned' and c.channel = 'chat')), 0) as n
             from agents a join sites s on s.id = a.site_id
            where a.tier = 'level1' and $1 = any(s.subsidiary_ids) and a.languages @> '[{"tag":"fr"}]'`,
          [subsidiaryId],
        );
        results.chatRoom = Number(room.rows[0]?.n);
        if (N > Number(results.chatRoom))
          throw new Error(
            `--n ${N} is more than the ${results.chatRoom} French chats the agents have room for`,
          );
        results.agents = agentIds.length;
        results.agentsForFrenchChat = Number(qualified.rows[0]?.n);
        log(`${agentIds.length} agents, ${results.agentsForFrenchChat} take French chats of FR`);
        // The demo world's waiting work goes first, so it does not mix into the figures.
        await setPresence(api, agentIds, 'available');
        await sleep(12_000);

        log(`live: ${N} chats created while agents are available…`);
        const liveMs = await createChats(api, subsidiaryId, 'bench-live');
        results.live = await measure(db, 'bench-live', 'created', liveMs, agentSites);
        log(`live: ${JSON.stringify(results.live)}`);

        // Free the agents for the second phase: the live chats are closed in the store (the
        // bench measures assignment, not resolution); both routers see it at their next sync.
        await db.query(
          `update conversations set status = 'resolved', version = version + 1 where subject like 'bench-live %'`,
        );
        await setPresence(api, agentIds, 'away');
        await sleep(12_000);

        log(`backlog: ${N} chats created while agents are away, then every agent available at once…`);
        const backlogMs = await createChats(api, subsidiaryId, 'bench-backlog');
        await sleep(6_000);
        const released = new Date();
        // Half the presence changes through each process, as agents are spread over servers.
        await inParallel(agentIds.length, CONNECTIONS, async (i) => {
          await (apis[i % 2] as Api).call(`/api/agents/${agentIds[i]}/presence`, {
            method: 'PUT',
            body: { presence: 'available' },
          });
        });
        results.backlog = await measure(db, 'bench-backlog', released, backlogMs, agentSites);
        log(`backlog: ${JSON.stringify(results.backlog)}`);
        results.target = { assignmentsPerSecond: 1000, doubleAssignments: 0 };
      } finally {
        await db.end();
      }
    });
  });
});

console.log(JSON.stringify(results));
