export { type Ingested, ingestEmail } from './email/ingest.ts';
export { type ParsedEmail, parseEmail } from './email/parse.ts';
export { type SmtpOptions, startSmtp } from './email/smtp.ts';
export { normaliseSubject } from './email/subject.ts';
export * from './endpoints.ts';
export { DETECTABLE, type DetectedLanguage, detectLanguage } from './language.ts';
