// The 835 remittance model: one ST…SE becomes one Remittance. Plain data, no behaviour.
// Field names are English; the X12 designator is in each field's doc comment. Money is integer cents.

import type { Delimiters } from '../x12/delimiters.js';
import type { Cents } from './money.js';

/** Where a model object came from in its file. */
export interface Origin {
  /** 1-based segment ordinal in the file. */
  segment: number;
  /** Byte offset of the segment. */
  byteOffset: number;
}

export interface Payment {
  /** BPR01 transaction handling code: C, D, H, I, P, U, X. */
  handlingCode: string;
  /** BPR02 total actual provider payment. */
  amount: Cents;
  /** BPR03 credit/debit flag: C or D. */
  creditDebit: string;
  /** BPR04 payment method: ACH, BOP, CHK, FWT, NON. */
  method: string;
  /** BPR05 payment format (CCP, CTX). */
  format: string;
  /** BPR16 check issue or EFT effective date, YYYY-MM-DD. */
  date: string | null;
}

export interface Trace {
  /** TRN01 trace type (1 = current transaction trace numbers). */
  type: string;
  /** TRN02 check or EFT trace number. */
  number: string;
  /** TRN03 payer identifier ("1" + EIN by convention). */
  payerId: string;
  /** TRN04 originating company supplemental code. */
  supplementalCode: string;
}

export interface Party {
  /** N102 name. */
  name: string;
  /** N103 identification code qualifier (XV, XX, FI, PI …). */
  idQualifier: string;
  /** N104 identification code. */
  id: string;
  /** REF*2U (payer) or REF*TJ (payee TIN) additional identification, when present. */
  additionalId: string;
}

export interface Adjustment {
  /** CAS01 claim adjustment group code: CO, PR, OA, PI (CR in 4010). */
  group: string;
  /** CAS02/05/08/11/14/17 claim adjustment reason code (CARC). */
  reason: string;
  /** CAS03/06/… amount; positive decreases the payment (835-domain.md §1.2). */
  amount: Cents;
  /** Set when the amount could not be read (counted as 0.00, shown as unknown). */
  unreadable?: true;
  /** CAS04/07/… quantity, as written (not money). */
  quantity: string;
  /** 1..6: which triplet of the CAS segment. */
  triplet: number;
  origin: Origin;
}

export interface ServiceLine {
  /** SVC01-1 product/service id qualifier (HC, NU, AD …). */
  procedureQualifier: string;
  /** SVC01-2 procedure code. */
  procedureCode: string;
  /** SVC01-3..6 modifiers. */
  modifiers: string[];
  /** SVC02 line item charge amount. */
  charge: Cents;
  /** SVC03 line item provider payment amount. */
  paid: Cents;
  /** SVC04 revenue code. */
  revenueCode: string;
  /** SVC05 units of service paid, as written. */
  units: string;
  /** DTM*472 service date, or DTM*150 start of the service period. */
  serviceDate: string | null;
  /** DTM*151 end of the service period. */
  serviceDateEnd: string | null;
  /** REF*6R line item control number. */
  lineControl: string;
  /** AMT*B6 allowed amount. */
  allowed: Cents | null;
  adjustments: Adjustment[];
  origin: Origin;
}

