import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ChatClient, onPostgres, startChatServer } from '../testing/index.ts';

// A Monday, 11:00 in Paris.
const NOW = new Date('2026-11-23T10:00:00Z');

const WebSocket = createRequire(import.meta.url)('ws') as new (
  url: string,
  options?: { headers?: Record<string, string> },
) => { on(event: 'error', listener: (error: Error) => void): void };

/**
 * A client that asks for a WebSocket and then keeps its connection, as a proxy in front of
 * Relais does: the status line it gets, and a promise of the server closing the connection.
 */
async function rawUpgrade(url: string, path: string, headers: Record<string, string> = {}) {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect(Number(port), hostname);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`,
  );
  const head = await new Promise<string>((resolve) => socket.once('data', (d) => resolve(d.toString())));
  return { status: Number(head.split(' ')[1]), closed };
}

describe(`refused WebSocket upgrades (${onPostgres() ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('close the connection, and the server still stops', async () => {
    const server = await startChatServer(NOW);
    try {
      const base = server.url.replace(/^http/, 'ws');
      // The `ws` client: refused before the upgrade, it sees the status.
      const refused = await new Promise<string>((resolve) => {
        new WebSocket(`${base}/api/agents/me/socket`).on('error', (e) => resolve(e.message));
      });
      expect(refused).toContain('401');

      // Clients that keep their end open: each refusal still ends the connection.
      const stranger = await rawUpgrade(server.url, '/api/agents/me/socket');
      expect(stranger.status).toBe(401);
      await stranger.closed;
      const badKey = await rawUpgrade(server.url, '/api/agents/me/socket', {
        Authorization: 'Bearer rk_not_a_key',
      });
      expect(badKey.status).toBe(401);
      await badKey.closed;
      const nowhere = await rawUpgrade(server.url, '/nowhere/socket');
      expect(nowhere.status).toBe(404);
      await nowhere.closed;

      // The widget's socket with an unknown key: refused after the upgrade, with 4400.
      const widget = await ChatClient.connect(server.socketUrl);
      widget.send({ type: 'hello', key: 'no-such-widget' });
      expect((await widget.next('error')).code).toBe('unknown_key');
      expect(await widget.closed()).toBe(4400);

      // A proxy's connection left open after a refusal still lets the server stop.
      await rawUpgrade(server.url, '/api/agents/me/socket');
    } finally {
      await server.close();
    }
  });
});
