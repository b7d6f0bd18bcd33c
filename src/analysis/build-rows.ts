// Turns model objects into report rows (see rows.ts for the column contract). Pure functions: no I/O.

import type { Adjustment, Claim, ProviderAdjustment, Remittance } from '../remit/model.js';
import { type Cents, formatCents } from '../remit/money.js';
import { CAS_GROUPS, CLAIM_STATUSES, categorizeOffset, type OffsetCategory, PLB_REASONS } from './codes.js';
import type { BalanceState } from './balance-checks.js';
import type { BalanceOffset } from './deferrals.js';
import type { Link } from './link.js';
import type { Row } from './rows.js';

export const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

/** The claims report's `status`: CLP02 in words. */
export function claimStatusText(code: string): string {
  return CLAIM_STATUSES[code] ?? 'Unknown status';
}

/** The adjustments report's `group`: CAS01 in words. */
export function casGroupText(code: string): string {
  return CAS_GROUPS[code] ?? 'Unknown group';
}
const money = (c: Cents | null): string => (c === null ? '' : formatCents(c));

/** BPR16, else the production date DTM*405. */
/** What an offset row and the summary need of its remittance; kept per offset for the whole run. */
export interface RemittanceHead {
  file: string;
  transactionControl: string;
  payer: { name: string; id: string; additionalId: string };
  trace: { number: string; payerId: string };
  payment: { date: string | null };
  productionDate: string | null;
}

/** A small copy of a remittance's head, so a kept offset does not keep the whole remittance alive. */
export function remittanceHead(r: Remittance): RemittanceHead {
  return {
    file: r.file,
    transactionControl: r.transactionControl,
    payer: { name: r.payer.name, id: r.payer.id, additionalId: r.payer.additionalId },
    trace: { number: r.trace.number, payerId: r.trace.payerId },
    payment: { date: r.payment.date },
    productionDate: r.productionDate,
  };
}

/** What an offset row needs of a PLB adjustment. */
export type OffsetFields = Pick<ProviderAdjustment, 'providerId' | 'fiscalPeriodDate' | 'reasonCode' | 'reference' | 'amount' | 'unreadable'>;

export function paymentDate(r: RemittanceHead): string {
  return r.payment.date ?? r.productionDate ?? '';
}

/** N1*PR N104, else REF*2U, else TRN03 (835-domain.md §6: TRN03 = "1" + payer EIN). */
export function payerId(r: RemittanceHead): string {
  return r.payer.id || r.payer.additionalId || r.trace.payerId;
}

export function patientName(c: Claim): string {
  return formatPatientName(c.patientLastName, c.patientFirstName);
}

/** NM1*QC as one name: "LAST, FIRST", the last name alone, or ''. Also used for claims read back from disk. */
export function formatPatientName(last: string, first: string): string {
  if (last === '' && first === '') return '';
  return first === '' ? last : `${last}, ${first}`;
}

/** Statement-from date, else the earliest service date. */
export function claimServiceDate(c: Claim): string {
  if (c.statementFrom) return c.statementFrom;
  let first: string | null = null;
  for (const s of c.services) if (s.serviceDate && (first === null || s.serviceDate < first)) first = s.serviceDate;
  return first ?? '';
}

/** The balanced column: yes, no, or unknown (an amount could not be read); a cut-short remittance is no. */
export function paymentRow(r: Remittance, balanced: BalanceState, difference: Cents | null): Row {
  let withheld = 0;
  let added = 0;
  const plbKnown = !r.providerAdjustments.some((a) => a.unreadable);
  for (const a of r.providerAdjustments) {
    if (a.amount > 0) withheld += a.amount;
    else added += a.amount;
  }
  return {
    file: r.file,
    interchange_control: r.interchangeControl ?? '',
    transaction_control: r.transactionControl,
    payer_name: r.payer.name,
    payer_id: payerId(r),
    payee_name: r.payee.name,
    payee_id: r.payee.id || r.payee.additionalId,
    trace_number: r.trace.number,
    payment_date: paymentDate(r),
    payment_method: r.payment.method,
    handling_code: r.payment.handlingCode,
    paid: r.unreadable.includes('BPR02') ? '' : formatCents(r.payment.amount),
    claims: String(r.claimCount),
    claims_paid: String(r.claimsPaid),
    // a PLB amount that could not be read leaves these sums unknown
    provider_adjustments: plbKnown ? formatCents(r.totals.providerAdjustments) : '',
    withheld: plbKnown ? formatCents(withheld) : '',
    added: plbKnown ? formatCents(added) : '',
    balanced,
    difference: money(difference),
  };
}

export interface OffsetFacts {
  reason: string;
  category: OffsetCategory;
}

export function offsetFacts(a: Pick<ProviderAdjustment, 'reasonCode' | 'amount'>): OffsetFacts {
  return { reason: PLB_REASONS[a.reasonCode] ?? 'Unknown code', category: categorizeOffset(a.reasonCode, a.amount) };
}

/** An offset's place in the review work queue, for its row (issue 16). */
export interface OffsetReview {
  uid: string;
  /** The status the ledger holds; '' without a ledger. */
  status: string;
  /** The last day to appeal; '' when not computed. */
  deadline: string;
}

