// `recoup trace`: the life of one claim from the ledger, printed as a table, JSON or CSV.

import { traceClaim } from '../analysis/claim-trace.js';
import { depositNote, depositsByRemittance, remittanceEventKey } from '../analysis/deposit-rows.js';
import { matchDeposits } from '../analysis/deposits.js';
import { usageError } from '../diagnostics/errors.js';
import { writeOut } from '../report/output.js';
import { renderTraceCsv, renderTraceJson, renderTraceTable } from '../report/trace.js';
import { openExistingLedger } from '../store/open.js';
import { todayDate } from '../x12/dates.js';
import type { Outcome } from './exit.js';
import { type CliIO, makeChalk } from './io.js';
import { loadConfig } from './config.js';
import { type FlagNames, ledgerPath, parseCliOptions, traceOptionsSchema } from './options.js';
import { pageOut } from './pager.js';

export async function runTrace(id: string, raw: unknown, io: CliIO, flags?: FlagNames): Promise<Outcome> {
  const opts = parseCliOptions(traceOptionsSchema, raw, flags);
  const config = loadConfig(opts.config, io.env);
  const path = ledgerPath(opts.ledger, io.env, config.ledger);
  if (path === undefined) throw usageError('recoup trace reads the ledger: give --ledger <file> (or set RECOUP_LEDGER)');
  const ledger = openExistingLedger(path);
  let t;
  try {
    // where each payment and offset landed in the bank, when the ledger holds statements
    const lines = ledger.bankLines();
    let deposit: ((file: string, trace: string, date: string) => string) | undefined;
    if (lines.length > 0) {
      const match = { ...(config.bank?.eftWindow ? { eftWindow: config.bank.eftWindow } : {}), ...(config.bank?.checkWindow ? { checkWindow: config.bank.checkWindow } : {}) };
      const byRemittance = depositsByRemittance(matchDeposits(lines, ledger.depositRemittances(), match));
      deposit = (file, trace, date) => depositNote(byRemittance.get(remittanceEventKey(file, trace, date)));
    }
    t = traceClaim(ledger, id.trim(), todayDate(), deposit);
  } finally {
    ledger.close();
  }
  if (!t.found) {
    io.stderr.write(`recoup: no claim with patient control number or payer claim number ${JSON.stringify(id)} in ${path}\n`);
    return 'not_found';
  }
  if (opts.format === 'table') {
    // at a terminal the table fits its width, and goes through the pager when taller than it
    await pageOut(io, renderTraceTable(t, makeChalk(opts.color, io.stdoutIsTTY, io.env), io.stdoutIsTTY ? io.columns : undefined), { enabled: opts.pager });
    return 'ok';
  }
  await writeOut(io.stdout, opts.format === 'json' ? renderTraceJson(t) : renderTraceCsv(t));
  return 'ok';
}
