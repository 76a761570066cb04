export { anySiteOpen, estimateWait, nextOpening, type SiteHours, sitesServing } from './chat/availability.ts';
export { type ChatConnection, ChatHub } from './chat/hub.ts';
export { CHAT_PROTOCOL, parseVisitorFrame, type ServerFrame, type VisitorFrame } from './chat/protocol.ts';
export { chatSender } from './chat/sender.ts';
export { type ChatDeps, type ChatSocket, openChatSession } from './chat/session.ts';
export { signalAgentTyping } from './chat/typing.ts';
export { demoPage, widgetScript } from './chat/widget.ts';
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
export { socialSender, whatsappSender } from './meta/graph.ts';
export { identityOf, ingestMetaWebhook, type MetaIntake } from './meta/ingest.ts';
export { isSignedByMeta, metaSignature } from './meta/signature.ts';
export { NotAMetaWebhook, readWebhook } from './meta/webhook.ts';
export { type SmppEvent, SmppRefusal } from './sms/client.ts';
export { type SmsChannel, type SmsOptions, startSms } from './sms/service.ts';
export { ingestVoiceEvent, VoiceEvent } from './voice.ts';
