import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEndpoint } from '../channels/index.ts';
import { loadConfig, SYSTEM_ACTOR } from '../core/index.ts';
import { createFixture, type Dovecot, freshStore, startDovecot } from '../testing/index.ts';
import { type Running, startRelais } from './start.ts';

// The server as `relais serve` runs it polls the IMAP mailboxes of its email endpoints by itself.
let dovecot: Dovecot;
beforeAll(async () => {
  dovecot = await startDovecot({ 'service-serve': 'serve-secret' });
});
afterAll(async () => {
  await dovecot?.close();
});

describe('a running Relais', () => {
  it('polls the IMAP mailboxes of its email endpoints from the moment it is ready', async () => {
    await dovecot.deliver('service-serve', [
      {
        from: 'moussa@client.example',
        to: 'serve@fr.test.example',
        subject: 'Box en panne',
        text: 'Ma box clignote en rouge depuis ce matin.',
        messageId: '<imap.serve@client.example>',
      },
    ]);
    const store = await freshStore();
    const fixture = await createFixture(store.db);
    await store.db.transaction().execute((trx) =>
      createEndpoint(
        trx,
        { actor: SYSTEM_ACTOR, now: new Date() },
        {
          subsidiaryId: fixture.subsidiaries.fr.id,
          channel: 'email',
          address: 'serve@fr.test.example',
          name: 'Service',
          settings: { imap: { host: '127.0.0.1', port: dovecot.port, secure: false, user: 'service-serve' } },
          secret: 'serve-secret',
        },
      ),
    );
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      RELAIS_DEMO: 'off',
      RELAIS_SMTP: 'off',
      RELAIS_MEMORY: 'true',
    });
    let running: Running | undefined;
    try {
      running = await startRelais(config, { logger: false, store });
      await running.ready;
      const found = () =>
        store.db
          .selectFrom('messages')
          .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
          .select(['conversations.subsidiary_id', 'messages.text'])
          .where('messages.external_id', '=', '<imap.serve@client.example>')
          .execute();
      // A bounded wait for the first round, which starts once the server is ready.
      for (let i = 0; i < 300 && (await found()).length === 0; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(await found()).toEqual([
        { subsidiary_id: fixture.subsidiaries.fr.id, text: 'Ma box clignote en rouge depuis ce matin.' },
      ]);
    } finally {
      await running?.close();
      await store.close();
    }
    expect(await dovecot.mailbox('service-serve')).toEqual({ '<imap.serve@client.example>': ['\\Seen'] });
  });
});
