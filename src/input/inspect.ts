// `recoup inspect`: what a file holds — interchanges, groups, transactions and every diagnostic, with the
// same balance checks `recoup scan` makes — gathered from parse events without keeping claims, so it
// stays flat on large files.

import { checkClaimBalance, checkRemittanceBalance } from '../analysis/balance-checks.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { formatCents } from '../remit/money.js';
import { parseFile, type ParseOptions } from './parse.js';
import type { Readable } from 'node:stream';

export interface InspectTransaction {
  type: string;
  controlNumber: string;
  segment: number;
  byteOffset: number;
  /** False for transaction sets that are not 835 (skipped). */
  read: boolean;
  segments: number | null;
  closed: boolean | null;
  claims: number | null;
  plbSegments: number | null;
  providerAdjustments: number | null;
  /** BPR02 as decimal text. */
  paid: string | null;
  handlingCode: string | null;
  traceNumber: string | null;
  payerName: string | null;
}

export interface InspectGroup {
  controlNumber: string | null;
  functionalId: string;
  version: string;
  date: string | null;
  transactions: InspectTransaction[];
}

export interface InspectInterchange {
  controlNumber: string | null;
  headerless: boolean;
  sender: string;
  receiver: string;
  date: string | null;
  time: string | null;
  version: string;
  usage: string;
  delimiters: { element: string; component: string; repetition: string | null; segment: string };
  segment: number;
  byteOffset: number;
  groups: InspectGroup[];
}

export interface InspectFile {
  file: string;
  bytes: number;
  segments: number;
  readable: boolean;
  remittances: number;
  interchanges: InspectInterchange[];
  diagnostics: Diagnostic[];
}

export async function inspectFile(path: string, options: ParseOptions & { stdin?: Readable } = {}): Promise<InspectFile> {
  const interchanges: InspectInterchange[] = [];
  const diagnostics: Diagnostic[] = [];
  let current: InspectInterchange | null = null;
  let group: InspectGroup | null = null;
  const currentGroup = (): InspectGroup => {
    if (group === null) {
      group = { controlNumber: null, functionalId: '', version: '', date: null, transactions: [] };
      current!.groups.push(group);
    }
    return group;
  };
  const outcome = await parseFile(
    path,
    {
      interchangeStart: (i) => {
        current = {
          controlNumber: i.controlNumber,
          headerless: i.headerless,
          sender: i.senderQualifier ? `${i.senderQualifier}:${i.senderId}` : i.senderId,
          receiver: i.receiverQualifier ? `${i.receiverQualifier}:${i.receiverId}` : i.receiverId,
          date: i.date,
          time: i.time,
          version: i.version,
          usage: i.usage,
          delimiters: { ...i.delimiters },
          segment: i.segment,
          byteOffset: i.byteOffset,
          groups: [],
        };
        interchanges.push(current);
        group = null;
      },
      interchangeEnd: () => {
        group = null;
      },
      groupStart: (g) => {
        group = { controlNumber: g.controlNumber, functionalId: g.functionalId, version: g.version, date: g.date, transactions: [] };
        current!.groups.push(group);
      },
      groupEnd: () => {
        group = null;
      },
      transactionSkipped: (t) => {
        currentGroup().transactions.push({
          type: t.type,
          controlNumber: t.controlNumber,
          segment: t.segment,
          byteOffset: t.byteOffset,
          read: false,
          segments: null,
          closed: null,
          claims: null,
          plbSegments: null,
          providerAdjustments: null,
          paid: null,
          handlingCode: null,
          traceNumber: null,
          payerName: null,
        });
      },
      // the balance checks of `recoup scan` (src/scan/scanner.ts), in the order scan reports them
      claim: (c, r) => {
        for (const d of checkClaimBalance(c, r.file).diagnostics) diagnostics.push(d);
      },
      remittance: (r, t) => {
        let l6 = 0;
        for (const a of r.providerAdjustments) if (a.reasonCode === 'L6') l6 += a.amount;
        for (const d of checkRemittanceBalance(r, l6).diagnostics) diagnostics.push(d);
        currentGroup().transactions.push({
          type: t.type,
          controlNumber: t.controlNumber,
          segment: t.segment,
          byteOffset: t.byteOffset,
          read: true,
          segments: r.segmentCount,
          closed: r.closed,
          claims: r.claimCount,
          plbSegments: r.plbSegments,
          providerAdjustments: r.providerAdjustments.length,
          paid: formatCents(r.payment.amount),
          handlingCode: r.payment.handlingCode,
          traceNumber: r.trace.number,
          payerName: r.payer.name,
        });
      },
      // the segment text (excerpt) may hold patient data: inspect shows positions, never contents
      diagnostic: ({ excerpt: _excerpt, ...d }) => diagnostics.push(d),
    },
    { ...options, keepClaims: false },
  );
  return {
    file: outcome.file,
    bytes: outcome.bytes,
    segments: outcome.segments,
    readable: outcome.readable,
    remittances: outcome.remittances,
    interchanges,
    diagnostics,
  };
}
