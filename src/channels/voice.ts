import { z } from 'zod';
import { addMessage, createConversation } from '../conversations/index.ts';
import { type Context, DomainError, Instant, invalid, toE164 } from '../core/index.ts';
import { atomically, type Db, visibleEndpoints } from '../store/index.ts';

/** What the telephony platform tells us about a call. */
export const VoiceEvent = z
  .object({
    event: z.enum(['ringing', 'answered', 'ended', 'missed', 'voicemail', 'callback_requested']),
    callId: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .describe("the platform's id of the call: events of one call share it"),
    from: z.string().trim().min(3).max(40).describe('the caller, any format the subsidiary’s country reads'),
    to: z.string().trim().min(3).max(40).describe('the number called: a voice endpoint'),
    at: Instant,
    durationSeconds: z.number().int().min(0).max(86_400).optional(),
    recordingUrl: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .optional(),
    agentId: z.uuid().optional().describe('the agent who answered, when the platform knows'),
  })
  .strict();
export type VoiceEvent = z.infer<typeof VoiceEvent>;

const SUMMARY: Record<VoiceEvent['event'], (e: VoiceEvent) => string> = {
  ringing: () => 'Incoming call',
  answered: () => 'Call answered',
  ended: (e) => `Call ended${e.durationSeconds !== undefined ? ` after ${e.durationSeconds} s` : ''}`,
  missed: () => 'Missed call',
  voicemail: (e) => `Voicemail${e.recordingUrl ? `: ${e.recordingUrl}` : ''}`,
  callback_requested: () => 'Callback requested',
};

/**
 * Record a call event: the first event of a call opens a voice conversation with the
 * caller (found or created by number), the next ones add to it. A missed call, a
 * voicemail or a callback request reopens it as work to route. The same event of the
 * same call delivered twice is stored once.
 */
export async function ingestVoiceEvent(
  db: Db,
  ctx: Context,
  event: VoiceEvent,
): Promise<{ conversationId: string; created: boolean }> {
  return atomically(db, async (trx) => {
    const candidates = await visibleEndpoints(trx, ctx.actor)
      .innerJoin('subsidiaries', 'subsidiaries.id', 'endpoints.subsidiary_id')
      .select(['endpoints.id', 'endpoints.subsidiary_id', 'endpoints.address', 'subsidiaries.country'])
      .where('endpoints.channel', '=', 'voice')
      .where('endpoints.active', '=', true)
      .execute();
    const endpoint = candidates.find((e) => e.address === toE164(event.to, e.country));
    if (!endpoint) throw invalid('to', 'is not a voice endpoint you can reach');
    const caller = toE164(event.from, endpoint.country);
    if (!caller) throw invalid('from', `is not a phone number for ${endpoint.country}`);
    const externalId = `${event.callId}:${event.event}`;
    const text = SUMMARY[event.event](event);
    const message = {
      direction: 'inbound' as const,
      channel: 'voice' as const,
      text,
      raw: JSON.stringify(event),
      rawMediaType: 'application/json',
      attachments: [],
      externalId,
    };
    const call = await trx
      .selectFrom('messages')
      .select('conversation_id')
      .where('subsidiary_id', '=', endpoint.subsidiary_id)
      .where('channel', '=', 'voice')
      .where('external_id', 'like', `${event.callId.replace(/[\\%_]/g, (c) => `\\${c}`)}:%`)
      .executeTakeFirst();
    if (call) {
      const added = await addMessage(trx, ctx, call.conversation_id, message);
      const needsCallBack = ['missed', 'voicemail', 'callback_requested'].includes(event.event);
      if (added.created && needsCallBack) {
        await trx
          .updateTable('conversations')
          .set({ status: 'open', assignee_id: null, priority: 'high', updated_at: ctx.now })
          .where('id', '=', call.conversation_id)
          .where('status', 'in', ['assigned', 'pending', 'resolved'])
          .execute();
      }
      return { conversationId: call.conversation_id, created: false };
    }
    const opened = await createConversation(trx, ctx, {
      subsidiaryId: endpoint.subsidiary_id,
      endpointId: endpoint.id,
      channel: 'voice',
      customer: { identity: { kind: 'phone', value: caller } },
      tier: 'level1',
      requiredSkills: [],
      priority: ['missed', 'voicemail', 'callback_requested'].includes(event.event) ? 'high' : 'normal',
      message,
    });
    if (!opened.created)
      throw new DomainError('conflict', 'callId: this event was already recorded elsewhere');
    return { conversationId: opened.conversation.id, created: true };
  });
}
