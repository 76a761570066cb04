import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/relais.js', import.meta.url).pathname;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'relais-cli-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

// The child gets only what a user's shell would give it, plus what the test sets.
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { DATABASE_URL: _db, NATS_URL: _nats, ...rest } = process.env;
  return { ...rest, LOG_LEVEL: 'info', RELAIS_SMTP_PORT: '0', ...extra };
}

function run(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the relais command', () => {
  it('explains itself: --help on the command and on every subcommand', async () => {
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    for (const name of ['serve', 'migrate', 'demo', 'init']) {
      expect(top.stdout).toContain(name);
      const sub = await run([name, '--help']);
      expect(sub.code).toBe(0);
      expect(sub.stdout).toContain(`Usage: relais ${name}`);
    }
  });

  it('refuses wrong usage with exit code 2 and says why', async () => {
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const option = await run(['migrate', '--frob']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('--frob');
    const unconfirmed = await run(['demo', '--memory']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('--yes');
  });

  it('stops on a wrong configuration with exit code 3, listing every problem', async () => {
    const result = await run(['migrate'], {
      PORT: 'eighty',
      DATABASE_URL: 'mysql://nowhere',
      LOG_LEVEL: 'loud',
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).toContain('DATABASE_URL: must be a postgres:// URL');
    expect(result.stderr).toContain('LOG_LEVEL');
  });

  it('migrates a store and lists the migrations', async () => {
    const dir = tempDir();
    const first = await run(['migrate', '--data-dir', dir]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/0001 core\s+applied now/);
    const second = await run(['migrate', '--data-dir', dir]);
    expect(second.stdout).toMatch(/0001 core\s+already applied/);
  });
});

async function waitFor(url: string, child: ChildProcess, timeoutMs: number): Promise<Response> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`relais exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return res;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

function serve(dir: string, port: number) {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--data-dir', dir, '--port', String(port), '--host', '127.0.0.1'],
    {
      env: cleanEnv({}),
    },
  );
  let stdout = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stdout += d;
  });
  const stopped = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, output: () => stdout, stopped };
}

async function signIn(base: string, email: string) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'relais-demo' }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, csrf: csrfToken };
}

describe('relais init, for a store without the demo', () => {
  it('creates the group and its administrator once, who can then sign in', async () => {
    const dir = tempDir();
    const bad = await run(['init', '--data-dir', dir, '--group', 'Acme', '--email', 'not-an-email'], {
      RELAIS_INIT_PASSWORD: 'long-enough-secret',
    });
    expect(bad.code).toBe(5);
    expect(bad.stderr).toContain('email: must be an email address');
    const env = { RELAIS_INIT_PASSWORD: 'long-enough-secret' };
    const first = await run(
      ['init', '--data-dir', dir, '--group', 'Acme Telecom', '--email', 'Boss@Acme.example'],
      env,
    );
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('group "Acme Telecom" created');
    const again = await run(
      ['init', '--data-dir', dir, '--group', 'Other', '--email', 'x@acme.example'],
      env,
    );
    expect(again.code).toBe(6);
    expect(again.stderr).toContain('already holds the group "Acme Telecom"');

    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const base = `http://127.0.0.1:${port}`;
    const server = spawn(
      process.execPath,
      [BIN, 'serve', '--data-dir', dir, '--port', String(port), '--host', '127.0.0.1', '--demo', 'off'],
      { env: cleanEnv({}) },
    );
    const stopped = new Promise<number | null>((resolve) => server.on('close', resolve));
    await waitFor(`${base}/readyz`, server, 60_000);
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'boss@acme.example', password: 'long-enough-secret' }),
    });
    expect(login.status).toBe(200);
    expect(((await login.json()) as { user: { scope: { kind: string } } }).user.scope.kind).toBe('group');
    server.kill('SIGTERM');
    expect(await stopped).toBe(0);
  });
});

describe('relais serve on a store it must not touch', () => {
  it('stops with exit code 4 when an applied migration was edited, and says which', async () => {
    const dir = tempDir();
    expect((await run(['migrate', '--data-dir', dir])).code).toBe(0);
    const { PGlite } = await import('@electric-sql/pglite');
    const pglite = await PGlite.create(join(dir, 'store'));
    await pglite.query(`update schema_migrations set checksum = 'edited' where version = 1`);
    await pglite.close();
    const result = await run(['serve', '--data-dir', dir, '--port', '0', '--host', '127.0.0.1']);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('migration 1 (core) was changed after it was applied');
  });
});

describe('relais serve, as a new user starts it', () => {
  it('creates the demo world on first start, keeps data across a restart, and stops cleanly', async () => {
    const dir = tempDir();
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const base = `http://127.0.0.1:${port}`;

    const first = serve(dir, port);
    await waitFor(`${base}/healthz`, first.child, 60_000);
    await waitFor(`${base}/readyz`, first.child, 180_000);
    await waitFor(`${base}/docs/`, first.child, 5_000);
    expect(first.output()).toContain('admin@relais.example');

    const admin = await signIn(base, 'admin.fr@relais.example');
    const subsidiaries = (await (
      await fetch(`${base}/api/subsidiaries`, { headers: { cookie: admin.cookie } })
    ).json()) as {
      items: Array<{ id: string; code: string }>;
    };
    expect(subsidiaries.items.map((s) => s.code)).toEqual(['FR']);
    const created = await fetch(`${base}/api/customers`, {
      method: 'POST',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({
        subsidiaryId: subsidiaries.items[0]?.id,
        displayName: 'Restart Témoin',
        identities: [{ kind: 'email', value: 'temoin@restart.example' }],
      }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    // A mail to the French subsidiary's demo mailbox becomes a conversation.
    const smtpPort = Number(/"port":(\d+),"msg":"accepting mail over SMTP"/.exec(first.output())?.[1]);
    expect(smtpPort).toBeGreaterThan(0);
    const sent = await nodemailer
      .createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true })
      .sendMail({
        from: 'lea@client.example',
        to: 'service.fr@relais.example',
        subject: 'Démo SMTP',
        text: 'Bonjour !',
      });
    expect(sent.response).toMatch(/^250/);
    const mailed = (await (
      await fetch(`${base}/api/conversations?q=${encodeURIComponent('démo smtp')}`, {
        headers: { cookie: admin.cookie },
      })
    ).json()) as { items: Array<{ channel: string }> };
    expect(mailed.items.map((c) => c.channel)).toEqual(['email']);

    first.child.kill('SIGTERM');
    expect(await first.stopped).toBe(0);

    const second = serve(dir, port);
    await waitFor(`${base}/readyz`, second.child, 60_000);
    const again = await signIn(base, 'admin.fr@relais.example');
    const found = await fetch(`${base}/api/customers/${id}`, { headers: { cookie: again.cookie } });
    expect(found.status).toBe(200);
    expect(((await found.json()) as { displayName: string }).displayName).toBe('Restart Témoin');
    second.child.kill('SIGTERM');
    expect(await second.stopped).toBe(0);

    // relais demo --yes erases the store and creates the demo world again.
    const demo = await run(['demo', '--yes', '--data-dir', dir]);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('10000 customers');
    const third = serve(dir, port);
    await waitFor(`${base}/readyz`, third.child, 60_000);
    const last = await signIn(base, 'admin.fr@relais.example');
    expect((await fetch(`${base}/api/customers/${id}`, { headers: { cookie: last.cookie } })).status).toBe(
      404,
    );
    third.child.kill('SIGTERM');
    expect(await third.stopped).toBe(0);
  });
});
