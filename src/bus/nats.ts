import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { Bus, Handler } from './bus.ts';
import { validated } from './bus.ts';
import type { EventName } from './events.ts';

const STREAM = 'RELAIS';
const SUBJECT = 'relais';
// JetStream drops a second publish with the same message id within this window.
const DUPLICATE_WINDOW_NS = 2 * 60 * 60 * 1e9;
// A new durable consumer starts from the oldest kept event: a week of history at most.
const MAX_AGE_NS = 7 * 24 * 60 * 60 * 1e9;

/**
 * The bus on NATS JetStream: events are kept in the RELAIS stream (subjects
 * `relais.<event name>`), deduplicated by outbox id, and read by durable consumers that
 * acknowledge only after their handler succeeded; a failed handler's event comes back.
 */
export async function connectNatsBus(
  url: string,
  onError: (error: unknown) => void = () => undefined,
): Promise<Bus> {
  const nc = await connect({ servers: url, name: 'relais' });
  const jsm = await jetstreamManager(nc);
  const config = {
    name: STREAM,
    subjects: [`${SUBJECT}.>`],
    duplicate_window: DUPLICATE_WINDOW_NS,
    max_age: MAX_AGE_NS,
  };
  try {
    await jsm.streams.info(STREAM);
    await jsm.streams.update(STREAM, config);
  } catch {
    await jsm.streams.add(config);
  }
  const js = jetstream(nc);
  const stops: Array<() => Promise<void>> = [];

  return {
    kind: 'nats',
    async publish(event) {
      const body = JSON.stringify({ ...event, at: event.at.toISOString() });
      await js.publish(`${SUBJECT}.${event.name}`, body, { msgID: event.id });
    },
    async subscribe(consumer: string, names: EventName[], handler: Handler) {
      const durable = consumer.replace(/[^A-Za-z0-9_-]/g, '_');
      // One subject is filtered by the server; several (needing NATS 2.10 on the server) are
      // filtered here, acknowledging what the subscriber does not want.
      const wanted = new Set<string>(names);
      await jsm.consumers.add(STREAM, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: names.length === 1 ? `${SUBJECT}.${names[0]}` : `${SUBJECT}.>`,
        ack_wait: 30 * 1e9,
        max_deliver: 20,
      });
      const messages = await (await js.consumers.get(STREAM, durable)).consume();
      const done = (async () => {
        for await (const message of messages) {
          const event = validated(message.json());
          if (!event) {
            message.term('does not match its contract');
            continue;
          }
          if (!wanted.has(event.name)) {
            message.ack();
            continue;
          }
          try {
            await handler(event);
            message.ack();
          } catch (error) {
            onError(error);
            message.nak(1_000);
          }
        }
      })();
      const stop = async () => {
        await messages.close();
        await done;
      };
      stops.push(stop);
      return stop;
    },
    async close() {
      for (const stop of stops.splice(0)) await stop();
      await nc.drain();
    },
  };
}
