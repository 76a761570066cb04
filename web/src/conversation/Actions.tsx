import type { Conversation, ConversationDetail, Me } from '../api.ts';

export interface ActionsProps {
  conversation: ConversationDetail;
  me: Me;
  /** The conversation changed (escalated, transferred, snoozed, resolved): the page shows the new state. */
  onChanged: (conversation: Conversation) => void;
}

/** Escalate with a reason, transfer, snooze, resolve. */
export function ConversationActions(_props: ActionsProps) {
  return null;
}
