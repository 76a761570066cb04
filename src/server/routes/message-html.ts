import { simpleParser } from 'mailparser';
import sanitizeHtml from 'sanitize-html';
import { z } from 'zod';
import { getMessage, getRawMessage, type Message } from '../../conversations/index.ts';
import type { App, ServerDeps } from '../app.ts';
import { contextOf } from '../request.ts';
import { errors, IdParams } from './resource.ts';

export const MessageHtml = z.object({
  html: z
    .string()
    .nullable()
    .describe('the HTML part, sanitised; null when the message has none (show its text)'),
  remoteImages: z
    .number()
    .int()
    .describe('images on other servers, held back: their address is in data-remote-src, not src'),
});
export type MessageHtml = z.infer<typeof MessageHtml>;

/** Where a held-back remote image's address is kept; the reader restores it into `src` on request. */
export const REMOTE_SRC = 'data-remote-src';

// A declaration's value may not load anything nor run anything: no url(), no expression(), no image-set().
const SAFE_VALUE =
  /^(?!.*(?:url|expression|image-set|image|element|paint|env|var)\s*\()[-\w\s#.,%()'"!/+]*$/i;
const STYLED = [
  'color',
  'background-color',
  'font',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-align',
  'text-decoration',
  'text-transform',
  'line-height',
  'letter-spacing',
  'white-space',
  'vertical-align',
  'direction',
  'width',
  'max-width',
  'min-width',
  'height',
  'margin',
  'margin-top',
  'margin-right',
  'margin-bottom',
  'margin-left',
  'padding',
  'padding-top',
  'padding-right',
  'padding-bottom',
  'padding-left',
  'border',
  'border-top',
  'border-right',
  'border-bottom',
  'border-left',
  'border-color',
  'border-width',
  'border-style',
  'border-collapse',
  'border-radius',
];

const LAYOUT = ['align', 'valign', 'width', 'height', 'bgcolor', 'border', 'cellpadding', 'cellspacing'];

/**
 * An email's HTML made safe to show inside our page: no scripts, event handlers, forms,
 * frames, style sheets or style expressions; links open in a new tab without a handle on
 * ours; `cid:` images point at the stored attachment (`cidUrl`); images on other servers
 * are held back (their address moved to data-remote-src) and counted, because loading one
 * tells the sender the mail was read.
 */
export function sanitiseEmailHtml(
  html: string,
  cidUrl: (contentId: string) => string | undefined,
): { html: string; remoteImages: number } {
  let remoteImages = 0;
  const clean = sanitizeHtml(html, {
    allowedTags: [
      ...sanitizeHtml.defaults.allowedTags.filter((t) => t !== 'style'),
      'img',
      'font',
      'center',
      'u',
      's',
    ],
    disallowedTagsMode: 'discard',
    allowedAttributes: {
      a: ['href', 'title', 'name', 'rel', 'target'],
      img: ['src', 'alt', 'title', REMOTE_SRC, ...LAYOUT],
      font: ['color', 'face', 'size'],
      '*': ['style', 'dir', 'lang', 'colspan', 'rowspan', 'scope', ...LAYOUT],
    },
    allowedStyles: { '*': Object.fromEntries(STYLED.map((p) => [p, [SAFE_VALUE]])) },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['data', 'http', 'https'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', REMOTE_SRC],
    allowProtocolRelative: false,
    transformTags: {
      a: (tagName, attribs) => ({
        tagName,
        attribs: { ...attribs, rel: 'noopener noreferrer', target: '_blank' },
      }),
      img: (tagName, attribs) => {
        // Only this function sets data-remote-src: one the mail brought is dropped.
        const { src = '', [REMOTE_SRC]: _theirs, ...rest } = attribs;
        const source = src.trim();
        if (/^cid:/i.test(source)) {
          const url = cidUrl(decodeCid(source.slice(4)));
          return { tagName, attribs: url ? { ...rest, src: url } : rest };
        }
        if (/^https?:/i.test(source) || source.startsWith('//')) {
          remoteImages += 1;
          const absolute = source.startsWith('//') ? `https:${source}` : source;
          return { tagName, attribs: { ...rest, [REMOTE_SRC]: absolute } };
        }
        return { tagName, attribs: /^data:image\//i.test(source) ? { ...rest, src: source } : rest };
      },
    },
  });
  return { html: clean, remoteImages };
}

function decodeCid(cid: string): string {
  const bare = cid.replace(/^<|>$/g, '');
  try {
    return decodeURIComponent(bare);
  } catch {
    return bare;
  }
}

/** The HTML part of a stored RFC 5322 original, or undefined when it has none. */
async function htmlPartOf(raw: string, mediaType: string): Promise<string | undefined> {
  const bytes = /;\s*encoding=base64$/.test(mediaType)
    ? Buffer.from(raw, 'base64')
    : Buffer.from(raw, 'utf8');
  const mail = await simpleParser(bytes, { skipImageLinks: true, keepCidLinks: true });
  return typeof mail.html === 'string' && mail.html.trim() !== '' ? mail.html : undefined;
}

const attachmentPath = (conversationId: string, messageId: string, a: Message['attachments'][number]) =>
  `/api/conversations/${conversationId}/messages/${messageId}/attachments/${a.sha256}`;

export function messageHtmlRoutes(app: App, deps: ServerDeps): void {
  const { db, clock } = deps;
  app.get(
    '/api/conversations/:id/messages/:messageId/html',
    {
      config: { permission: 'conversations:read' },
      schema: {
        tags: ['conversations'],
        summary: "An email's HTML, sanitised for showing",
        description:
          'No scripts, event handlers, forms, frames or style expressions; links get rel=noopener and ' +
          "target=_blank; cid: images point at the message's attachments; remote images are held back " +
          `in ${REMOTE_SRC} and counted. html is null when the message has no HTML part.`,
        params: IdParams.extend({ messageId: z.uuid() }),
        response: { 200: MessageHtml, ...errors },
      },
    },
    async (req): Promise<MessageHtml> => {
      const ctx = contextOf(req, clock);
      const { id, messageId } = req.params;
      const message = await getMessage(db, ctx, id, messageId);
      if (!message.hasRaw || !message.rawMediaType?.startsWith('message/rfc822')) {
        return { html: null, remoteImages: 0 };
      }
      const raw = await getRawMessage(db, ctx, id, messageId);
      const html = await htmlPartOf(raw.raw, raw.mediaType);
      if (html === undefined) return { html: null, remoteImages: 0 };
      return sanitiseEmailHtml(html, (contentId) => {
        const part = message.attachments.find((a) => a.contentId === contentId && a.sha256);
        return part ? attachmentPath(id, messageId, part) : undefined;
      });
    },
  );
}
