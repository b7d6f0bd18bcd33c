// The X12 balancing rules (TR3 §1.10.2.1, quoted in 835-domain.md §1.3) and the BPR zero-payment and
// interest checks. Pure functions over the model; each failure is a diagnostic naming the claim or
// service and the difference in dollars.

import { type Diagnostic, type DiagnosticCode, makeDiagnostic } from '../diagnostics/diagnostics.js';
import type { Claim, Remittance } from '../remit/model.js';
import { type Cents, formatCents } from '../remit/money.js';

/** yes: every equation holds; no: one fails; unknown: an amount it needs could not be read (or BPR is missing). */
export type BalanceState = 'yes' | 'no' | 'unknown';

export interface BalanceResult {
  balanced: BalanceState;
  /** computed − reported, in cents (0 when balanced); null when unknown — never a reassuring 0.00. */
  difference: Cents | null;
  diagnostics: Diagnostic[];
}

function diag(code: DiagnosticCode, message: string, file: string, origin: { segment: number; byteOffset: number }, segmentId: string): Diagnostic {
  return makeDiagnostic(code, message, { file, segment: origin.segment, byteOffset: origin.byteOffset, segmentId });
}

/** Service: SVC02 − Σ 2110 CAS = SVC03. Claim: CLP03 − Σ (2100 and 2110 CAS) = CLP04. */
export function checkClaimBalance(claim: Claim, file: string): BalanceResult {
  // an amount that could not be read counts as 0.00: any difference would be made up (issue #11 §2)
  if (claim.unreadable.length > 0) return { balanced: 'unknown', difference: null, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  let casTotal = 0;
  for (const a of claim.adjustments) casTotal += a.amount;
  claim.services.forEach((s, i) => {
    let serviceCas = 0;
    for (const a of s.adjustments) serviceCas += a.amount;
    casTotal += serviceCas;
    const computed = s.charge - serviceCas;
    if (computed !== s.paid) {
      diagnostics.push(
        diag(
          'BALANCE_SERVICE',
          `service line ${i + 1} (${s.procedureCode || 'no procedure'}) of the claim at byte ${claim.origin.byteOffset} does not balance: SVC02 ${formatCents(s.charge)} − adjustments ${formatCents(serviceCas)} = ${formatCents(computed)}, SVC03 is ${formatCents(s.paid)} (difference ${formatCents(computed - s.paid)})`,
          file,
          s.origin,
          'SVC',
        ),
      );
    }
  });
  const computed = claim.charge - casTotal;
  const difference = computed - claim.paid;
  if (difference !== 0) {
    diagnostics.push(
      diag(
        'BALANCE_CLAIM',
        `the claim at byte ${claim.origin.byteOffset} does not balance: CLP03 ${formatCents(claim.charge)} − adjustments ${formatCents(casTotal)} = ${formatCents(computed)}, CLP04 is ${formatCents(claim.paid)} (difference ${formatCents(difference)})`,
        file,
        claim.origin,
        'CLP',
      ),
    );
  }
  return { balanced: diagnostics.length === 0 ? 'yes' : 'no', difference, diagnostics };
}

/** Transaction: Σ CLP04 − Σ PLB = BPR02; plus the BPR zero-payment rule and L6 vs Σ AMT*I. */
export function checkRemittanceBalance(r: Remittance, l6Total: Cents): BalanceResult {
  const diagnostics: Diagnostic[] = [];
  const known = r.unreadable.length === 0;
  const computed = r.totals.claimPaid - r.totals.providerAdjustments;
  const difference = computed - r.payment.amount;
  if (known && difference !== 0) {
    diagnostics.push(
      diag(
        'BALANCE_REMITTANCE',
        `remittance ST ${r.transactionControl} (trace ${r.trace.number || '?'}) does not balance: claim payments ${formatCents(r.totals.claimPaid)} − provider adjustments ${formatCents(r.totals.providerAdjustments)} = ${formatCents(computed)}, BPR02 is ${formatCents(r.payment.amount)} (difference ${formatCents(difference)})`,
        r.file,
        r.origin,
        'ST',
      ),
    );
  }
  const h = r.payment.handlingCode;
  // 835-domain.md §1.4: BPR02 cannot be negative; zero only with BPR01 H (+ NON) or P (prenote).
  if (r.payment.amount < 0) {
    diagnostics.push(diag('BALANCE_ZERO_PAYMENT', `remittance ST ${r.transactionControl}: BPR02 is negative (${formatCents(r.payment.amount)}); a net-negative 835 needs an FB adjustment`, r.file, r.origin, 'ST'));
  } else if (r.payment.amount === 0 && !r.unreadable.includes('BPR02') && h !== 'H' && h !== 'P' && h !== '') {
    diagnostics.push(diag('BALANCE_ZERO_PAYMENT', `remittance ST ${r.transactionControl}: BPR02 is 0.00 but BPR01 is ${h}, not H (notification only) or P (prenote)`, r.file, r.origin, 'ST'));
  }
  // L6 is negative when interest is paid; AMT*I is positive (835-domain.md §2 L6 row).
  if (-l6Total !== r.totals.claimInterest && (l6Total !== 0 || r.totals.claimInterest !== 0)) {
    diagnostics.push(
      diag(
        'BALANCE_INTEREST',
        `remittance ST ${r.transactionControl}: PLB L6 interest ${formatCents(-l6Total)} differs from the claims' AMT*I total ${formatCents(r.totals.claimInterest)}`,
        r.file,
        r.origin,
        'ST',
      ),
    );
  }
  if (!known) return { balanced: 'unknown', difference: null, diagnostics };
  return { balanced: difference === 0 ? 'yes' : 'no', difference, diagnostics };
}
