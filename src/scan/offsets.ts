// The run's PLB offsets, kept until the run ends (linking needs every claim of the run): one small object
// each, sharing its remittance's head, with repeated strings interned. Linked all at once at the end.

import { balanceOffset, type OffsetFields, payerId, type RemittanceHead } from '../analysis/build-rows.js';
import { type BalanceOffset, chronological } from '../analysis/deferrals.js';
import { type ClaimStore, type Link, linkOffsetTable, type LinkTable } from '../analysis/link.js';
import type { ProviderAdjustment } from '../remit/model.js';

export interface PendingOffset extends OffsetFields {
  remittance: RemittanceHead;
  /** The stable id (src/analysis/offset-id.ts), as the ledger keeps it when there is one. */
  uid: string;
}

/** How many distinct strings are interned before the table starts over (memory stays bounded). */
const INTERNED = 10_000;

export class RunOffsets {
  private readonly list: PendingOffset[] = [];
  private readonly strings = new Map<string, string>();

  get length(): number {
    return this.list.length;
  }

  at(i: number): PendingOffset {
    return this.list[i]!;
  }

  /** Keeps an offset; returns its index in the run (its order: PLB pairs in file order). */
  add(head: RemittanceHead, a: ProviderAdjustment, uid: string): number {
    this.list.push({
      remittance: head,
      uid,
      providerId: this.intern(a.providerId),
      fiscalPeriodDate: a.fiscalPeriodDate === null ? null : this.intern(a.fiscalPeriodDate),
      reasonCode: this.intern(a.reasonCode),
      reference: a.reference,
      amount: a.amount,
      ...(a.unreadable ? { unreadable: true as const } : {}),
    });
    return this.list.length - 1;
  }

  /** Links every offset against the claims of the run (or the ledger's history). */
  link(source: ClaimStore, priorDeferral?: (payerKey: string, reference: string) => Link | null): LinkTable {
    const list = this.list;
    return linkOffsetTable(
      source,
      list.length,
      (i) => {
        const o = list[i]!;
        return { payerKey: payerId(o.remittance), reasonCode: o.reasonCode, reference: o.reference, amount: o.amount, ownFile: o.remittance.file, ownTrace: o.remittance.trace.number };
      },
      priorDeferral,
    );
  }

  /** The run's offsets as the balances report reads them, chronologically (stable within a day). */
  balanceInputs(links: LinkTable): BalanceOffset[] {
    return chronological(this.list.map((o, i) => balanceOffset(o.remittance, o, links.get(i))));
  }

  /** One shared copy of strings repeated on many offsets (provider id, reason code, period date). */
  private intern(s: string): string {
    let v = this.strings.get(s);
    if (v === undefined) {
      if (this.strings.size > INTERNED) this.strings.clear();
      this.strings.set(s, s);
      v = s;
    }
    return v;
  }
}
