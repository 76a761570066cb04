import type { ConversationDetail, Customer, Me, Message } from '../api.ts';

export interface ComposerProps {
  conversation: ConversationDetail;
  customer: Customer | null;
  me: Me;
  /** A message or note was stored: the page adds it to the timeline. */
  onSent: (message: Message) => void;
}

/** The reply box, fitted to the channel: SMS segments, email quoting and attachments, public or private on social networks, saved replies, notes. */
export function Composer(_props: ComposerProps) {
  return null;
}
