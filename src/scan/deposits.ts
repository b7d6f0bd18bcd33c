// The deposits a scan reports: matching over what the recorder holds (the run's statements and ERAs, or
// the whole ledger's, so an ERA read today settles yesterday's deposit), narrowed to what concerns this
// run — its statements' lines, deposits that carry its ERAs, and ERAs without a deposit that were due in
// its statements' dates or read in this run.

import { type DepositMatch, matchDeposits, type MatchOptions } from '../analysis/deposits.js';
import type { DepositInputs } from './recorder.js';

export function runDeposits(inputs: DepositInputs, options: MatchOptions = {}): DepositMatch[] {
  const matches = matchDeposits(inputs.lines, inputs.remittances, options);
  let first: string | null = null;
  let last: string | null = null;
  for (const l of inputs.lines) {
    if (l.date === null || !inputs.isRunLine(l)) continue;
    if (first === null || l.date < first) first = l.date;
    if (last === null || l.date > last) last = l.date;
  }
  return matches.filter((m) => {
    if (m.line !== null) return inputs.isRunLine(m.line) || m.remittances.some(inputs.isRunRemittance) || m.possible.some(inputs.isRunRemittance);
    if (m.remittances.some(inputs.isRunRemittance)) return true;
    // an ERA from an earlier run: when its deposit was due within this run's statements
    return m.window != null && first !== null && last !== null && m.window[0] <= last && m.window[1] >= first;
  });
}
