import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';

export type Mail = ConstructorParameters<typeof MailComposer>[0];

export interface Dovecot {
  port: number;
  /** A client signed in as one of the users (connect it, log it out). */
  client(user: string): ImapFlow;
  /** Put mail into a user's inbox as another mail program would: IMAP APPEND. */
  deliver(user: string, mails: Mail[]): Promise<void>;
  /** Each message of a user's folder with its flags (but \\Recent), by Message-ID. */
  mailbox(user: string, folder?: string): Promise<Record<string, string[]>>;
  close(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('data', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * A real IMAP server: Dovecot (Debian's dovecot-imapd) with a configuration of its own in a
 * temporary directory, on a free port of 127.0.0.1, without TLS; the users and their plain
 * passwords in a passwd-file there, their mail in maildirs there. Runs as root and not.
 */
export async function startDovecot(users: Record<string, string>): Promise<Dovecot> {
  const dir = mkdtempSync(join(tmpdir(), 'relais-dovecot-'));
  // Dovecot never gives mail processes to root: as root (CI), everything runs as nobody;
  // otherwise as the user running the tests, with no chroot (which needs root).
  const user = process.getuid?.() === 0 ? 'nobody' : userInfo().username;
  const id = (flag: string) => execFileSync('id', [flag, user], { encoding: 'utf8' }).trim();
  const [uid, gid, group] = [id('-u'), id('-g'), id('-gn')];
  const port = await freePort();
  writeFileSync(
    join(dir, 'users'),
    Object.entries(users)
      .map(([name, password]) => `${name}:{PLAIN}${password}:${uid}:${gid}::${dir}/mail/${name}\n`)
      .join(''),
  );
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(
    conf,
    `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = relais-test-${port}
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = ${user}
default_internal_group = ${group}
default_login_user = ${user}
first_valid_uid = 1
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/users
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`,
  );
  for (const sub of ['run', 'state', 'mail']) mkdirSync(join(dir, sub));
  if (process.getuid?.() === 0) {
    chmodSync(dir, 0o755);
    for (const sub of ['', 'run', 'state', 'mail', 'users', 'dovecot.conf'])
      chownSync(join(dir, sub), Number(uid), Number(gid));
  }
  const child: ChildProcess = spawn('dovecot', ['-F', '-c', conf], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; i < 200 && child.exitCode === null && !(await answers(port)); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  if (child.exitCode !== null || !(await answers(port))) {
    child.kill('SIGKILL');
    let log = '';
    try {
      log = readFileSync(join(dir, 'dovecot.log'), 'utf8');
    } catch {}
    throw new Error(`dovecot did not start: ${output}\n${log}`);
  }
  const client = (name: string) =>
    new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: false,
      auth: { user: name, pass: users[name] ?? '' },
      logger: false,
    });
  return {
    port,
    client,
    async deliver(name, mails) {
      const imap = client(name);
      await imap.connect();
      try {
        for (const mail of mails) await imap.append('INBOX', await new MailComposer(mail).compile().build());
      } finally {
        await imap.logout();
      }
    },
    async mailbox(name, folder = 'INBOX') {
      const imap = client(name);
      await imap.connect();
      try {
        const lock = await imap.getMailboxLock(folder);
        try {
          const messages = await imap.fetchAll('1:*', { uid: true, flags: true, envelope: true });
          return Object.fromEntries(
            messages.map((m) => [
              m.envelope?.messageId ?? '',
              [...(m.flags ?? [])].filter((f) => f !== '\\Recent'),
            ]),
          );
        } finally {
          lock.release();
        }
      } catch (error) {
        // An empty folder has no message 1.
        if (String((error as { responseText?: string }).responseText).includes('Invalid messageset'))
          return {};
        throw error;
      } finally {
        await imap.logout();
      }
    },
    async close() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
