/** A reply the team wrote once and uses often, with {{variables}} Relais fills in. */
export interface SavedReply {
  id: string;
  title: string;
  body: string;
  language: string;
}

/** A saved reply filled in for one conversation; `missing` names what Relais could not fill. */
export interface RenderedReply {
  text: string;
  missing: string[];
}

/** The replies whose title or text holds every word of the search, in the agent's language's case rules. */
export function searchReplies(replies: readonly SavedReply[], query: string, locale: string): SavedReply[] {
  const words = query.toLocaleLowerCase(locale).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...replies];
  return replies.filter((r) => {
    const haystack = `${r.title}\n${r.body}`.toLocaleLowerCase(locale);
    return words.every((w) => haystack.includes(w));
  });
}

/** Whether the missing variables include the order number (asked of the agent, then rendered again). */
export const needsOrder = (missing: readonly string[]): boolean =>
  missing.some((m) => m === 'order' || m.startsWith('order.'));
