// --redact: masks patient data (PHI) in report rows while keeping enough to recognise a patient —
// initials for names, the last four characters of a member id. Which columns hold PHI is declared in
// the column contract (rows.ts, `phi: true`).

import { COLUMNS, type ReportName, type Row } from './rows.js';

/** "DOE, JANE" → "D., J."; "DOE" → "D." */
export function redactName(name: string): string {
  if (name.trim() === '') return name;
  return name
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => `${part[0]}.`)
    .join(', ');
}

/** "ACM100200301" → "********0301"; four characters or fewer are fully masked. */
export function redactMemberId(id: string): string {
  if (id === '') return id;
  if (id.length <= 4) return '*'.repeat(id.length);
  return '*'.repeat(id.length - 4) + id.slice(-4);
}

const phiColumns: Record<string, Map<string, (v: string) => string>> = {};
for (const [report, cols] of Object.entries(COLUMNS)) {
  const m = new Map<string, (v: string) => string>();
  for (const c of cols) if (c.phi) m.set(c.key, c.key === 'member_id' ? redactMemberId : redactName);
  phiColumns[report] = m;
}

export function redactRow(report: ReportName, row: Row): Row {
  const m = phiColumns[report]!;
  if (m.size === 0) return row;
  const out: Row = { ...row };
  for (const [key, mask] of m) if (out[key] !== undefined) out[key] = mask(out[key]!);
  return out;
}
