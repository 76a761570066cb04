import { z } from 'zod';
import { createConversation } from '../conversations/index.ts';
import { type Context, invalid, LanguageTag, Text } from '../core/index.ts';
import { IdentityInput } from '../customers/index.ts';
import type { Db, FileStore } from '../store/index.ts';

const SCAN_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'image/tiff'] as const;

/** A scanned letter with what the mail room knows of its sender. */
export const LetterUpload = z
  .object({
    subsidiaryId: z.uuid(),
    sender: z
      .object({
        name: Text(200),
        identity: IdentityInput.describe(
          'how to find the customer: an email or a phone number written in the letter',
        ),
        language: LanguageTag.optional(),
      })
      .strict(),
    subject: Text(500).optional(),
    text: z.string().max(200_000).optional().describe('a transcription, if the mail room made one'),
    scan: z
      .object({
        filename: Text(255),
        mediaType: z.enum(SCAN_TYPES),
        contentBase64: z.base64().min(4).describe('the scanned file, base64-encoded'),
      })
      .strict(),
  })
  .strict();
export type LetterUpload = z.infer<typeof LetterUpload>;

const MAGIC: Record<(typeof SCAN_TYPES)[number], number[][]> = {
  'application/pdf': [[0x25, 0x50, 0x44, 0x46]],
  'image/jpeg': [[0xff, 0xd8, 0xff]],
  'image/png': [[0x89, 0x50, 0x4e, 0x47]],
  'image/tiff': [
    [0x49, 0x49, 0x2a, 0x00],
    [0x4d, 0x4d, 0x00, 0x2a],
  ],
};

/** A scanned letter becomes a conversation of channel `mail`, its scan kept as an attachment. */
export async function receiveLetter(
  db: Db,
  files: FileStore,
  ctx: Context,
  input: LetterUpload,
): Promise<{ conversationId: string; created: boolean }> {
  const content = Buffer.from(input.scan.contentBase64, 'base64');
  // The bytes must be what the media type says: a mislabelled file is refused before anything is kept.
  if (!MAGIC[input.scan.mediaType].some((m) => m.every((b, i) => content[i] === b))) {
    throw invalid('scan.contentBase64', `is not a ${input.scan.mediaType} file`);
  }
  const stored = await files.put(content);
  const result = await createConversation(db, ctx, {
    subsidiaryId: input.subsidiaryId,
    channel: 'mail',
    customer: {
      identity: input.sender.identity,
      displayName: input.sender.name,
      language: input.sender.language,
    },
    ...(input.subject ? { subject: input.subject } : {}),
    tier: 'back_office',
    requiredSkills: [],
    priority: 'normal',
    message: {
      direction: 'inbound',
      text: input.text?.trim() || `Letter from ${input.sender.name} (scan attached)`,
      attachments: [
        {
          filename: input.scan.filename,
          mediaType: input.scan.mediaType,
          size: stored.size,
          sha256: stored.sha256,
        },
      ],
      // The same scan uploaded twice is one letter.
      externalId: `scan:${stored.sha256}`,
    },
  });
  return { conversationId: result.conversation.id, created: result.created };
}
