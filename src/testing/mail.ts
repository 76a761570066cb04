import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEndpoint, startSmtp } from '../channels/index.ts';
import { SYSTEM_ACTOR } from '../core/index.ts';
import { directoryFileStore, type FileStore } from '../store/index.ts';
import { createFixture, type Fixture } from './fixture.ts';
import { freshStore } from './store.ts';

export const TEST_MAILBOX = 'service@fr.test.example';

export interface MailIntake {
  store: Awaited<ReturnType<typeof freshStore>>;
  fixture: Fixture;
  files: FileStore;
  /** The port the SMTP intake listens on, at 127.0.0.1. */
  port: number;
  close(): Promise<void>;
}

/** A fresh store with the fixture, a mailbox of the French subsidiary, and the SMTP intake for it. */
export async function startMailIntake(maxBytes: number): Promise<MailIntake> {
  const store = await freshStore();
  const fixture = await createFixture(store.db);
  await store.db.transaction().execute((trx) =>
    createEndpoint(
      trx,
      { actor: SYSTEM_ACTOR, now: new Date() },
      {
        subsidiaryId: fixture.subsidiaries.fr.id,
        channel: 'email',
        address: TEST_MAILBOX,
        name: 'Service client',
      },
    ),
  );
  const dir = mkdtempSync(join(tmpdir(), 'relais-files-'));
  const files = directoryFileStore(dir);
  const smtp = await startSmtp(store.db, files, {
    port: 0,
    host: '127.0.0.1',
    maxBytes,
    now: () => new Date(),
    onError: () => undefined,
  });
  return {
    store,
    fixture,
    files,
    port: smtp.port,
    async close() {
      await smtp.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
