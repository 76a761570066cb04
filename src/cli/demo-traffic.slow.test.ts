import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/relais.js', import.meta.url).pathname;

/** `relais serve` as `npm start` runs it, in memory: the demo world comes to life on its own. */
describe('relais serve with the demo world', () => {
  it('brings new conversations without anyone doing anything, and stops cleanly', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const base = `http://127.0.0.1:${port}`;
    const { DATABASE_URL: _db, NATS_URL: _nats, ...env } = process.env;
    const server = spawn(
      process.execPath,
      [BIN, 'serve', '--memory', '--port', String(port), '--host', '127.0.0.1'],
      // A busy hour's worth, so that a short test sees it at any time of day.
      { env: { ...env, LOG_LEVEL: 'info', RELAIS_SMTP: 'off', RELAIS_DEMO_TRAFFIC_PER_MINUTE: '120' } },
    );
    let output = '';
    server.stdout.on('data', (d) => {
      output += d;
    });
    server.stderr.on('data', (d) => {
      output += d;
    });
    const stopped = new Promise<number | null>((resolve) => server.on('close', resolve));
    try {
      const deadline = Date.now() + 240_000;
      while (Date.now() < deadline) {
        const ready = await fetch(`${base}/readyz`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ready) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(output).toContain('demo traffic on');
      const since = new Date().toISOString();
      const login = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@relais.example', password: 'relais-demo' }),
      });
      expect(login.status).toBe(200);
      const cookie = login.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const fresh = async () => {
        const found: Array<{ createdAt: string; channel: string }> = [];
        let cursor: string | null = null;
        do {
          const page = (await (
            await fetch(`${base}/api/conversations?limit=200${cursor ? `&cursor=${cursor}` : ''}`, {
              headers: { cookie },
            })
          ).json()) as { items: Array<{ createdAt: string; channel: string }>; nextCursor: string | null };
          found.push(...page.items.filter((c) => c.createdAt > since));
          cursor = page.nextCursor;
        } while (cursor);
        return found;
      };
      let arrived = await fresh();
      for (let i = 0; i < 60 && arrived.length < 3; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        arrived = await fresh();
      }
      expect(arrived.length).toBeGreaterThanOrEqual(3);
    } finally {
      server.kill('SIGTERM');
    }
    expect(await stopped).toBe(0);
  }, 330_000);
});
