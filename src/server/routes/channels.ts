import { z } from 'zod';
import {
  createEndpoint,
  Endpoint,
  EndpointCreate,
  EndpointFilter,
  EndpointUpdate,
  getEndpoint,
  ingestVoiceEvent,
  LetterUpload,
  listEndpoints,
  receiveLetter,
  updateEndpoint,
  VoiceEvent,
} from '../../channels/index.ts';
import type { App, ServerDeps } from '../app.ts';
import { contextOf } from '../request.ts';
import { errors, resourceRoutes } from './resource.ts';

export function channelRoutes(app: App, deps: ServerDeps): void {
  resourceRoutes(app, deps, {
    path: '/api/endpoints',
    tag: 'channels',
    noun: 'endpoint',
    read: 'organisation:read',
    write: 'organisation:write',
    item: Endpoint,
    filter: EndpointFilter,
    create: EndpointCreate,
    update: EndpointUpdate,
    list: listEndpoints,
    get: getEndpoint,
    insert: createEndpoint,
    change: updateEndpoint,
  });

  app.post(
    '/api/channels/voice/events',
    {
      config: { permission: 'conversations:write' },
      schema: {
        tags: ['channels'],
        summary:
          'An event from the telephony platform: ringing, answered, ended, missed, voicemail, callback requested',
        description:
          'The first event of a call opens a voice conversation with the caller; the next ones add to it. ' +
          'A missed call, a voicemail or a callback request makes it open work again. The same event of ' +
          'the same call sent twice is stored once (answer 200 with created false).',
        body: VoiceEvent,
        response: { 200: z.object({ conversationId: z.uuid(), created: z.boolean() }), ...errors },
      },
    },
    async (req) => ingestVoiceEvent(deps.db, contextOf(req, deps.clock), req.body),
  );

  app.post(
    '/api/channels/letters',
    {
      // A scan is larger than any other request: up to 20 MiB of file, base64-encoded.
      bodyLimit: 28 * 1024 * 1024,
      config: { permission: 'conversations:write' },
      schema: {
        tags: ['channels'],
        summary: 'A scanned letter (PDF or image) with its sender: a conversation of channel mail',
        description: 'The same scan uploaded twice is one letter (200 with created false).',
        body: LetterUpload,
        response: {
          200: z.object({ conversationId: z.uuid(), created: z.boolean() }),
          201: z.object({ conversationId: z.uuid(), created: z.boolean() }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const result = await receiveLetter(deps.db, deps.files, contextOf(req, deps.clock), req.body);
      return reply.code(result.created ? 201 : 200).send(result);
    },
  );
}
