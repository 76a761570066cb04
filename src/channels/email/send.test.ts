import { type ParsedMail, simpleParser } from 'mailparser';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMessage } from '../../conversations/index.ts';
import { type Context, SYSTEM_ACTOR } from '../../core/index.ts';
import type { FileStore } from '../../store/index.ts';
import { type MailIntake, startMailIntake, TEST_MAILBOX } from '../../testing/index.ts';
import {
  ChannelUnavailable,
  deliverDue,
  deliverMessage,
  MAX_ATTEMPTS,
  retryDelayMs,
  type Senders,
  UNAVAILABLE_WAIT_MS,
} from '../delivery.ts';
import { emailSender, smtpRelay } from './send.ts';

/** A real SMTP server standing for the company's mail relay: it keeps what it is given, or refuses. */
async function captureRelay(refuse: () => boolean) {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refuse()) return callback(Object.assign(new Error('4.3.2 try later'), { responseCode: 451 }));
        simpleParser(Buffer.concat(chunks)).then((mail) => {
          received.push(mail);
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    received,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let store: MailIntake['store'];
let files: FileStore;
let intake: { port: number };
let relay: Awaited<ReturnType<typeof captureRelay>>;
let refusing = false;
let senders: Senders;
const MAILBOX = TEST_MAILBOX;
const ctx: Context = { actor: SYSTEM_ACTOR, now: new Date() };

let mail: MailIntake;
beforeAll(async () => {
  mail = await startMailIntake(1_000_000);
  ({ store, files } = mail);
  intake = { port: mail.port };
  relay = await captureRelay(() => refusing);
  senders = { email: emailSender({ db: store.db, relay: smtpRelay(relay.url), files }) };
});

afterAll(async () => {
  await relay?.close();
  await mail?.close();
});

const customerSends = (mail: SendMailOptions) =>
  nodemailer
    .createTransport({ host: '127.0.0.1', port: intake.port, secure: false, ignoreTLS: true })
    .sendMail(mail);

async function conversationOf(externalId: string) {
  const row = await store.db
    .selectFrom('messages')
    .select('conversation_id')
    .where('external_id', '=', externalId)
    .executeTakeFirstOrThrow();
  return row.conversation_id;
}

describe('replies by email', () => {
  it('leave through the relay threaded under the customer’s mail, and the answer comes back to the same conversation', async () => {
    await customerSends({
      from: 'Inès Roux <ines@client.example>',
      to: MAILBOX,
      subject: 'Changement d’adresse',
      text: 'Bonjour, je déménage le 1er décembre.',
      messageId: '<move.ines@client.example>',
    });
    const conversationId = await conversationOf('<move.ines@client.example>');
    const { message } = await store.db.transaction().execute((trx) =>
      addMessage(trx, ctx, conversationId, {
        direction: 'outbound',
        text: 'Bonjour Madame, c’est noté.',
        attachments: [],
      }),
    );
    expect(await deliverDue(store.db, senders, new Date())).toBe(1);

    const [sent] = relay.received;
    expect(sent?.from?.value[0]?.address).toBe(MAILBOX);
    expect(sent?.to && !Array.isArray(sent.to) ? sent.to.value[0]?.address : undefined).toBe(
      'ines@client.example',
    );
    expect(sent?.subject).toBe('Re: Changement d’adresse');
    expect(sent?.inReplyTo).toBe('<move.ines@client.example>');
    expect(sent?.messageId).toBe(`<relais.${conversationId}.${message.id}@fr.test.example>`);
    const replyTo =
      sent?.replyTo && !Array.isArray(sent.replyTo) ? sent.replyTo.value[0]?.address : undefined;
    expect(replyTo).toBe(`service+c${conversationId.replace(/-/g, '')}@fr.test.example`);
    const stored = await store.db
      .selectFrom('messages')
      .select(['delivery_status', 'external_id'])
      .where('id', '=', message.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ delivery_status: 'sent', external_id: sent?.messageId });

    // The customer answers our mail: by its Message-ID…
    await customerSends({
      from: 'ines@client.example',
      to: MAILBOX,
      subject: 'Re: Changement d’adresse',
      text: 'Merci !',
      inReplyTo: sent?.messageId ?? '',
      messageId: '<thanks.ines@client.example>',
    });
    // …or from a program that keeps no headers and a new subject: the Reply-To token.
    await customerSends({
      from: 'ines@client.example',
      to: replyTo ?? '',
      subject: 'Nouvelle adresse',
      text: '12 rue des Lilas, Lyon',
      messageId: '<address.ines@client.example>',
    });
    expect(await conversationOf('<thanks.ines@client.example>')).toBe(conversationId);
    expect(await conversationOf('<address.ines@client.example>')).toBe(conversationId);
  });

  it('are each sent once when two workers claim due mail at the same time', async () => {
    await customerSends({
      from: 'lea@client.example',
      to: MAILBOX,
      subject: 'Plusieurs questions',
      text: 'Bonjour, j’ai plusieurs questions.',
      messageId: '<questions.lea@client.example>',
    });
    const conversationId = await conversationOf('<questions.lea@client.example>');
    const replies = [];
    for (let n = 0; n < 6; n++) {
      const { message } = await store.db.transaction().execute((trx) =>
        addMessage(trx, ctx, conversationId, {
          direction: 'outbound',
          text: `Réponse ${n}`,
          attachments: [],
        }),
      );
      replies.push(message.id);
    }
    const before = relay.received.length;
    const now = new Date();
    const [a, b] = await Promise.all([
      deliverDue(store.db, senders, now),
      deliverDue(store.db, senders, now),
    ]);
    expect(a + b).toBe(6);
    const sent = relay.received.slice(before).map((m) => m.text?.trim());
    expect(sent.sort()).toEqual([0, 1, 2, 3, 4, 5].map((n) => `Réponse ${n}`));
  });

  it('wait for a channel that cannot be reached at all, without using up their tries', async () => {
    await customerSends({
      from: 'yann@client.example',
      to: MAILBOX,
      subject: 'Attente',
      text: 'Bonjour ?',
      messageId: '<wait.yann@client.example>',
    });
    const conversationId = await conversationOf('<wait.yann@client.example>');
    const { message } = await store.db
      .transaction()
      .execute((trx) =>
        addMessage(trx, ctx, conversationId, { direction: 'outbound', text: 'Un instant.', attachments: [] }),
      );
    const down: Senders = {
      email: {
        send: async () => {
          throw new ChannelUnavailable('no connection to the relay');
        },
      },
    };
    const at = new Date();
    for (let n = 0; n < MAX_ATTEMPTS + 2; n++) {
      expect(await deliverMessage(store.db, down, message.id, at)).toBe('waiting');
    }
    const row = await store.db
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', message.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      delivery_status: 'queued',
      delivery_attempts: 0,
      delivery_error: 'no connection to the relay',
    });
    expect(row.next_attempt_at?.getTime()).toBe(at.getTime() + UNAVAILABLE_WAIT_MS);
    const history = await store.db
      .selectFrom('delivery_events')
      .select('status')
      .where('message_id', '=', message.id)
      .execute();
    expect(history.map((h) => h.status)).toEqual(['waiting']);
    // Once the channel is back, the reply leaves.
    expect(await deliverMessage(store.db, senders, message.id)).toBe('sent');
  });

  it('are retried when the relay refuses, and end as a visible dead letter after the last try', async () => {
    await customerSends({
      from: 'marc@client.example',
      to: MAILBOX,
      subject: 'Résiliation',
      text: 'Je souhaite résilier.',
      messageId: '<cancel.marc@client.example>',
    });
    const conversationId = await conversationOf('<cancel.marc@client.example>');
    const { message } = await store.db.transaction().execute((trx) =>
      addMessage(trx, ctx, conversationId, {
        direction: 'outbound',
        text: 'Nous avons bien reçu.',
        attachments: [],
      }),
    );
    refusing = true;
    const tried = new Date();
    expect(await deliverMessage(store.db, senders, message.id, tried)).toBe('retry');
    let row = await store.db
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', message.id)
      .executeTakeFirstOrThrow();
    expect(row.delivery_status).toBe('queued');
    expect(row.delivery_attempts).toBe(1);
    expect(row.delivery_error).toContain('try later');
    // The next try waits: not due before the delay, due after it; each delay doubles.
    expect(row.next_attempt_at?.getTime()).toBe(tried.getTime() + retryDelayMs(1));
    expect(retryDelayMs(2)).toBe(2 * retryDelayMs(1));
    expect(await deliverDue(store.db, senders, new Date(tried.getTime() + retryDelayMs(1) - 1000))).toBe(0);
    expect(await deliverDue(store.db, senders, new Date(tried.getTime() + retryDelayMs(1) + 1000))).toBe(1);
    for (let attempt = 3; attempt < MAX_ATTEMPTS; attempt++) {
      expect(await deliverMessage(store.db, senders, message.id)).toBe('retry');
    }
    expect(await deliverMessage(store.db, senders, message.id)).toBe('failed');
    row = await store.db
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', message.id)
      .executeTakeFirstOrThrow();
    expect(row.delivery_status).toBe('failed');
    expect(row.delivery_attempts).toBe(MAX_ATTEMPTS);
    const history = await store.db
      .selectFrom('delivery_events')
      .select('status')
      .where('message_id', '=', message.id)
      .orderBy('id')
      .execute();
    expect(history.map((h) => h.status)).toEqual([...Array(MAX_ATTEMPTS - 1).fill('retry'), 'failed']);
    refusing = false;
    // A dead letter is not sent again by a late redelivery.
    expect(await deliverMessage(store.db, senders, message.id)).toBe('skipped');
  });
});
