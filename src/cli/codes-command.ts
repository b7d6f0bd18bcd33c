// `recoup codes [code]`: explains PLB reason codes, CAS group codes, CLP02 claim statuses, and CARCs
// from the user's licensed list (--carc-file). A code can mean different things in different places
// (CR, OA, PI are both PLB reasons and CAS groups; 50 is a PLB reason and a CARC): all are shown.

import { CAS_GROUPS, CLAIM_STATUSES, categorizeOffset, PLB_REASONS } from '../analysis/codes.js';
import { loadCarcFile } from '../input/carc-file.js';
import { writeOut } from '../report/output.js';
import type { Outcome } from './exit.js';
import type { CliIO } from './io.js';
import { codesOptionsSchema, type FlagNames, parseCliOptions } from './options.js';

function plbLine(code: string, text: string): string {
  const pos = categorizeOffset(code, 1);
  const neg = categorizeOffset(code, -1);
  const cat = pos === neg ? pos : `positive: ${pos}, negative: ${neg}`;
  return `  ${code.padEnd(4)} ${text}  [${cat}]`;
}

export async function runCodes(code: string | undefined, raw: unknown, io: CliIO, flags?: FlagNames): Promise<Outcome> {
  const opts = parseCliOptions(codesOptionsSchema, raw, flags);
  const carc = opts.carcFile ? await loadCarcFile(opts.carcFile) : undefined;
  const out: string[] = [];
  if (code === undefined) {
    out.push('PLB provider adjustment reason codes (PLB03-1, 5010) — a positive amount is withheld from the check, a negative one added:');
    for (const [c, t] of Object.entries(PLB_REASONS)) out.push(plbLine(c, t));
    out.push('', 'CAS claim adjustment group codes (CAS01):');
    for (const [c, t] of Object.entries(CAS_GROUPS)) out.push(`  ${c.padEnd(4)} ${t}`);
    out.push('', 'Claim status codes (CLP02):');
    for (const [c, t] of Object.entries(CLAIM_STATUSES)) out.push(`  ${c.padEnd(4)} ${t}`);
    out.push('', carc ? `CARC (from your list): ${carc.size} codes; run recoup codes <code> --carc-file … to look one up` : 'CARC descriptions are X12 copyright: give --carc-file <csv> (code,description) from your licensed list to look them up.');
    await writeOut(io.stdout, out.join('\n') + '\n');
    return 'ok';
  }
  const q = code.trim().toUpperCase();
  if (PLB_REASONS[q]) out.push(`PLB reason code ${plbLine(q, PLB_REASONS[q]!).trimStart()}`);
  if (CAS_GROUPS[q]) out.push(`CAS group code ${q}  ${CAS_GROUPS[q]}`);
  if (CLAIM_STATUSES[q]) out.push(`Claim status (CLP02) ${q}  ${CLAIM_STATUSES[q]}`);
  if (carc?.has(q)) out.push(`CARC ${q}  ${carc.get(q)}`);
  if (out.length === 0) {
    io.stderr.write(`recoup: ${JSON.stringify(code)} is not a PLB reason code, CAS group code or claim status${carc ? ', nor in your CARC list' : ' (for CARCs give --carc-file)'}\n`);
    return 'not_found';
  }
  await writeOut(io.stdout, out.join('\n') + '\n');
  return 'ok';
}
