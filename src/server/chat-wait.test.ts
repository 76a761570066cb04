import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversation } from '../conversations/index.ts';
import { SYSTEM_ACTOR } from '../core/index.ts';
import { RoutingService } from '../routing/index.ts';
import { ChatClient, type ChatServer, onPostgres, startChatServer } from '../testing/index.ts';

// A Wednesday morning: every fixture site is open.
const WEDNESDAY = new Date('2026-11-25T10:00:00Z');

describe(`the chat widget's estimated wait (${onPostgres() ? 'PostgreSQL' : 'PGlite'})`, () => {
  let server: ChatServer;
  const open: ChatClient[] = [];

  const chat = async (subsidiary: 'fr' | 'ma', subject: string) =>
    server.store.db.transaction().execute(async (trx) => {
      const c = await createConversation(
        trx,
        { actor: SYSTEM_ACTOR, now: new Date() },
        {
          subsidiaryId: server.fixture.subsidiaries[subsidiary].id,
          customerId:
            subsidiary === 'fr'
              ? server.fixture.customers.frUnrouted.id
              : server.fixture.customers.maAtCasablanca.id,
          channel: 'chat',
          language: 'fr',
          subject,
          tier: 'level1',
          requiredSkills: [],
          priority: 'normal',
          message: { direction: 'inbound', text: subject, attachments: [] },
        },
      );
      return c.conversation.id;
    });
  const visitor = async (key: string, text: string) => {
    const client = await ChatClient.connect(server.socketUrl);
    open.push(client);
    client.send({ type: 'hello', key, language: 'fr-FR' });
    const welcome = await client.next('welcome');
    client.send({ type: 'message', clientId: `client-${open.length}-wait`, text });
    const ack = await client.next('ack');
    const queue = await client.next('queue');
    const row = await server.store.db
      .selectFrom('messages')
      .select('conversation_id')
      .where('id', '=', ack.id)
      .executeTakeFirstOrThrow();
    return {
      client,
      token: welcome.visitor,
      conversationId: row.conversation_id,
      estimatedWait: queue.estimatedWait,
    };
  };

  beforeAll(async () => {
    server = await startChatServer(WEDNESDAY);
    await server.store.db
      .updateTable('conversations')
      .set({ status: 'closed' })
      .where('status', '=', 'open')
      .execute();
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await server?.close();
  });

  it("is the queue view's figure: position ÷ the assignments of the chat's queue over the last hour", async () => {
    // Bucharest's agent takes three French chats (their chat capacity): three assignments this hour.
    await server.store.db
      .updateTable('agents')
      .set({ presence: 'available' })
      .where('id', '=', server.fixture.agents.bucharest.id)
      .execute();
    for (const subject of ['Box en panne', 'Facture', 'Déménagement']) await chat('fr', subject);
    const service = new RoutingService(server.store.db, { now: () => WEDNESDAY });
    try {
      expect((await service.sync()).assigned).toBe(3);
    } finally {
      await service.stop();
    }
    // One French chat already waits; the visitor's comes second.
    const ahead = await chat('fr', 'Résiliation');

    const { client, token, conversationId, estimatedWait } = await visitor(
      server.keys.fr,
      'Bonjour, ma connexion internet est coupée depuis ce matin',
    );
    // 3 an hour: one every 1200 s; second in the queue: 2400 s.
    expect(estimatedWait).toBe(2400);
    const admin = await server.signIn('fr.admin@test.example');
    const view = (await admin.get('/api/queues?channel=chat')).body as {
      items: Array<{ conversationId: string; position: number; estimatedWaitSeconds: number | null }>;
    };
    expect(view.items.find((i) => i.conversationId === ahead)?.position).toBe(1);
    expect(view.items.find((i) => i.conversationId === conversationId)).toMatchObject({
      position: 2,
      estimatedWaitSeconds: 2400,
    });

    // Back after a reload: the welcome says the same.
    client.close();
    const again = await ChatClient.connect(server.socketUrl);
    open.push(again);
    again.send({ type: 'hello', key: server.keys.fr, visitor: token });
    expect((await again.next('welcome')).estimatedWait).toBe(2400);
  });

  it("falls back on the history of first replies when the chat's queue served nobody in the last hour", async () => {
    // Morocco: nobody assigned this hour, no chat ever answered: no figure.
    const first = await visitor(server.keys.ma, 'Bonjour, ma facture est trop élevée');
    expect(first.estimatedWait).toBeNull();

    // A Moroccan chat answered in 90 s this week: the history's figure.
    const answered = await chat('ma', 'Question');
    await server.store.db
      .updateTable('conversations')
      .set({ status: 'resolved', first_responded_at: sql<Date>`created_at + interval '90 seconds'` })
      .where('id', '=', answered)
      .execute();
    const second = await visitor(server.keys.ma, 'Bonjour, je voudrais changer de forfait');
    // Two Moroccan chats wait without a reply: the first visitor's, then this one.
    expect(second.estimatedWait).toBe(180);
  });
});
