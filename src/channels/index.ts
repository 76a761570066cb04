export * from './delivery.ts';
export {
  getImapStatus,
  type ImapPoller,
  ImapSettings,
  ImapStatus,
  type PollResult,
  pollDueMailboxes,
  startImapPoller,
} from './email/imap.ts';
export { type Ingested, ingestEmail } from './email/ingest.ts';
export { type ParsedEmail, parseEmail } from './email/parse.ts';
export { emailSender, type MailRelay, replyToAddress, smtpRelay } from './email/send.ts';
export { type SmtpOptions, startSmtp } from './email/smtp.ts';
export { normaliseSubject } from './email/subject.ts';
export * from './endpoints.ts';
export { DETECTABLE, type DetectedLanguage, detectLanguage } from './language.ts';
export { LetterUpload, receiveLetter } from './letters.ts';
export { ingestVoiceEvent, VoiceEvent } from './voice.ts';
