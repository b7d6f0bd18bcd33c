// Per-payer summary: checks, money paid, and provider-level offsets by category. Sums in integer cents;
// provider_adjustments = taken_back + deferred + refunds + interest + penalties + withholding + other.

import type { Remittance } from '../remit/model.js';
import { type Cents, formatCents } from '../remit/money.js';
import { categorizeOffset, type OffsetCategory } from './codes.js';
import { payerId } from './build-rows.js';
import type { Row } from './rows.js';

interface PayerTotals {
  payerName: string;
  payerId: string;
  checks: number;
  paid: Cents;
  claimPayments: Cents;
  claimsPaid: number;
  providerAdjustments: Cents;
  byCategory: Record<OffsetCategory, Cents>;
  unbalanced: number;
}

const CATEGORY_COLUMN: Record<OffsetCategory, string> = {
  recoupment: 'taken_back',
  deferred_recoupment: 'deferred',
  refund_acknowledged: 'refunds_acknowledged',
  interest: 'interest',
  penalty: 'penalties',
  withholding: 'withholding',
  other: 'other',
};

export class SummaryBuilder {
  private readonly payers = new Map<string, PayerTotals>();

  add(r: Remittance, balanced: boolean): void {
    const id = payerId(r);
    const key = `${id}\u0000${r.payer.name}`;
    let t = this.payers.get(key);
    if (t === undefined) {
      t = {
        payerName: r.payer.name,
        payerId: id,
        checks: 0,
        paid: 0,
        claimPayments: 0,
        claimsPaid: 0,
        providerAdjustments: 0,
        byCategory: { recoupment: 0, deferred_recoupment: 0, refund_acknowledged: 0, interest: 0, penalty: 0, withholding: 0, other: 0 },
        unbalanced: 0,
      };
      this.payers.set(key, t);
    }
    t.checks++;
    t.paid += r.payment.amount;
    t.claimPayments += r.totals.claimPaid;
    t.claimsPaid += r.claimsPaid;
    t.providerAdjustments += r.totals.providerAdjustments;
    for (const a of r.providerAdjustments) t.byCategory[categorizeOffset(a.reasonCode, a.amount)] += a.amount;
    if (!balanced) t.unbalanced++;
  }

  rows(): Row[] {
    return [...this.payers.values()]
      .sort((a, b) => (a.payerName < b.payerName ? -1 : a.payerName > b.payerName ? 1 : a.payerId < b.payerId ? -1 : 1))
      .map((t) => {
        const row: Row = {
          payer_name: t.payerName,
          payer_id: t.payerId,
          checks: String(t.checks),
          paid: formatCents(t.paid),
          claim_payments: formatCents(t.claimPayments),
          claims_paid: String(t.claimsPaid),
          provider_adjustments: formatCents(t.providerAdjustments),
          unbalanced: String(t.unbalanced),
        };
        for (const [cat, col] of Object.entries(CATEGORY_COLUMN)) row[col] = formatCents(t.byCategory[cat as OffsetCategory]);
        return row;
      });
  }
}
