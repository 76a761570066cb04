/**
 * The {{variables}} of saved replies: which exist, which a body uses, and the text with
 * them filled in. Pure: values and the instant come from the caller.
 */

export const REPLY_VARIABLES = ['customer.name', 'customer.localTime', 'agent.name', 'order'] as const;
export type ReplyVariable = (typeof REPLY_VARIABLES)[number];

const KNOWN = new Set<string>(REPLY_VARIABLES);
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The variables a body names, each once, in the order they first appear. */
export function variablesIn(body: string): string[] {
  return [...new Set([...body.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))];
}

/** The names in a body that are not variables of saved replies. */
export const unknownVariables = (body: string): string[] =>
  variablesIn(body).filter((name) => !KNOWN.has(name));

/**
 * The body with each variable replaced by its value, in one pass (a value that looks like
 * a variable stays as it is). A variable without a value is written `{{name}}` and listed
 * in `missing`.
 */
export function fillReply(
  body: string,
  values: Partial<Record<ReplyVariable, string>>,
): { text: string; missing: string[] } {
  const missing = new Set<string>();
  const text = body.replace(PLACEHOLDER, (_match, name: string) => {
    const value = values[name as ReplyVariable];
    if (value !== undefined && value !== '') return value;
    missing.add(name);
    return `{{${name}}}`;
  });
  return { text, missing: [...missing] };
}

/**
 * The customer's time now as they read it on their clock: the weekday and the time, in
 * the reply's language, in their time zone (UTC when the zone is unknown to Intl).
 */
export function localTime(now: Date, timeZone: string, language: string): string {
  const options: Intl.DateTimeFormatOptions = { weekday: 'long', hour: 'numeric', minute: '2-digit' };
  try {
    return new Intl.DateTimeFormat(language, { ...options, timeZone }).format(now);
  } catch {
    return new Intl.DateTimeFormat(language, { ...options, timeZone: 'UTC' }).format(now);
  }
}
