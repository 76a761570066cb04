import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/index.ts';
import { messengerEntry, signed, webhook } from '../testing/index.ts';

/**
 * Nothing acknowledged is lost: kill the server (SIGKILL) in the middle of a burst of
 * mail and Meta webhooks, start it again, resend what was not acknowledged — and what was, as a sender
 * that missed our answer would: every mail is stored exactly once.
 */
const BIN = new URL('../../bin/relais.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'relais-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(httpPort: number, smtpPort: number): { child: ChildProcess; exited: Promise<number | null> } {
  const { DATABASE_URL: _d, NATS_URL: _n, ...env } = process.env;
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--data-dir', dir, '--port', String(httpPort), '--host', '127.0.0.1'],
    {
      env: {
        ...env,
        LOG_LEVEL: 'warn',
        RELAIS_SMTP_PORT: String(smtpPort),
        RELAIS_META_APP_SECRET: APP_SECRET,
      },
      stdio: 'ignore',
    },
  );
  return { child, exited: new Promise((resolve) => child.on('exit', resolve)) };
}

async function ready(httpPort: number): Promise<void> {
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    if (
      await fetch(`http://127.0.0.1:${httpPort}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('not ready');
}

const APP_SECRET = 'crash-test-app-secret';
const PAGE = '104500000000777';

/** A Messenger message as Meta posts it, signed; true when Relais answered 200. */
const post = (httpPort: number, n: number) => {
  const request = signed(
    webhook('page', [messengerEntry(PAGE, `psid-${n}`, `m_burst_${n}`, `Rafale ${n}`)]),
    APP_SECRET,
  );
  return fetch(`http://127.0.0.1:${httpPort}/webhooks/meta`, {
    method: 'POST',
    headers: request.headers,
    body: request.payload,
    signal: AbortSignal.timeout(10_000),
  }).then(
    (r) => r.status === 200,
    () => false,
  );
};

async function signIn(httpPort: number): Promise<{ cookie: string; csrf: string }> {
  const login = await fetch(`http://127.0.0.1:${httpPort}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin.fr@relais.example', password: 'relais-demo' }),
  });
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, csrf: ((await login.json()) as { csrfToken: string }).csrfToken };
}

/** The demo world has no Facebook Page: the French subsidiary's administrator adds one. */
async function addPage(httpPort: number): Promise<void> {
  const { cookie, csrf } = await signIn(httpPort);
  const subsidiaries = (await (
    await fetch(`http://127.0.0.1:${httpPort}/api/subsidiaries?q=FR`, { headers: { cookie } })
  ).json()) as { items: Array<{ id: string; code: string }> };
  const fr = subsidiaries.items.find((s) => s.code === 'FR');
  const created = await fetch(`http://127.0.0.1:${httpPort}/api/endpoints`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ subsidiaryId: fr?.id, channel: 'social', address: PAGE, name: 'Page Facebook' }),
  });
  expect(created.status, await created.text()).toBe(201);
}

const send = (smtpPort: number, n: number) =>
  nodemailer
    .createTransport({
      host: '127.0.0.1',
      port: smtpPort,
      secure: false,
      ignoreTLS: true,
      connectionTimeout: 5_000,
    })
    .sendMail({
      from: `burst${n % 7}@client.example`,
      to: 'service.fr@relais.example',
      subject: `Rafale ${n}`,
      text: `Message ${n} de la rafale.`,
      messageId: `<burst.${n}@client.example>`,
    })
    .then(
      (info) => /^250/.test(info.response),
      () => false,
    );

describe('a crash in the middle of a burst of mail and webhooks', () => {
  it('loses nothing acknowledged and stores nothing twice', async () => {
    const httpPort = 30_000 + Math.floor(Math.random() * 10_000);
    const smtpPort = httpPort + 1;
    const first = start(httpPort, smtpPort);
    await ready(httpPort);
    await addPage(httpPort);

    const total = 80;
    const acknowledged = new Set<number>();
    const posted = new Set<number>();
    const burst = Array.from({ length: total }, (_, n) => [
      send(smtpPort, n).then((ok) => {
        if (ok) acknowledged.add(n);
      }),
      post(httpPort, n).then((ok) => {
        if (ok) posted.add(n);
      }),
    ]).flat();
    // Kill it once some mail and webhooks are in, while the rest is still arriving.
    const until = Date.now() + 30_000;
    while ((acknowledged.size < 10 || posted.size < 5) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 5));
    first.child.kill('SIGKILL');
    await Promise.all(burst);
    await first.exited;
    expect(acknowledged.size).toBeGreaterThan(0);
    expect(acknowledged.size).toBeLessThan(total);
    expect(posted.size).toBeGreaterThan(0);
    expect(posted.size).toBeLessThan(total);

    const second = start(httpPort, smtpPort);
    try {
      await ready(httpPort);
      // Senders retry what we did not acknowledge; some also resend what we did.
      for (let n = 0; n < total; n++) {
        if (!acknowledged.has(n) || n % 5 === 0) expect(await send(smtpPort, n), `mail ${n}`).toBe(true);
        // Meta retries what we did not answer with 200, and sometimes what we did.
        if (!posted.has(n) || n % 5 === 0) expect(await post(httpPort, n), `webhook ${n}`).toBe(true);
      }
      const login = await fetch(`http://127.0.0.1:${httpPort}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin.fr@relais.example', password: 'relais-demo' }),
      });
      const cookie = login.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const subjects: string[] = [];
      let cursor: string | null = null;
      do {
        const page = (await (
          await fetch(
            `http://127.0.0.1:${httpPort}/api/conversations?channel=email&q=rafale&limit=200${cursor ? `&cursor=${cursor}` : ''}`,
            { headers: { cookie } },
          )
        ).json()) as { items: Array<{ id: string; subject: string }>; nextCursor: string | null };
        subjects.push(...page.items.map((c) => c.subject));
        cursor = page.nextCursor;
      } while (cursor);
      // One conversation per mail (each has its own subject), none missing, none twice.
      expect(subjects.sort()).toEqual(Array.from({ length: total }, (_, n) => `Rafale ${n}`).sort());
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
    // Every webhook message once: read the stopped server's store.
    const store = await openStore({ kind: 'embedded', dataDir: join(dir, 'store') });
    try {
      const rows = await store.db
        .selectFrom('messages')
        .select('external_id')
        .where('channel', '=', 'social')
        .where('external_id', 'like', 'm_burst_%')
        .execute();
      expect(rows.map((r) => r.external_id).sort()).toEqual(
        Array.from({ length: total }, (_, n) => `m_burst_${n}`).sort(),
      );
    } finally {
      await store.close();
    }
  });
});
