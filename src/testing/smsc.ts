import smpp, { type PDU, type Session } from 'smpp';

/**
 * A real SMPP server — the `smpp` package's own server side — stands for the
 * operator's SMSC. Relais binds to it as a transceiver; the SMSC records every PDU
 * Relais sends and answers as a test tells it to.
 */
export interface TestSmsc {
  port: number;
  /** Every PDU Relais sent, in order. */
  received: PDU[];
  session(): Session;
  /** How the next binds are answered: refused this many times first. */
  refuseBinds: number;
  /** Hold submit_sm responses until released, to see the window. */
  holdSubmits: boolean;
  held: PDU[];
  release(): void;
  maxOutstanding: number;
  close(): Promise<void>;
}

export async function startSmsc(): Promise<TestSmsc> {
  let current: Session | undefined;
  let nextId = 1000;
  let outstanding = 0;
  const smsc: TestSmsc = {
    port: 0,
    received: [],
    session: () => {
      if (!current) throw new Error('Relais is not bound');
      return current;
    },
    refuseBinds: 0,
    holdSubmits: false,
    held: [],
    release() {
      for (const pdu of smsc.held.splice(0)) answerSubmit(pdu);
    },
    maxOutstanding: 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const answerSubmit = (pdu: PDU) => {
    outstanding--;
    current?.send(pdu.response({ message_id: (nextId++).toString(16) }));
  };
  const server = smpp.createServer((session) => {
    session.on('pdu', (pdu: PDU) => {
      smsc.received.push(pdu);
      switch (pdu.command) {
        case 'bind_transceiver':
          if (smsc.refuseBinds > 0) {
            smsc.refuseBinds--;
            session.send(pdu.response({ command_status: 0x0d }));
            return;
          }
          current = session;
          session.send(pdu.response({ system_id: 'test-smsc' }));
          return;
        case 'submit_sm':
          outstanding++;
          smsc.maxOutstanding = Math.max(smsc.maxOutstanding, outstanding);
          if (smsc.holdSubmits) smsc.held.push(pdu);
          else answerSubmit(pdu);
          return;
        case 'enquire_link':
        case 'unbind':
          session.send(pdu.response());
          return;
      }
    });
    session.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  smsc.port = typeof address === 'object' && address ? address.port : 0;
  return smsc;
}

/** Wait until the SMSC has been sent a PDU that matches. */
export async function sentToSmsc(smsc: TestSmsc, match: (pdu: PDU) => boolean, count = 1): Promise<PDU[]> {
  for (let i = 0; i < 500; i++) {
    const found = smsc.received.filter(match);
    if (found.length >= count) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the SMSC was not sent what the test waits for');
}

/** The SMSC delivers one deliver_sm and waits for Relais's response. */
export const deliver = (session: Session, fields: Record<string, unknown>): Promise<PDU> =>
  new Promise((resolve) => {
    session.send(new smpp.PDU('deliver_sm', { service_type: '', ...fields }), resolve);
  });
