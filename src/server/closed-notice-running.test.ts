import { type ParsedMail, simpleParser } from 'mailparser';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEndpoint } from '../channels/index.ts';
import { SYSTEM_ACTOR } from '../core/index.ts';
import {
  createFixture,
  deliver,
  freshStore,
  sentToSmsc,
  startRunningRelais,
  startSmsc,
  type TestSmsc,
} from '../testing/index.ts';
import type { Running } from './start.ts';

// Sunday 22 November 2026, 23:00 in Paris: the fixture's sites (Monday to Friday, 08:00–20:00
// in their own time) are closed. Bucharest, level 1 in French for France, opens first: Monday
// 08:00 in Bucharest, 07:00 in Paris.
const NIGHT = new Date('2026-11-22T22:00:00Z');
const OPENING = 'lundi 23 novembre à 07:00 (heure d’Europe centrale)';
const MAILBOX = 'service@fr.closed.example';
const SHORT_CODE = '36222';

/** A real SMTP server standing for the company's mail relay: it keeps what Relais sends out. */
async function captureRelay() {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
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

/** Waits for a condition, trying at most `tries` times. */
async function eventually<T>(what: string, read: () => Promise<T | undefined> | T | undefined, tries = 300) {
  for (let i = 0; i < tries; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

let store: Awaited<ReturnType<typeof freshStore>>;
let relay: Awaited<ReturnType<typeof captureRelay>>;
let smsc: TestSmsc;
const running: Running[] = [];

const env = () => ({ RELAIS_SMTP: 'on', RELAIS_SMTP_PORT: '0', RELAIS_SMTP_RELAY: relay.url });
const start = async (extra: Record<string, string> = {}) => {
  const relais = await startRunningRelais(store, {
    clock: { now: () => NIGHT },
    env: { ...env(), ...extra },
  });
  running.push(relais);
  return { relais, smtpPort: (await relais.ready).smtpPort as number };
};
const stopAll = async () => {
  for (const relais of running.splice(0)) await relais.close();
};

const mailTo = (smtpPort: number, mail: SendMailOptions) =>
  nodemailer
    .createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true })
    .sendMail({ to: MAILBOX, ...mail });

const conversationOf = (address: string) =>
  eventually(`the conversation of ${address}`, async () => {
    const row = await store.db
      .selectFrom('conversations')
      .innerJoin('customer_identities', 'customer_identities.customer_id', 'conversations.customer_id')
      .select('conversations.id')
      .where('customer_identities.value', '=', address)
      .executeTakeFirst();
    return row?.id;
  });

const outbound = (conversationId: string) =>
  store.db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('direction', '=', 'outbound')
    .execute();

/** Waits until `count` syncs (of any processes) have recorded that the conversation waits for an opening. */
const waitsRecorded = (conversationId: string, count: number) =>
  eventually(`${count} wait decisions`, async () => {
    const rows = await store.db
      .selectFrom('routing_decisions')
      .select('id')
      .where('conversation_id', '=', conversationId)
      .where('reason_code', '=', 'no_site_open')
      .execute();
    return rows.length >= count ? rows.length : undefined;
  });

const mailsTo = (address: string) =>
  relay.received.filter((m) => JSON.stringify(m.to).includes(`"address":"${address}"`));

beforeAll(async () => {
  store = await freshStore();
  const fixture = await createFixture(store.db);
  // A quiet floor: only the contacts of this test wait.
  await store.db
    .updateTable('conversations')
    .set({ status: 'closed' })
    .where('status', '=', 'open')
    .execute();
  for (const [channel, address] of [
    ['email', MAILBOX],
    ['sms', SHORT_CODE],
  ] as const)
    await createEndpoint(
      store.db,
      { actor: SYSTEM_ACTOR, now: new Date() },
      { subsidiaryId: fixture.subsidiaries.fr.id, channel, address, name: channel },
    );
  relay = await captureRelay();
  smsc = await startSmsc();
});
afterAll(async () => {
  await stopAll();
  await smsc?.close();
  await relay?.close();
  await store?.close();
});

describe('the customer is told when a closed team opens', () => {
  it('answers a mail at night once, in French, naming the opening — with two processes, after a reply and a restart', async () => {
    // Two Relais processes on one store, each with its own assignment service.
    const a = await start();
    await start();
    await mailTo(a.smtpPort, {
      from: 'Léa Moreau <lea@client.example>',
      subject: 'Plus de connexion',
      text: 'Bonjour, je n’ai plus de connexion internet depuis ce soir. Pouvez-vous regarder ce qui se passe ?',
    });
    const id = await conversationOf('lea@client.example');

    const notice = await eventually('the notice at the relay', () => mailsTo('lea@client.example')[0]);
    expect(notice.subject).toBe('Re: Plus de connexion');
    expect(notice.text).toContain('Notre service client est fermé pour le moment.');
    expect(notice.text).toContain(OPENING);
    // Stored as Relais's own message, not an agent's, and not the first response the SLA waits for.
    const [message, ...more] = await outbound(id);
    expect(more).toEqual([]);
    expect(message).toMatchObject({ author_kind: 'system', author_id: null, language: 'fr' });
    await eventually('the notice sent', async () =>
      (await outbound(id))[0]?.delivery_status === 'sent' ? true : undefined,
    );
    const conversation = await store.db
      .selectFrom('conversations')
      .select(['status', 'first_responded_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(conversation).toEqual({ status: 'open', first_responded_at: null });

    // Both processes' services saw it wait for the opening.
    await waitsRecorded(id, 2);
    // Léa answers the notice: her mail joins the conversation, and no second notice goes out.
    await mailTo(a.smtpPort, {
      from: 'Léa Moreau <lea@client.example>',
      subject: 'Re: Plus de connexion',
      inReplyTo: notice.messageId,
      references: notice.messageId,
      text: 'Merci, j’attendrai lundi matin alors.',
    });
    await eventually('her reply stored', async () => {
      const rows = await store.db
        .selectFrom('messages')
        .select('id')
        .where('conversation_id', '=', id)
        .where('direction', '=', 'inbound')
        .execute();
      return rows.length === 2 ? true : undefined;
    });
    // Another customer writes after her; once both services have handled his mail, they have
    // finished with hers.
    await mailTo(a.smtpPort, {
      from: 'Marc Roux <marc@client.example>',
      subject: 'Facture de novembre',
      text: 'Bonsoir, ma facture de novembre est deux fois plus élevée que d’habitude, pourquoi ?',
    });
    const other = await conversationOf('marc@client.example');
    await waitsRecorded(other, 2);
    await eventually('his notice at the relay', () => mailsTo('marc@client.example')[0]);

    // A restart: a new process rebuilds its router and records the waits again.
    await stopAll();
    await start();
    await waitsRecorded(id, 3);
    await waitsRecorded(other, 3);

    expect(await outbound(id)).toHaveLength(1);
    expect(await outbound(other)).toHaveLength(1);
    expect(mailsTo('lea@client.example')).toHaveLength(1);
    expect(mailsTo('marc@client.example')).toHaveLength(1);
    const notices = await store.db.selectFrom('closed_notices').selectAll().orderBy('created_at').execute();
    expect(notices).toEqual([
      expect.objectContaining({ conversation_id: id, message_id: message?.id, language: 'fr' }),
      expect.objectContaining({ conversation_id: other, language: 'fr' }),
    ]);
  });

  it('answers an SMS at night once, by SMS', async () => {
    await stopAll();
    await start({ RELAIS_SMPP_URL: `smpp://relais:s3cret@127.0.0.1:${smsc.port}` });
    await sentToSmsc(smsc, (p) => p.command === 'bind_transceiver');
    const response = await deliver(smsc.session(), {
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: '33611223344',
      destination_addr: SHORT_CODE,
      data_coding: 0,
      short_message: Buffer.from(
        'Bonjour, ma ligne est coupee depuis ce soir, pouvez-vous verifier ?',
        'latin1',
      ),
    });
    expect(response.command_status).toBe(0);
    const id = await conversationOf('+33611223344');
    await eventually('the notice sent', async () =>
      (await outbound(id))[0]?.delivery_status === 'sent' ? true : undefined,
    );
    const [message, ...more] = await outbound(id);
    expect(more).toEqual([]);
    expect(message?.text).toContain(OPENING);
    expect(message?.author_kind).toBe('system');
    const submits = smsc.received.filter((p) => p.command === 'submit_sm');
    expect(submits.length).toBeGreaterThan(0);
    expect(submits.every((p) => p.destination_addr === '33611223344')).toBe(true);
  });
});
