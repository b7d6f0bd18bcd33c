// Code lists recoup explains in its own words: the 41 PLB adjustment reason codes of 5010 (PLB03-1,
// 835-domain.md §2), CAS group codes, CLP02 claim statuses — and the category of a PLB offset, which
// depends on code *and* sign. X12's CARC/RARC text is copyrighted (§5): we ship codes only, and read a
// user's licensed list with --carc-file (src/input/carc-file.ts).

/** Our one-line paraphrases of the 5010 PLB03-1 reason codes (element 426). */
export const PLB_REASONS: Readonly<Record<string, string>> = {
  '50': 'Late charge (late filing or late cost report penalty)',
  '51': 'Interest penalty charge (interest assessed for late filing)',
  '72': 'Authorized return (a refund the provider sent, acknowledged)',
  '90': 'Early payment allowance',
  AH: 'Origination fee (transmission fee not tied to a claim)',
  AM: "Applied to borrower's account (loan repayment)",
  AP: 'Acceleration of benefits (advance payment, or its repayment)',
  B2: 'Rebate',
  B3: 'Recovery allowance',
  BD: 'Bad debt adjustment',
  BN: 'Bonus',
  C5: 'Temporary allowance',
  CR: 'Capitation interest',
  CS: 'Adjustment (general; see the reference)',
  CT: 'Capitation payment',
  CV: 'Capital pass-through',
  CW: 'Certified registered nurse anesthetist pass-through',
  DM: 'Direct medical education pass-through',
  E3: 'Withholding',
  FB: 'Forwarding balance (carried between remittances)',
  FC: 'Fund allocation',
  GO: 'Graduate medical education pass-through',
  HM: 'Hemophilia clotting factor supplement',
  IP: 'Incentive premium payment',
  IR: 'Internal Revenue Service withholding',
  IS: 'Interim settlement',
  J1: 'Nonreimbursable',
  L3: 'Penalty',
  L6: 'Interest owed (interest on claims in this remittance)',
  LE: 'Levy',
  LS: 'Lump sum',
  OA: 'Organ acquisition pass-through',
  OB: 'Offset for affiliated providers',
  PI: 'Periodic interim payment',
  PL: 'Payment final',
  RA: 'Retroactivity adjustment',
  RE: 'Return on equity',
  SL: 'Student loan repayment',
  TL: 'Third party liability',
  WO: 'Overpayment recovery',
  WU: 'Unspecified recovery',
};

export const CAS_GROUPS: Readonly<Record<string, string>> = {
  CO: 'Contractual obligation (provider write-off, not billed to the patient)',
  PR: 'Patient responsibility',
  OA: 'Other adjustment',
  PI: 'Payer-initiated reduction',
  CR: 'Correction or reversal (4010 only)',
};

export const CLAIM_STATUSES: Readonly<Record<string, string>> = {
  '1': 'Processed as primary',
  '2': 'Processed as secondary',
  '3': 'Processed as tertiary',
  '4': 'Denied',
  '19': 'Processed as primary, forwarded to another payer',
  '20': 'Processed as secondary, forwarded to another payer',
  '21': 'Processed as tertiary, forwarded to another payer',
  '22': 'Reversal of previous payment',
  '23': 'Not our claim, forwarded to another payer',
  '25': 'Predetermination pricing only, no payment',
};

export type OffsetCategory = 'recoupment' | 'deferred_recoupment' | 'refund_acknowledged' | 'interest' | 'penalty' | 'withholding' | 'other';

export const OFFSET_CATEGORIES: readonly OffsetCategory[] = ['recoupment', 'deferred_recoupment', 'refund_acknowledged', 'interest', 'penalty', 'withholding', 'other'];

/**
 * Category of a PLB adjustment (issue #3). Sign rule (835-domain.md §1.2): positive = withheld from this
 * payment, negative = added to it.
 */
export function categorizeOffset(code: string, amountCents: number): OffsetCategory {
  const positive = amountCents > 0;
  const negative = amountCents < 0;
  switch (code) {
    case 'WO':
      return positive ? 'recoupment' : negative ? 'deferred_recoupment' : 'other';
    case 'FB':
      // §1 / 4010 note: FB negative = balance forwarded to a later remittance; positive = collected now
      return positive ? 'recoupment' : negative ? 'deferred_recoupment' : 'other';
    case 'WU':
    case 'OB':
      return positive ? 'recoupment' : 'other';
    case '72':
      return negative ? 'refund_acknowledged' : 'other';
    case 'L6':
      return 'interest';
    case '50':
    case '51':
    case 'L3':
      return 'penalty';
    case 'E3':
    case 'IR':
    case 'LE':
    case 'SL':
      return 'withholding';
    case 'AP':
      return positive ? 'withholding' : 'other';
    default:
      return 'other';
  }
}

export function isKnownPlbCode(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(PLB_REASONS, code);
}
