import { execFile, spawnSync } from 'node:child_process';
import Encoding from 'encoding-japanese';
import iconv from 'iconv-lite';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileStore } from '../../store/index.ts';
import { type Fixture, type MailIntake, startMailIntake, TEST_MAILBOX } from '../../testing/index.ts';
import { parseEmail } from './parse.ts';

let store: MailIntake['store'];
let fixture: Fixture;
let smtp: { port: number };
let files: FileStore;
const MAILBOX = TEST_MAILBOX;
// swaks is a Debian package; CI installs it, a developer's machine may not have it.
const hasSwaks = spawnSync('swaks', ['--version']).status === 0;

const run = (command: string, args: string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(command, args, { encoding: 'utf8' }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });

let intake: MailIntake;
beforeAll(async () => {
  intake = await startMailIntake(200_000);
  ({ store, fixture, files } = intake);
  smtp = { port: intake.port };
});

afterAll(async () => {
  await intake?.close();
});

const transport = () =>
  nodemailer.createTransport({
    host: '127.0.0.1',
    port: smtp.port,
    secure: false,
    ignoreTLS: true,
    tls: { rejectUnauthorized: false },
  });

async function messagesFrom(address: string) {
  return store.db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .innerJoin('customer_identities', 'customer_identities.customer_id', 'conversations.customer_id')
    .select([
      'messages.id',
      'messages.text',
      'messages.conversation_id',
      'messages.external_id',
      'messages.attachments',
      'conversations.subject',
    ])
    .where('customer_identities.value', '=', address)
    .orderBy('messages.id')
    .execute();
}

