import { addMessage, createConversation, updateConversation } from '../conversations/index.ts';
import type { DemoTrafficActions } from '../demo/index.ts';
import { escalateConversation } from '../routing/index.ts';

/** The commands the demo traffic drives: the same ones the channels, the router and agents use. */
export const demoTrafficActions: DemoTrafficActions = {
  createConversation,
  addMessage,
  updateConversation,
  escalateConversation,
};
