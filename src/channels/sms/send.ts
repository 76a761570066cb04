import { randomInt } from 'node:crypto';
import { atomically, type Db } from '../../store/index.ts';
import { type ChannelSender, ChannelUnavailable, PermanentFailure } from '../delivery.ts';
import { concatHeader, MAX_PARTS, planSms } from './alphabet.ts';
import { type SmppClient, SmppRefusal } from './client.ts';

/** SMPP type of number and numbering plan of an address (SMPP 3.4 §5.2.5–5.2.6). */
export function addressing(address: string): { ton: number; npi: number; addr: string } {
  if (/^\+[0-9]+$/.test(address)) return { ton: 0x01, npi: 0x01, addr: address.slice(1) };
  if (/^[0-9]+$/.test(address)) return { ton: 0x03, npi: 0x00, addr: address }; // a short code
  return { ton: 0x05, npi: 0x00, addr: address.slice(0, 11) }; // an alphanumeric sender
}

/**
 * Sends an agent's reply as SMS: from the conversation's SMS endpoint to the customer's
 * phone number, GSM-7 when the text allows and UCS-2 otherwise, in concatenated parts
 * when it is long, each asking for a delivery receipt. The SMSC's id of the first part
 * is the message's external id; every part's id is kept for its receipt.
 */
export function smsSender(deps: { db: Db; client: SmppClient }): ChannelSender {
  return {
    async send({ message, endpoint, identities }) {
      const phone = identities.find((i) => i.kind === 'phone');
      if (!phone) throw new PermanentFailure('the customer has no phone number');
      const plan = planSms(message.text);
      if (plan.parts.length > MAX_PARTS) {
        throw new PermanentFailure(`the text needs ${plan.parts.length} SMS; at most ${MAX_PARTS} go as one`);
      }
      // No bind now (the SMSC is down or refusing us): wait, without using up a try.
      if (!deps.client.bound) throw new ChannelUnavailable('not connected to the SMSC');
      const source = addressing(endpoint.address);
      const destination = addressing(phone.value);
      const reference = randomInt(256);
      const total = plan.parts.length;
      const submits = plan.parts.map((part, i) =>
        deps.client.submit({
          source_addr_ton: source.ton,
          source_addr_npi: source.npi,
          source_addr: source.addr,
          dest_addr_ton: destination.ton,
          dest_addr_npi: destination.npi,
          destination_addr: destination.addr,
          esm_class: total > 1 ? 0x40 : 0x00,
          registered_delivery: 0x01,
          data_coding: plan.dataCoding,
          short_message:
            total > 1 ? Buffer.concat([concatHeader(reference, total, i + 1), part.payload]) : part.payload,
        }),
      );
      const results = await Promise.allSettled(submits);
      const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (refused) {
        const error = refused.reason;
        // Parts the SMSC took already reach the phone alone; a retry sends the whole text again.
        if (error instanceof SmppRefusal && !error.temporary) throw new PermanentFailure(error.message);
        throw error instanceof Error ? error : new Error(String(error));
      }
      const ids = results.map((r) => (r as PromiseFulfilledResult<string>).value);
      await atomically(deps.db, async (trx) => {
        // A new try replaces the parts of an earlier one: their receipts no longer count.
        await trx.deleteFrom('sms_outbound_parts').where('message_id', '=', message.id).execute();
        await trx
          .insertInto('sms_outbound_parts')
          .values(
            ids.map((id, i) => ({
              message_id: message.id,
              part: i + 1,
              parts: total,
              subsidiary_id: message.subsidiary_id,
              smsc_message_id: id,
              state: null,
              detail: null,
            })),
          )
          .execute();
      });
      return { externalId: ids[0] ?? null };
    },
  };
}
