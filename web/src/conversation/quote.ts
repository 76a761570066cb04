/** Quoting the customer's last message under an email reply, the way mail programs do. */

export interface Quotable {
  direction: 'inbound' | 'outbound';
  text: string;
  createdAt: string;
  internal?: boolean;
}

/** The customer's latest message (never a note), or undefined when they have written nothing. */
export function lastInbound<M extends Quotable>(messages: readonly M[]): M | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m && m.direction === 'inbound' && !m.internal) return m;
  }
  return undefined;
}

export interface QuoteOptions {
  /** The customer's language: the date is written as they read dates. */
  language: string;
  /** The customer's time zone; the agent's when unknown. */
  timeZone?: string | undefined;
  name: string;
  /** The "On {{date}}, {{name}} wrote:" line in the customer's language. */
  header: (words: { date: string; name: string }) => string;
}

/** A date as the customer reads it, in their zone; a zone Intl does not know falls back to the agent's. */
export function customerDate(at: Date, language: string, timeZone: string | undefined): string {
  const options: Intl.DateTimeFormatOptions = { dateStyle: 'long', timeStyle: 'short' };
  try {
    return new Intl.DateTimeFormat(language, { ...options, ...(timeZone ? { timeZone } : {}) }).format(at);
  } catch {
    return new Intl.DateTimeFormat(language, options).format(at);
  }
}

/** The message as a quote: the header line, then each of its lines behind "> ". */
export function quoteMessage(message: Quotable, options: QuoteOptions): string {
  const date = customerDate(new Date(message.createdAt), options.language, options.timeZone);
  const lines = message.text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  return [options.header({ date, name: options.name }), ...lines.map((l) => (l ? `> ${l}` : '>'))].join('\n');
}

/** The reply with the quote below it, a blank line between. */
export function withQuote(text: string, quote: string | undefined): string {
  return quote ? `${text.trimEnd()}\n\n${quote}` : text;
}
