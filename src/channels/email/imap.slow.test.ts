import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dovecot, startDovecot, startTestServer, type TestServer } from '../../testing/index.ts';
import { type PollResult, pollDueMailboxes } from './imap.ts';

// Polling against a real IMAP server (Dovecot) started for this file.
const USERS = { 'service-fr': 'fr-secret', 'service-ma': 'ma-secret', 'service-ops': 'ops-secret' };

let dovecot: Dovecot;
let server: TestServer;
// The poller's clock: each round moves it past every poll interval and backoff.
let clock = new Date();
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

const round = (owner = 'test-process'): Promise<PollResult[]> => {
  clock = new Date(clock.getTime() + 2 * 3600_000);
  return pollDueMailboxes(server.db, server.files, {
    now: () => clock,
    maxBytes: 200_000,
    log: silent,
    owner,
  });
};

const resultFor = (results: PollResult[], endpointId: string) =>
  results.find((r) => r.endpointId === endpointId);

async function stored(address: string) {
  return server.db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .innerJoin('customer_identities', 'customer_identities.customer_id', 'conversations.customer_id')
    .select([
      'messages.external_id',
      'messages.conversation_id',
      'conversations.subsidiary_id',
      'conversations.subject',
    ])
    .where('customer_identities.value', '=', address)
    .orderBy('messages.id')
    .execute();
}

const endpoints = { fr: '', ma: '', ops: '' };
const imapOf = (user: keyof typeof USERS) => ({ host: '127.0.0.1', port: dovecot.port, secure: false, user });

beforeAll(async () => {
  dovecot = await startDovecot(USERS);
  server = await startTestServer();
  const fr = await server.as('fr.admin@test.example');
  const group = await server.as('group.admin@test.example');
  const created = [
    await fr.post('/api/endpoints', {
      subsidiaryId: server.fixture.subsidiaries.fr.id,
      channel: 'email',
      address: 'service@fr.test.example',
      name: 'Service client',
      settings: { imap: imapOf('service-fr') },
      secret: USERS['service-fr'],
    }),
    await group.post('/api/endpoints', {
      subsidiaryId: server.fixture.subsidiaries.ma.id,
      channel: 'email',
      address: 'contact@ma.test.example',
      name: 'Contact',
      settings: { imap: { ...imapOf('service-ma'), afterIngest: 'move', moveTo: 'Relais' } },
      secret: USERS['service-ma'],
    }),
  ];
  for (const c of created) expect(c.status, JSON.stringify(c.body)).toBe(201);
  endpoints.fr = created[0]?.body.id;
  endpoints.ma = created[1]?.body.id;
  const ma = dovecot.client('service-ma');
  await ma.connect();
  await ma.mailboxCreate('Relais');
  await ma.logout();
});

afterAll(async () => {
  await server?.close();
  await dovecot?.close();
});

