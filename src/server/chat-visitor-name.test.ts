import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offersFor, RoutingService } from '../routing/index.ts';
import { ChatClient, type ChatServer, startChatServer } from '../testing/index.ts';

// A Monday, 11:00 in Paris: the fixture's sites are open.
const NOW = new Date('2026-11-23T10:00:00Z');

/** An anonymous chat visitor, as an agent meets them: named in the customer's language, never by an id. */
let server: ChatServer;
let service: RoutingService;
beforeAll(async () => {
  server = await startChatServer(NOW);
  // A quiet floor: only this test's chat waits, and one agent is there to be offered it.
  await server.store.db
    .updateTable('conversations')
    .set({ status: 'closed' })
    .where('status', '=', 'open')
    .execute();
  await server.store.db
    .updateTable('agents')
    .set({ presence: 'available' })
    .where('id', '=', server.fixture.agents.bucharest.id)
    .execute();
  service = new RoutingService(server.store.db, { now: () => NOW, offers: { mode: 'offer', seconds: 60 } });
  await service.sync();
});
afterAll(async () => {
  await service?.stop();
  await server?.close();
});

describe('an anonymous chat visitor', () => {
  it("is offered to an agent as 'Visiteur' and a number, in the widget's language", async () => {
    const widget = await ChatClient.connect(server.socketUrl);
    widget.send({ type: 'hello', key: server.keys.fr, language: 'fr' });
    await widget.next('welcome');
    widget.send({ type: 'message', clientId: 'visitor-name-1', text: 'Bonjour, ma box ne marche plus' });
    const ack = await widget.next('ack');
    widget.close();

    const { display_name, value } = await server.store.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .innerJoin('customers', 'customers.id', 'conversations.customer_id')
      .innerJoin('customer_identities', 'customer_identities.customer_id', 'customers.id')
      .select(['customers.display_name', 'customer_identities.value'])
      .where('messages.id', '=', ack.id)
      .where('customer_identities.kind', '=', 'chat')
      .executeTakeFirstOrThrow();
    expect(display_name).toMatch(/^Visiteur \d{4}$/);
    expect(display_name).not.toContain(value);

    expect((await service.sync()).offered).toBe(1);
    const offers = await offersFor(server.store.db, server.fixture.agents.bucharest.id, NOW);
    expect(offers.map((o) => o.customerName)).toEqual([display_name]);
  });
});
