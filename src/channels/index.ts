export { type Ingested, ingestEmail } from './email/ingest.ts';
export { type ParsedEmail, parseEmail } from './email/parse.ts';
export { MAX_ATTEMPTS, type MailRelay, replyToAddress, sendQueuedEmail, smtpRelay } from './email/send.ts';
export { type SmtpOptions, startSmtp } from './email/smtp.ts';
export { normaliseSubject } from './email/subject.ts';
export * from './endpoints.ts';
export { DETECTABLE, type DetectedLanguage, detectLanguage } from './language.ts';
export { LetterUpload, receiveLetter } from './letters.ts';
export { ingestVoiceEvent, VoiceEvent } from './voice.ts';
