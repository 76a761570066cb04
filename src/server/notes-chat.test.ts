import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient, type ChatServer, startChatServer } from '../testing/index.ts';

// A Wednesday morning: every fixture site is open.
const WEDNESDAY = new Date('2026-11-25T10:00:00Z');

describe("internal notes in a web chat, over the widget's real socket", () => {
  let server: ChatServer;
  const open: ChatClient[] = [];
  beforeAll(async () => {
    server = await startChatServer(WEDNESDAY);
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await server?.close();
  });

  it("never reach the visitor's widget, live or replayed, nor name their writer as the agent", async () => {
    const client = await ChatClient.connect(server.socketUrl);
    open.push(client);
    client.send({ type: 'hello', key: server.keys.fr, language: 'fr-FR' });
    const welcome = await client.next('welcome');
    client.send({ type: 'message', clientId: 'note-test-1', text: 'Bonjour, ma ligne est coupée' });
    const ack = await client.next('ack');
    const stored = await server.store.db
      .selectFrom('messages')
      .select('conversation_id')
      .where('id', '=', ack.id)
      .executeTakeFirstOrThrow();
    const conversationId = stored.conversation_id;

    const admin = await server.signIn('fr.admin@test.example');
    // Routed to Casablanca, nobody's yet: an agent there writes a note, an administrator answers.
    const routed = await admin.patch(`/api/conversations/${conversationId}`, {
      siteId: server.fixture.sites.casablanca.id,
    });
    expect(routed.status).toBe(200);
    const agent = await server.signIn('cas.agent@test.example');
    const note = await agent.post(`/api/conversations/${conversationId}/notes`, {
      text: 'Ligne suspendue pour impayé : ne pas le dire tel quel',
    });
    expect(note.status).toBe(201);
    const noteId = (note.body as { id: string }).id;
    const reply = await admin.post(`/api/conversations/${conversationId}/messages`, {
      direction: 'outbound',
      text: 'Bonjour, je regarde votre ligne.',
    });
    expect(reply.status).toBe(201);
    const replyId = (reply.body as { id: string }).id;

    // The reply comes after the note: by the time it is shown, the note would have been too.
    await client.next('message', (m) => m.id === replyId);
    expect(client.frames.some((f) => f.type === 'message' && f.id === noteId)).toBe(false);

    // A reload replays the chat: the visitor's message and the reply, never the note.
    const again = await ChatClient.connect(server.socketUrl);
    open.push(again);
    again.send({ type: 'hello', key: server.keys.fr, visitor: welcome.visitor });
    const back = await again.next('welcome');
    // No agent has written to the visitor: the note's writer is not named as serving them.
    expect(back.agentName).toBeNull();
    await again.next('message', (m) => m.id === replyId);
    expect(again.frames.some((f) => f.type === 'message' && f.id === noteId)).toBe(false);
  });
});
