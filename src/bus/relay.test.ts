import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../core/index.ts';
import { openStore, type Store } from '../store/index.ts';
import { freshStore, onPostgres } from '../testing/index.ts';
import { InProcessBus } from './bus.ts';
import type { PublishedEvent } from './events.ts';
import { connectNatsBus } from './nats.ts';
import { recordEvents } from './outbox.ts';
import { relayOutbox } from './relay.ts';

let store: Awaited<ReturnType<typeof freshStore>>;
beforeAll(async () => {
  store = await freshStore();
});
afterAll(async () => {
  await store?.close();
});

const conversationCreated = () => ({
  name: 'conversation.created',
  payload: { conversationId: newId(), subsidiaryId: newId() },
});

async function unpublished(): Promise<number> {
  const rows = await store.db.selectFrom('outbox').select('id').where('published_at', 'is', null).execute();
  return rows.length;
}

describe('the outbox relay', () => {
  it('publishes committed events in order, checked against their contract, once', async () => {
    const bus = new InProcessBus();
    const seen: PublishedEvent[] = [];
    await bus.subscribe('test', ['conversation.created'], async (event) => {
      seen.push(event);
    });
    const events = [
      conversationCreated(),
      conversationCreated(),
      { name: 'conversation.created', payload: { conversationId: 'not-a-uuid' } },
    ];
    await store.db.transaction().execute((trx) => recordEvents(trx, events));
    expect(await relayOutbox(store.db, bus, () => new Date())).toBe(3);
    // The event that breaks its contract never reaches a handler.
    expect(seen.map((e) => e.payload)).toEqual(events.slice(0, 2).map((e) => e.payload));
    expect(seen[0]!.seq).toBeLessThan(seen[1]!.seq);
    expect(await unpublished()).toBe(0);
    expect(await relayOutbox(store.db, bus, () => new Date())).toBe(0);
    expect(seen).toHaveLength(2);
  });

  it('offers an event again when a subscriber failed, once its claim expired', async () => {
    const bus = new InProcessBus();
    let calls = 0;
    await bus.subscribe('flaky', ['conversation.created'], async () => {
      calls += 1;
      if (calls === 1) throw new Error('not now');
    });
    await store.db.transaction().execute((trx) => recordEvents(trx, [conversationCreated()]));
    const t0 = new Date();
    expect(await relayOutbox(store.db, bus, () => t0)).toBe(0);
    expect(await unpublished()).toBe(1);
    // Still claimed: nobody takes it before the claim runs out.
    expect(await relayOutbox(store.db, bus, () => new Date(t0.getTime() + 1_000))).toBe(0);
    expect(calls).toBe(1);
    expect(await relayOutbox(store.db, bus, () => new Date(t0.getTime() + 31_000))).toBe(1);
    expect(calls).toBe(2);
    expect(await unpublished()).toBe(0);
  });

  it.runIf(onPostgres())('shares the work between processes without publishing an event twice', async () => {
    const other: Store = await openStore({ kind: 'postgres', url: store.url ?? '', poolSize: 4 });
    try {
      const bus = new InProcessBus();
      const ids: string[] = [];
      await bus.subscribe('count', ['conversation.created'], async (event) => {
        ids.push(event.id);
      });
      await store.db
        .transaction()
        .execute((trx) => recordEvents(trx, Array.from({ length: 500 }, conversationCreated)));
      const passes = await Promise.all(
        [store.db, other.db, store.db, other.db].map(async (db) => {
          let total = 0;
          for (
            let n = await relayOutbox(db, bus, () => new Date());
            n > 0;
            n = await relayOutbox(db, bus, () => new Date())
          ) {
            total += n;
          }
          return total;
        }),
      );
      expect(passes.reduce((a, b) => a + b, 0)).toBe(500);
      expect(new Set(ids).size).toBe(500);
      expect(ids).toHaveLength(500);
    } finally {
      await other.close();
    }
  });
});

const natsUrl = process.env.NATS_URL;

describe.runIf(Boolean(natsUrl))('the NATS JetStream bus', () => {
  it('delivers events to a durable consumer, keeps one of a repeated id, and redelivers after a failure', async () => {
    const bus = await connectNatsBus(natsUrl ?? '');
    try {
      const consumer = `test_${newId().replace(/-/g, '')}`;
      const received: number[] = [];
      let failOnce = true;
      const base = Date.now() * 1000 + Math.floor(Math.random() * 1000);
      const all = new Promise<void>((resolve) => {
        void bus.subscribe(consumer, ['message.received'], async (event) => {
          if (event.seq < base) return; // history of earlier runs in the shared stream
          if (failOnce) {
            failOnce = false;
            throw new Error('first delivery fails');
          }
          received.push(event.seq);
          if (received.length === 2) resolve();
        });
      });
      const event = (seq: number) => ({
        id: newId(),
        seq,
        name: 'message.received',
        payload: { messageId: newId(), conversationId: newId(), subsidiaryId: newId() },
        at: new Date(),
      });
      const first = event(base);
      await bus.publish(first);
      await bus.publish(first); // the same event again: JetStream keeps one
      await bus.publish(event(base + 1));
      await all;
      await new Promise((r) => setTimeout(r, 300));
      // A failed event comes back after its delay; the next one does not wait for it.
      expect([...received].sort()).toEqual([base, base + 1]);
    } finally {
      await bus.close();
    }
  });
});