describe('mailboxes polled over IMAP', () => {
  it('refuses IMAP settings that are incomplete', async () => {
    const fr = await server.as('fr.admin@test.example');
    const base = { subsidiaryId: server.fixture.subsidiaries.fr.id, channel: 'email', name: 'x' };
    const noHost = await fr.post('/api/endpoints', {
      ...base,
      address: 'a@fr.test.example',
      settings: { imap: { user: 'x' } },
    });
    expect(noHost.status).toBe(400);
    expect(JSON.stringify(noHost.body)).toContain('settings.imap.host');
    const noFolder = await fr.post('/api/endpoints', {
      ...base,
      address: 'b@fr.test.example',
      settings: { imap: { host: 'imap.example', user: 'x', afterIngest: 'move' } },
    });
    expect(noFolder.status).toBe(400);
    expect(JSON.stringify(noFolder.body)).toContain('settings.imap.moveTo');
  });

  it("takes mail into the mailbox's subsidiary, threads a three-message exchange, and marks it read only after storing it", async () => {
    const from = '"Jeanne Leroy" <jeanne.leroy@client.example>';
    await dovecot.deliver('service-fr', [
      {
        from,
        to: 'service@fr.test.example',
        subject: 'Coupure internet',
        text: 'Bonjour, plus d’internet depuis hier soir.',
        messageId: '<imap.first@client.example>',
      },
      {
        from,
        to: 'service@fr.test.example',
        subject: 'RE: Coupure internet',
        text: 'Toujours rien ce matin.',
        inReplyTo: '<imap.first@client.example>',
        references: ['<imap.first@client.example>'],
        messageId: '<imap.second@client.example>',
      },
      {
        from,
        to: 'service@fr.test.example',
        subject: 'TR: RE: Coupure internet',
        text: 'Je vous transfère la facture.',
        messageId: '<imap.third@client.example>',
      },
    ]);
    await dovecot.deliver('service-ma', [
      {
        from: 'karim@client.example',
        to: 'contact@ma.test.example',
        subject: 'Facture',
        text: 'Bonjour, ma facture de ce mois est fausse.',
        messageId: '<imap.karim@client.example>',
      },
    ]);
    // The store refuses the second mail for now: it must stay unread, the cursor before it.
    await sql
      .raw(`create function refuse_one() returns trigger language plpgsql as $$
        begin
          if new.external_id = '<imap.second@client.example>' then raise exception 'store unavailable'; end if;
          return new;
        end $$;
        create trigger refuse_one before insert on messages for each row execute function refuse_one();`)
      .execute(server.db);
    const failed = resultFor(await round(), endpoints.fr);
    expect(failed).toMatchObject({ ingested: 1, error: expect.stringContaining('store unavailable') });
    expect(await dovecot.mailbox('service-fr')).toEqual({
      '<imap.first@client.example>': ['\\Seen'],
      '<imap.second@client.example>': [],
      '<imap.third@client.example>': [],
    });
    const fr = await server.as('fr.admin@test.example');
    const failing = await fr.get(`/api/endpoints/${endpoints.fr}/imap`);
    expect(failing.body).toMatchObject({ lastUid: 1, consecutiveFailures: 1 });
    expect(failing.body.lastError).toContain('store unavailable');

    await sql.raw('drop trigger refuse_one on messages; drop function refuse_one();').execute(server.db);
    const results = await round();
    expect(resultFor(results, endpoints.fr)).toEqual({
      endpointId: endpoints.fr,
      ingested: 2,
      duplicates: 0,
      refused: 0,
    });
    const messages = await stored('jeanne.leroy@client.example');
    expect(messages.map((m) => m.external_id)).toEqual([
      '<imap.first@client.example>',
      '<imap.second@client.example>',
      '<imap.third@client.example>',
    ]);
    expect(new Set(messages.map((m) => m.conversation_id)).size).toBe(1);
    expect(messages[0]).toMatchObject({
      subsidiary_id: server.fixture.subsidiaries.fr.id,
      subject: 'Coupure internet',
    });
    expect(Object.values(await dovecot.mailbox('service-fr'))).toEqual([['\\Seen'], ['\\Seen'], ['\\Seen']]);
    const status = await fr.get(`/api/endpoints/${endpoints.fr}/imap`);
    expect(status.body).toMatchObject({
      lastUid: 3,
      consecutiveFailures: 0,
      lastPolledAt: clock.toISOString(),
    });

    // The Moroccan mailbox: its own subsidiary, and its mail moved out of the inbox once stored.
    const karim = await stored('karim@client.example');
    expect(karim).toEqual([expect.objectContaining({ subsidiary_id: server.fixture.subsidiaries.ma.id })]);
    expect(await dovecot.mailbox('service-ma')).toEqual({});
    expect(await dovecot.mailbox('service-ma', 'Relais')).toEqual({
      '<imap.karim@client.example>': ['\\Seen'],
    });
    // Another subsidiary does not see this mailbox.
    const ma = await server.as('ma.supervisor@test.example');
    expect((await ma.get(`/api/endpoints/${endpoints.fr}/imap`)).status).toBe(404);
  });

  it('stores a message fetched twice once: a lost cursor, then a mailbox renumbered (UIDVALIDITY)', async () => {
    const count = async () => (await stored('jeanne.leroy@client.example')).length;
    const before = await count();
    // As after a crash between the commit and the cursor: the poll fetches everything again.
    await server.db
      .updateTable('imap_cursors')
      .set({ last_uid: 0 })
      .where('endpoint_id', '=', endpoints.fr)
      .execute();
    expect(resultFor(await round(), endpoints.fr)).toMatchObject({ ingested: 0, duplicates: 3 });
    await server.db
      .updateTable('imap_cursors')
      .set({ uid_validity: 1, last_uid: 3 })
      .where('endpoint_id', '=', endpoints.fr)
      .execute();
    expect(resultFor(await round(), endpoints.fr)).toMatchObject({ ingested: 0, duplicates: 3 });
    expect(await count()).toBe(before);
    const cursor = await server.db
      .selectFrom('imap_cursors')
      .select(['uid_validity', 'last_uid'])
      .where('endpoint_id', '=', endpoints.fr)
      .executeTakeFirstOrThrow();
    expect(cursor.uid_validity).not.toBe(1);
    expect(cursor.last_uid).toBe(3);
  });

  it('reports a wrong password, stores nothing, and takes the mail once the password is right', async () => {
    const fr = await server.as('fr.admin@test.example');
    const created = await fr.post('/api/endpoints', {
      subsidiaryId: server.fixture.subsidiaries.fr.id,
      channel: 'email',
      address: 'ops@fr.test.example',
      name: 'Opérations',
      settings: { imap: imapOf('service-ops') },
      secret: 'not-the-password',
    });
    expect(created.status).toBe(201);
    endpoints.ops = created.body.id;
    await dovecot.deliver('service-ops', [
      {
        from: 'paul@client.example',
        to: 'ops@fr.test.example',
        subject: 'Antenne',
        text: 'Plus de réseau dans mon quartier.',
        messageId: '<imap.paul@client.example>',
      },
    ]);
    const failed = resultFor(await round(), endpoints.ops);
    expect(failed?.error).toMatch(/^authentication failed/);
    expect(await stored('paul@client.example')).toEqual([]);
    const status = await fr.get(`/api/endpoints/${endpoints.ops}/imap`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ consecutiveFailures: 1, lastPolledAt: null, lastUid: 0 });
    expect(status.body.lastError).toMatch(/^authentication failed/);
    expect(JSON.stringify(status.body)).not.toContain(USERS['service-ops']);
    // The next try waits longer than the poll interval; a second failure longer still.
    expect(new Date(status.body.nextPollAt).getTime() - clock.getTime()).toBe(60_000);
    await round();
    const again = await fr.get(`/api/endpoints/${endpoints.ops}/imap`);
    expect(again.body.consecutiveFailures).toBe(2);
    expect(new Date(again.body.nextPollAt).getTime() - clock.getTime()).toBe(120_000);
    expect(await dovecot.mailbox('service-ops')).toEqual({ '<imap.paul@client.example>': [] });

    const fixed = await fr.patch(`/api/endpoints/${endpoints.ops}`, { secret: USERS['service-ops'] });
    expect(fixed.status).toBe(200);
    expect(resultFor(await round(), endpoints.ops)).toMatchObject({ ingested: 1 });
    expect(await stored('paul@client.example')).toHaveLength(1);
    const healthy = await fr.get(`/api/endpoints/${endpoints.ops}/imap`);
    expect(healthy.body).toMatchObject({ consecutiveFailures: 0, lastUid: 1 });
  });

  it('lets one process at a time poll a mailbox: a held lease is respected, an expired one taken over', async () => {
    await dovecot.deliver('service-fr', [
      {
        from: 'jeanne.leroy@client.example',
        to: 'service@fr.test.example',
        subject: 'Merci',
        text: 'C’est revenu, merci.',
        messageId: '<imap.fourth@client.example>',
      },
    ]);
    await server.db
      .updateTable('imap_cursors')
      .set({ leased_by: 'another-process', leased_until: new Date(clock.getTime() + 24 * 3600_000) })
      .where('endpoint_id', '=', endpoints.fr)
      .execute();
    expect(resultFor(await round(), endpoints.fr)).toBeUndefined();
    expect(await dovecot.mailbox('service-fr')).toMatchObject({ '<imap.fourth@client.example>': [] });
    // The other process died; its lease runs out, and this one takes the mailbox over.
    await server.db
      .updateTable('imap_cursors')
      .set({ leased_until: new Date(clock.getTime()) })
      .where('endpoint_id', '=', endpoints.fr)
      .execute();
    const [a, b] = await Promise.all([round('process-a'), round('process-b')]);
    const polls = [...(a ?? []), ...(b ?? [])].filter((r) => r.endpointId === endpoints.fr);
    expect(polls).toEqual([{ endpointId: endpoints.fr, ingested: 1, duplicates: 0, refused: 0 }]);
    expect((await stored('jeanne.leroy@client.example')).map((m) => m.external_id)).toContain(
      '<imap.fourth@client.example>',
    );
  });
});
