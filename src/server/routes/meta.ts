import { z } from 'zod';
import { ingestMetaWebhook, isSignedByMeta, NotAMetaWebhook, readWebhook } from '../../channels/index.ts';
import { DomainError, invalid } from '../../core/index.ts';
import type { App, ServerDeps } from '../app.ts';
import { problemFor, sendProblem } from '../problem.ts';

/**
 * The body as bytes until its signature is checked. Kept in a private field so the
 * server's generic text checks do not walk it byte by byte.
 */
class RawBody {
  readonly #bytes: Buffer;
  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }
  get bytes(): Buffer {
    return this.#bytes;
  }
}

const Handshake = z.object({
  'hub.mode': z.literal('subscribe'),
  'hub.verify_token': z.string(),
  'hub.challenge': z.string().min(1).max(1000),
});

/**
 * Meta's webhooks for Facebook Pages, Instagram and WhatsApp: the subscription
 * handshake and the signed deliveries. Public routes: Meta proves itself by signing
 * the body with the app secret.
 */
export async function metaRoutes(app: App, deps: ServerDeps): Promise<void> {
  const { config } = deps;
  await app.register(async (scope) => {
    // Only here the body stays raw bytes: the signature is over them, not over parsed JSON.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) =>
      done(null, new RawBody(body as Buffer)),
    );

    scope.get(
      '/webhooks/meta',
      {
        config: { public: true },
        schema: {
          tags: ['channels'],
          summary: "Meta's subscription handshake: echoes hub.challenge when hub.verify_token is ours",
        },
      },
      async (req, reply) => {
        if (!config.RELAIS_META_VERIFY_TOKEN)
          throw new DomainError('not_found', 'Meta webhooks are off: set RELAIS_META_VERIFY_TOKEN');
        const handshake = Handshake.safeParse(req.query);
        if (!handshake.success || handshake.data['hub.verify_token'] !== config.RELAIS_META_VERIFY_TOKEN) {
          throw new DomainError(
            'forbidden',
            'hub.mode must be subscribe and hub.verify_token the configured one',
          );
        }
        return reply.type('text/plain').send(handshake.data['hub.challenge']);
      },
    );

    scope.post(
      '/webhooks/meta',
      {
        config: { public: true },
        bodyLimit: config.RELAIS_META_MAX_BYTES,
        schema: {
          tags: ['channels'],
          summary: 'Webhook deliveries from Meta: Messenger, Page comments, Instagram, WhatsApp',
          description:
            'Signed by Meta (X-Hub-Signature-256, HMAC-SHA256 of the body with the app secret): a wrong or ' +
            'missing signature is refused with 401 before the body is read as JSON. Every message, comment ' +
            'and status of the delivery is stored in one transaction, then 200 answers with what was done. ' +
            'A message stored before (same id) is not stored again; items for a page or number that is not ' +
            'an active endpoint are listed under skipped.',
        },
      },
      async (req, reply) => {
        const secret = config.RELAIS_META_APP_SECRET;
        if (!secret) throw new DomainError('not_found', 'Meta webhooks are off: set RELAIS_META_APP_SECRET');
        if (!deps.isReady())
          return sendProblem(
            reply,
            problemFor('not_ready', 'migrations are not done yet; Meta retries', req),
          );
        const raw = req.body instanceof RawBody ? req.body.bytes : Buffer.alloc(0);
        const signature = req.headers['x-hub-signature-256'];
        if (!isSignedByMeta(raw, typeof signature === 'string' ? signature : undefined, secret)) {
          throw new DomainError(
            'unauthenticated',
            'X-Hub-Signature-256 is missing or is not the HMAC-SHA256 of this body with the app secret',
          );
        }
        let body: unknown;
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          throw new DomainError('malformed_body', 'the body is not JSON', [
            { path: 'body', message: 'is not JSON' },
          ]);
        }
        let read: ReturnType<typeof readWebhook>;
        try {
          read = readWebhook(body);
        } catch (error) {
          if (error instanceof NotAMetaWebhook) throw invalid('body', error.message);
          throw error;
        }
        const intake = await ingestMetaWebhook(
          deps.db,
          read.items,
          read.skipped,
          deps.clock.now(),
          String(req.id),
        );
        const unknown = intake.skipped.filter((s) => s.unknownEndpoint);
        if (unknown.length > 0) {
          req.log.warn(
            { endpoints: [...new Set(unknown.map((s) => s.endpoint))] },
            'Meta webhook for page or number ids that are no active endpoint: skipped (create the endpoint)',
          );
        }
        return {
          stored: intake.stored,
          duplicates: intake.duplicates,
          statuses: intake.statuses,
          skipped: intake.skipped.map(({ endpoint, reason }) => ({ endpoint, reason })),
        };
      },
    );
  });
}