export interface Claim {
  /** CLP01 patient control number (the provider's claim id). */
  patientControlNumber: string;
  /** CLP02 claim status code (1, 2, 3, 4, 19-23, 25; 22 = reversal). */
  statusCode: string;
  /** CLP03 total claim charge. */
  charge: Cents;
  /** CLP04 claim payment amount. */
  paid: Cents;
  /** CLP05 patient responsibility (null when absent). */
  patientResponsibility: Cents | null;
  /** CLP06 claim filing indicator. */
  filingIndicator: string;
  /** CLP07 payer claim control number (ICN/DCN). */
  payerClaimControlNumber: string;
  /** CLP08 facility type code. */
  facilityType: string;
  /** CLP09 claim frequency code. */
  frequency: string;
  /** NM1*QC patient name (NM103 last, NM104 first). PHI. */
  patientLastName: string;
  patientFirstName: string;
  /** NM1*QC NM109 (or NM1*IL NM109 when QC has none): member id. PHI. */
  memberId: string;
  /** REF*F8 original reference number (the claim this one corrects). */
  originalReference: string;
  /** DTM*232 statement period start. */
  statementFrom: string | null;
  /** DTM*233 statement period end. */
  statementTo: string | null;
  /** DTM*050 date the payer received the claim. */
  receivedDate: string | null;
  /** AMT*I interest paid on this claim (claim-level). */
  interest: Cents | null;
  /** Claim-level (2100) CAS. */
  adjustments: Adjustment[];
  services: ServiceLine[];
  /**
   * The balancing amounts of this claim (CLP03, CLP04, SVC02, SVC03, CAS03 …) that could not be read, by
   * element: while any is, the claim cannot be known to balance and those amounts are shown as unknown
   * (issue #11: never a reassuring "balanced" or 0.00 on a guess).
   */
  unreadable: readonly string[];
  /** Set when a second N1*PR/N1*PE appeared before this claim: the payer or payee it was read under. */
  payer?: Party;
  payee?: Party;
  origin: Origin;
}

export interface ProviderAdjustment {
  /** PLB01 provider identifier. */
  providerId: string;
  /** PLB02 fiscal period date, YYYY-MM-DD (not a posting date: 835-domain.md §1.1). */
  fiscalPeriodDate: string | null;
  /** PLB03-1 (and 05-1 …) adjustment reason code, e.g. WO, FB, L6, 72. */
  reasonCode: string;
  /** PLB03-2 provider adjustment identifier, verbatim (spaces kept); null when absent. */
  reference: string | null;
  /** PLB04 (06 …) amount; positive = withheld from this payment (835-domain.md §1.2). */
  amount: Cents;
  /** Set when the amount could not be read (counted as 0.00, shown as unknown). */
  unreadable?: true;
  /** 1..6: which pair of its PLB segment (PLB03/04 is 1). */
  pair: number;
  /** Element designator of the identifier, e.g. PLB05. */
  element: string;
  origin: Origin;
}

export interface RemittanceTotals {
  /** Σ CLP03 */
  claimCharge: Cents;
  /** Σ CLP04 */
  claimPaid: Cents;
  /** Σ CLP04 of claims with a positive payment (reversals left out). */
  grossClaimPaid: Cents;
  /** Σ CLP05 */
  patientResponsibility: Cents;
  /** Σ PLB amounts (positive = withheld) */
  providerAdjustments: Cents;
  /** Σ AMT*I */
  claimInterest: Cents;
  /** Σ CAS amounts at claim and service level */
  claimAdjustments: Cents;
}

export interface Remittance {
  file: string;
  /** ISA13, null without an ISA. */
  interchangeControl: string | null;
  /** GS06, null without a GS. */
  groupControl: string | null;
  /** ST02. */
  transactionControl: string;
  /** GS08 (or ST03) implementation version, e.g. 005010X221A1. */
  version: string;
  /** Delimiters of the interchange it came in. */
  delimiters: Delimiters;
  origin: Origin;
  payment: Payment;
  trace: Trace;
  /** DTM*405 production date. */
  productionDate: string | null;
  payer: Party;
  payee: Party;
  /** All claims, unless the builder was told to stream them away (then empty; see claimCount). */
  claims: Claim[];
  claimCount: number;
  /** Claims with CLP04 > 0 (a reversal is not a payment). */
  claimsPaid: number;
  /** Every PLB adjustment pair, in file order. */
  providerAdjustments: ProviderAdjustment[];
  plbSegments: number;
  totals: RemittanceTotals;
  /** Segments from ST through SE. */
  segmentCount: number;
  /** False when the SE trailer was missing. */
  closed: boolean;
  /**
   * Balancing amounts anywhere in the remittance (BPR02, the claims', PLB amounts) that could not be read,
   * by element (BPR02 also when BPR is missing): while any is, the balance is unknown, never "balanced".
   */
  unreadable: readonly string[];
  /** How many error and warning diagnostics this remittance's content produced (bad amounts, missing BPR …). */
  errors: number;
  warnings: number;
}
