import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Db, FileStore, Row } from '../../store/index.ts';
import { findEndpoint } from '../endpoints.ts';
import { ingestEmail } from './ingest.ts';

export interface SmtpOptions {
  port: number;
  host: string;
  maxBytes: number;
  /** PEM key and certificate: with them, STARTTLS is offered. */
  tls?: { key: Buffer; cert: Buffer } | undefined;
  now: () => Date;
  onError: (error: unknown) => void;
}

type Envelope = SMTPServerSession & { relaisEndpoints?: Array<Row<'endpoints'>> };

const reply = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/**
 * The SMTP listener: recipients that are no mailbox endpoint are refused at RCPT TO,
 * a message over the size limit gets 552, and 250 is answered only after the mail is
 * committed for every mailbox it was sent to. A store failure answers 451, so the
 * sending server tries again later: nothing acknowledged is lost.
 */
export async function startSmtp(
  db: Db,
  files: FileStore,
  options: SmtpOptions,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = new SMTPServer({
    name: 'relais',
    banner: 'Relais mail intake',
    size: options.maxBytes,
    authOptional: true,
    disabledCommands: options.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    logger: false,
    onRcptTo(address, session: Envelope, callback) {
      findEndpoint(db, 'email', address.address).then(
        (endpoint) => {
          if (!endpoint) return callback(reply(550, `5.1.1 <${address.address}>: no such mailbox here`));
          session.relaisEndpoints = [...(session.relaisEndpoints ?? []), endpoint];
          callback();
        },
        (error: unknown) => {
          options.onError(error);
          callback(reply(451, '4.3.0 temporary failure, try again later'));
        },
      );
    },
    onData(stream: SMTPServerDataStream, session: Envelope, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (stream.sizeExceeded)
          return callback(reply(552, `5.3.4 message larger than ${options.maxBytes} bytes`));
        const raw = Buffer.concat(chunks);
        const endpoints = [...new Map((session.relaisEndpoints ?? []).map((e) => [e.id, e])).values()];
        (async () => {
          for (const endpoint of endpoints) await ingestEmail(db, files, endpoint, raw, options.now());
        })().then(
          () => callback(),
          (error: unknown) => {
            const code = (error as { code?: string }).code;
            if (code === 'validation_failed')
              return callback(reply(550, `5.6.0 ${(error as Error).message}`));
            options.onError(error);
            callback(reply(451, '4.3.0 the message could not be stored, try again later'));
          },
        );
      });
    },
  });
  server.on('error', options.onError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
