/**
 * The inbox's order as the agent last saw it, so "next conversation" on a conversation's
 * page follows the list they came from.
 */
let order: string[] = [];

export function rememberInboxOrder(ids: string[]): void {
  order = ids;
}

/** The conversation after (or, with -1, before) `id` in the inbox; undefined at the end. */
export function neighbour(id: string, step: 1 | -1 = 1): string | undefined {
  const at = order.indexOf(id);
  if (at < 0) return order[0] === id ? undefined : order[0];
  return order[at + step];
}
