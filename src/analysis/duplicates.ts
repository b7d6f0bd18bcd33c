// When two remittances are the same one: the one rule the run (REMIT_DUPLICATE, REMIT_TRACE_REUSED) and
// the ledger (LEDGER_REMITTANCE_KNOWN) both use. Clearinghouses re-send ERAs; a re-sent ERA must not double
// a total, and a reissue under the same trace number must not be merged into the first silently.

import type { Remittance } from '../remit/model.js';
import type { Cents } from '../remit/money.js';
import { paymentDate, payerId } from './build-rows.js';

/**
 * What names one payment: the payer, the check/EFT trace number (TRN02), the amount (BPR02) and the
 * payment date. Control numbers (ISA13, ST02) are left out on purpose: a re-sent file gets new ones.
 */
export interface RemittanceIdentity {
  payerKey: string;
  traceNumber: string;
  paid: Cents;
  paymentDate: string;
}

export function remittanceIdentity(r: Remittance): RemittanceIdentity {
  return { payerKey: payerId(r), traceNumber: r.trace.number, paid: r.payment.amount, paymentDate: paymentDate(r) };
}

/** Payer and trace number: remittances that share it are the same payment, a reissue or a correction. */
export function traceKey(id: RemittanceIdentity): string | null {
  // without a trace number nothing identifies the payment: never call two such remittances the same
  return id.traceNumber === '' ? null : `${id.payerKey}\u0000${id.traceNumber}`;
}

/** Same payer and trace, and the same amount and date: the same payment read again. */
export function samePayment(a: RemittanceIdentity, b: RemittanceIdentity): boolean {
  return a.payerKey === b.payerKey && a.traceNumber === b.traceNumber && a.paid === b.paid && a.paymentDate === b.paymentDate;
}

/** What a remittance holds, in a few numbers: two reads of the same ERA agree on all of them. */
export function contentFingerprint(r: Remittance): string {
  const t = r.totals;
  return [r.claimCount, t.claimCharge, t.claimPaid, t.providerAdjustments, r.providerAdjustments.length, r.segmentCount, r.payee.id].join('|');
}
