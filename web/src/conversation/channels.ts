/** What the channel choice reads of a conversation, its messages and its customer (pure: testable without the app). */
interface Thread {
  channel: string;
  channels: string[];
}
interface Said {
  direction: 'inbound' | 'outbound';
  channel: string;
  internal?: boolean;
  visibility: 'public' | 'private' | null;
}
interface Reachable {
  identities: Array<{ kind: string }>;
}

/** The channels a written reply can leave on (voice and letters take none). */
export const REPLY_CHANNELS = ['email', 'sms', 'whatsapp', 'social', 'chat'] as const;
export type ReplyChannel = (typeof REPLY_CHANNELS)[number];

const isReplyChannel = (c: string): c is ReplyChannel => (REPLY_CHANNELS as readonly string[]).includes(c);

/**
 * What each of the customer's identities lets a reply reach. Social replies and chat
 * answer within the conversation (under its comment, in its inbox thread, in its chat
 * session), so only a conversation that has used them offers them.
 */
const REACHED_BY: Record<string, ReplyChannel[]> = {
  email: ['email'],
  phone: ['sms'],
  whatsapp: ['whatsapp'],
};

/** The channels the agent may answer on: the conversation's own, then those the customer's identities reach. */
export function replyChannels(conversation: Thread, customer: Reachable | null): ReplyChannel[] {
  const found = new Set<ReplyChannel>(conversation.channels.filter(isReplyChannel));
  if (isReplyChannel(conversation.channel)) found.add(conversation.channel);
  for (const identity of customer?.identities ?? [])
    for (const channel of REACHED_BY[identity.kind] ?? []) found.add(channel);
  return REPLY_CHANNELS.filter((c) => found.has(c));
}

/** The channel the customer last wrote on, when a reply can go there; else the conversation's, else the first. */
export function defaultChannel(
  conversation: Thread & { messages: Said[] },
  channels: readonly ReplyChannel[],
): ReplyChannel | undefined {
  for (let i = conversation.messages.length - 1; i >= 0; i--) {
    const m = conversation.messages[i];
    if (m && m.direction === 'inbound' && !m.internal)
      return (
        channels.find((c) => c === m.channel) ??
        channels.find((c) => c === conversation.channel) ??
        channels[0]
      );
  }
  return channels.find((c) => c === conversation.channel) ?? channels[0];
}

/** Whether the customer wrote a public comment here: a social reply must then say public or private. */
export const hasPublicComments = (messages: readonly Said[]): boolean =>
  messages.some((m) => m.channel === 'social' && m.direction === 'inbound' && m.visibility === 'public');