export function offsetRow(r: RemittanceHead, a: OffsetFields, link: Link, escalate = false, review?: OffsetReview): Row {
  const facts = offsetFacts(a);
  const claim = link.claim;
  const rem = link.remittance;
  return {
    file: r.file,
    transaction_control: r.transactionControl,
    payer_name: r.payer.name,
    payer_id: payerId(r),
    trace_number: r.trace.number,
    payment_date: paymentDate(r),
    provider_id: a.providerId,
    fiscal_period_date: a.fiscalPeriodDate ?? '',
    reason_code: a.reasonCode,
    reason: facts.reason,
    category: facts.category,
    reference: a.reference ?? '',
    amount: a.unreadable ? '' : formatCents(a.amount),
    link_basis: link.basis,
    linked_pcn: claim?.pcn ?? '',
    linked_icn: claim?.icn ?? '',
    linked_patient: claim?.patient ?? '',
    linked_trace_number: claim?.traceNumber ?? rem?.traceNumber ?? '',
    linked_payment_date: claim?.paymentDate ?? rem?.paymentDate ?? '',
    linked_file: claim?.file ?? rem?.file ?? '',
    linked_claim_paid: claim ? formatCents(claim.paid) : '',
    link_note: link.note,
    escalate: yesNo(escalate),
    offset_id: review?.uid ?? '',
    review_status: review?.status ?? '',
    appeal_deadline: review?.deadline ?? '',
  };
}

export function claimRow(r: Remittance, c: Claim, balanced: BalanceState, correctsIcn: string, reverses: { traceNumber: string; paymentDate: string } | null = null): Row {
  let claimCas = 0;
  for (const a of c.adjustments) claimCas += a.amount;
  let serviceCas = 0;
  for (const s of c.services) for (const a of s.adjustments) serviceCas += a.amount;
  const claimCasKnown = !c.adjustments.some((a) => a.unreadable);
  const serviceCasKnown = !c.services.some((s) => s.adjustments.some((a) => a.unreadable));
  return {
    file: r.file,
    trace_number: r.trace.number,
    payer_name: (c.payer ?? r.payer).name,
    pcn: c.patientControlNumber,
    status_code: c.statusCode,
    status: claimStatusText(c.statusCode),
    // an amount that could not be read is unknown (empty), not the 0.00 it was counted as
    charge: c.unreadable.includes('CLP03') ? '' : formatCents(c.charge),
    paid: c.unreadable.includes('CLP04') ? '' : formatCents(c.paid),
    patient_responsibility: money(c.patientResponsibility),
    icn: c.payerClaimControlNumber,
    patient_name: patientName(c),
    member_id: c.memberId,
    service_date: claimServiceDate(c),
    claim_adjustments: claimCasKnown ? formatCents(claimCas) : '',
    service_adjustments: serviceCasKnown ? formatCents(serviceCas) : '',
    interest: money(c.interest),
    reversal: yesNo(c.statusCode === '22'),
    corrects_icn: correctsIcn,
    balanced,
    reverses_trace_number: reverses?.traceNumber ?? '',
    reverses_payment_date: reverses?.paymentDate ?? '',
  };
}

export function adjustmentRows(r: Remittance, c: Claim, carc: ReadonlyMap<string, string> | undefined): Row[] {
  const rows: Row[] = [];
  const reversal = yesNo(c.statusCode === '22');
  const push = (a: Adjustment, level: 'claim' | 'service', procedure: string, serviceDate: string): void => {
    rows.push({
      file: r.file,
      trace_number: r.trace.number,
      pcn: c.patientControlNumber,
      icn: c.payerClaimControlNumber,
      level,
      procedure,
      service_date: serviceDate,
      group_code: a.group,
      group: casGroupText(a.group),
      reason_code: a.reason,
      reason: carc?.get(a.reason) ?? '',
      amount: a.unreadable ? '' : formatCents(a.amount),
      quantity: a.quantity,
      reversal,
    });
  };
  for (const a of c.adjustments) push(a, 'claim', '', claimServiceDate(c));
  for (const s of c.services) {
    const procedure = [s.procedureCode, ...s.modifiers].filter((x) => x !== '').join(':');
    for (const a of s.adjustments) push(a, 'service', procedure, s.serviceDate ?? '');
  }
  return rows;
}

/** An offset as the balances report reads it: its remittance's payer, date and trace, and its link's claim. */
export function balanceOffset(r: RemittanceHead, o: { reasonCode: string; reference: string | null; amount: Cents }, link: Link): BalanceOffset {
  return {
    payerKey: payerId(r),
    payerName: r.payer.name,
    date: paymentDate(r),
    trace: r.trace.number,
    file: r.file,
    code: o.reasonCode,
    reference: o.reference,
    amount: o.amount,
    linkBasis: link.basis,
    linkedPcn: link.claim?.pcn ?? '',
    linkedIcn: link.claim?.icn ?? '',
    linkedPatient: link.claim?.patient ?? '',
  };
}