describe('mail over SMTP', () => {
  it('refuses an unknown recipient at RCPT TO and stores nothing', async () => {
    const before = await store.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const error = await transport()
      .sendMail({ from: 'a@client.example', to: 'nobody@fr.test.example', subject: 'x', text: 'x' })
      .catch((e: unknown) => e);
    expect((error as { responseCode?: number }).responseCode).toBe(550);
    const after = await store.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('threads a three-message exchange into one conversation, and stores a redelivery once', async () => {
    const from = '"Jeanne Leroy" <jeanne.leroy@client.example>';
    const first = await transport().sendMail({
      from,
      to: MAILBOX,
      subject: 'Coupure internet',
      text: 'Bonjour, plus d’internet depuis hier soir.',
      messageId: '<first.jeanne@client.example>',
    });
    expect(first.response).toMatch(/^250/);
    // A reply that names the first one in In-Reply-To.
    await transport().sendMail({
      from,
      to: MAILBOX,
      subject: 'RE: Coupure internet',
      text: 'Toujours rien ce matin.',
      inReplyTo: '<first.jeanne@client.example>',
      references: ['<first.jeanne@client.example>'],
      messageId: '<second.jeanne@client.example>',
    });
    // A third from a mail program that keeps no headers: the subject finds the thread.
    await transport().sendMail({
      from,
      to: MAILBOX,
      subject: 'TR: RE: Coupure internet',
      text: 'Je vous transfère la facture.',
      messageId: '<third.jeanne@client.example>',
    });
    // The sending server did not see our 250 and sends the first one again.
    await transport().sendMail({
      from,
      to: MAILBOX,
      subject: 'Coupure internet',
      text: 'Bonjour, plus d’internet depuis hier soir.',
      messageId: '<first.jeanne@client.example>',
    });
    const messages = await messagesFrom('jeanne.leroy@client.example');
    expect(messages.map((m) => m.external_id)).toEqual([
      '<first.jeanne@client.example>',
      '<second.jeanne@client.example>',
      '<third.jeanne@client.example>',
    ]);
    expect(new Set(messages.map((m) => m.conversation_id)).size).toBe(1);
    expect(messages[0]?.subject).toBe('Coupure internet');
    const customer = await store.db
      .selectFrom('customers')
      .innerJoin('customer_identities', 'customer_identities.customer_id', 'customers.id')
      .select(['customers.display_name', 'customers.subsidiary_id'])
      .where('customer_identities.value', '=', 'jeanne.leroy@client.example')
      .executeTakeFirstOrThrow();
    expect(customer).toEqual({ display_name: 'Jeanne Leroy', subsidiary_id: fixture.subsidiaries.fr.id });
  });

  it('reads Arabic in Windows-1256 and Japanese in ISO-2022-JP', async () => {
    const arabic = 'مرحبا، فاتورتي غير صحيحة هذا الشهر';
    const japanese = 'こんにちは、請求書が間違っています。';
    const raw = (from: string, charset: string, subject: string, body: Buffer) =>
      Buffer.concat([
        Buffer.from(
          `From: ${from}\r\nTo: ${MAILBOX}\r\nSubject: ${subject}\r\nMessage-ID: <${charset}@client.example>\r\n` +
            `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=${charset}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`,
        ),
        body,
        Buffer.from('\r\n'),
      ]);
    await transport().sendMail({
      envelope: { from: 'karim@client.example', to: [MAILBOX] },
      raw: raw('karim@client.example', 'windows-1256', 'Facture', iconv.encode(arabic, 'windows-1256')),
    });
    await transport().sendMail({
      envelope: { from: 'yuki@client.example', to: [MAILBOX] },
      raw: raw(
        'yuki@client.example',
        'iso-2022-jp',
        'Invoice',
        Buffer.from(Encoding.convert(Encoding.stringToCode(japanese), { to: 'JIS', from: 'UNICODE' })),
      ),
    });
    expect((await messagesFrom('karim@client.example'))[0]?.text).toBe(arabic);
    expect((await messagesFrom('yuki@client.example'))[0]?.text).toBe(japanese);
    // Each detected, on the message, the conversation and the new customer.
    for (const [address, tag] of [
      ['karim@client.example', 'ar'],
      ['yuki@client.example', 'ja'],
      ['jeanne.leroy@client.example', 'fr'],
    ] as const) {
      const row = await store.db
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .innerJoin('customers', 'customers.id', 'conversations.customer_id')
        .innerJoin('customer_identities', 'customer_identities.customer_id', 'customers.id')
        .select([
          'messages.language as message',
          'conversations.language as conversation',
          'customers.language as customer',
        ])
        .where('customer_identities.value', '=', address)
        .executeTakeFirstOrThrow();
      expect(row, address).toEqual({ message: tag, conversation: tag, customer: tag });
    }
  });

  it('keeps attachments intact, by content', async () => {
    const pdf = Buffer.from(`%PDF-1.4\n${'x'.repeat(5000)}\n%%EOF`);
    await transport().sendMail({
      from: 'paul@client.example',
      to: MAILBOX,
      subject: 'Ma facture',
      text: 'Ci-joint.',
      attachments: [{ filename: 'facture.pdf', content: pdf, contentType: 'application/pdf' }],
    });
    const [message] = await messagesFrom('paul@client.example');
    const [attachment] = message?.attachments ?? [];
    expect(attachment).toMatchObject({
      filename: 'facture.pdf',
      mediaType: 'application/pdf',
      size: pdf.length,
    });
    expect((await files.get(attachment?.sha256 ?? ''))?.equals(pdf)).toBe(true);
  });

  it('keeps the inline images of an HTML mail, each marked with the Content-ID its HTML names', async () => {
    // PNG bytes: a signature and chunk-like noise, every byte value included.
    const logo = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256)),
    ]);
    const photo = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 13 + 5) % 256));
    const pdf = Buffer.from(`%PDF-1.4\n${'z'.repeat(800)}\n%%EOF`);
    await transport().sendMail({
      from: 'amina@client.example',
      to: MAILBOX,
      subject: 'Photo du compteur',
      text: 'Voici la photo du compteur.',
      html:
        '<p>Voici la photo du compteur :</p><img src="cid:photo.1@client.example">' +
        '<p>Notre logo <img src="cid:logo@client.example" alt="logo"></p>',
      attachments: [
        { filename: 'logo.png', content: logo, contentType: 'image/png', cid: 'logo@client.example' },
        // No name: nodemailer gives it one, as mail programs do.
        { content: photo, contentType: 'image/jpeg', cid: 'photo.1@client.example' },
        { filename: 'contrat.pdf', content: pdf, contentType: 'application/pdf' },
      ],
    });
    const [message] = await messagesFrom('amina@client.example');
    expect(message?.text).toBe('Voici la photo du compteur.');
    const byName = Object.fromEntries((message?.attachments ?? []).map((a) => [a.filename, a]));
    expect(byName).toEqual({
      'logo.png': expect.objectContaining({
        mediaType: 'image/png',
        size: logo.length,
        inline: true,
        contentId: 'logo@client.example',
      }),
      'attachment-2.jpeg': expect.objectContaining({
        mediaType: 'image/jpeg',
        size: photo.length,
        inline: true,
        contentId: 'photo.1@client.example',
      }),
      'contrat.pdf': expect.objectContaining({ mediaType: 'application/pdf', size: pdf.length }),
    });
    expect(byName['contrat.pdf']?.inline).toBeUndefined();
    expect((await files.get(byName['logo.png']?.sha256 ?? ''))?.equals(logo)).toBe(true);
    expect((await files.get(byName['attachment-2.jpeg']?.sha256 ?? ''))?.equals(photo)).toBe(true);
    // The HTML, kept in the original, names each inline image by the Content-ID stored with it.
    const kept = await store.db
      .selectFrom('messages')
      .select(['raw', 'raw_media_type'])
      .where('id', '=', message?.id ?? '')
      .executeTakeFirstOrThrow();
    expect(kept.raw_media_type).toBe('message/rfc822');
    const html = (await parseEmail(Buffer.from(kept.raw ?? ''))).html ?? '';
    const referenced = [...html.matchAll(/src="cid:([^"]+)"/g)].map((m) => m[1]);
    expect(referenced).toEqual(['photo.1@client.example', 'logo@client.example']);
    for (const contentId of referenced)
      expect(message?.attachments.some((a) => a.inline && a.contentId === contentId)).toBe(true);
  });

  it('answers 552 to a mail over the size limit and stores nothing of it', async () => {
    const error = await transport()
      .sendMail({ from: 'big@client.example', to: MAILBOX, subject: 'big', text: 'y'.repeat(300_000) })
      .catch((e: unknown) => e);
    expect((error as { responseCode?: number }).responseCode).toBe(552);
    expect(await messagesFrom('big@client.example')).toEqual([]);
  });

  it('records an out-of-office reply without reopening the resolved conversation', async () => {
    const [first] = await messagesFrom('jeanne.leroy@client.example');
    await store.db
      .updateTable('conversations')
      .set({ status: 'resolved' })
      .where('id', '=', first?.conversation_id ?? '')
      .execute();
    await transport().sendMail({
      from: 'jeanne.leroy@client.example',
      to: MAILBOX,
      subject: 'Réponse automatique : Coupure internet',
      text: 'Je suis absente jusqu’au 3 janvier.',
      inReplyTo: '<third.jeanne@client.example>',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    const conversation = await store.db
      .selectFrom('conversations')
      .select('status')
      .where('id', '=', first?.conversation_id ?? '')
      .executeTakeFirstOrThrow();
    expect(conversation.status).toBe('resolved');
    expect((await messagesFrom('jeanne.leroy@client.example')).at(-1)?.text).toContain('absente');
  });

  it.runIf(hasSwaks)('takes mail from swaks, a real SMTP client of its own', async () => {
    // Asynchronously: the SMTP server answering swaks runs in this very process.
    const result = await run('swaks', [
      '--server',
      `127.0.0.1:${smtp.port}`,
      '--from',
      'swaks.user@client.example',
      '--to',
      MAILBOX,
      '--header',
      'Subject: Envoyé avec swaks',
      '--body',
      'Bonjour depuis swaks, ma ligne fixe est coupée.',
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    // The answer to the end of DATA, just before QUIT, is 250.
    expect(result.stdout).toMatch(/<- {2}250 [^\n]*\n -> QUIT/);
    const [message] = await messagesFrom('swaks.user@client.example');
    expect(message?.text).toBe('Bonjour depuis swaks, ma ligne fixe est coupée.');
    expect(message?.subject).toBe('Envoyé avec swaks');
  });

  it('refuses a mail without a sender (550), stores nothing of it, and takes the next one on the same connection', async () => {
    const pooled = nodemailer.createTransport({
      host: '127.0.0.1',
      port: smtp.port,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: 1,
    });
    try {
      const bad = await pooled
        .sendMail({
          envelope: { from: 'ghost@client.example', to: [MAILBOX] },
          raw: `To: ${MAILBOX}\r\nSubject: sans expéditeur\r\nMessage-ID: <nofrom@client.example>\r\n\r\nbody\r\n`,
        })
        .catch((e: unknown) => e);
      expect((bad as { responseCode?: number }).responseCode).toBe(550);
      const good = await pooled.sendMail({
        from: 'after.bad@client.example',
        to: MAILBOX,
        subject: 'Après',
        text: 'Je suis là.',
      });
      expect(good.response).toMatch(/^250/);
    } finally {
      pooled.close();
    }
    const stored = await store.db
      .selectFrom('messages')
      .select('id')
      .where('external_id', '=', '<nofrom@client.example>')
      .execute();
    expect(stored).toEqual([]);
    expect((await messagesFrom('after.bad@client.example'))[0]?.text).toBe('Je suis là.');
  });
});
