// `recoup trace`: the life of one claim from the ledger, printed as a table, JSON, CSV or the one-page HTML
// financial summary for an appeal; to standard output, or with -o to a file written whole or not at all.

import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type ClaimTrace, traceClaim } from '../analysis/claim-trace.js';
import { depositNote, depositsByRemittance, remittanceEventKey } from '../analysis/deposit-rows.js';
import { matchDeposits } from '../analysis/deposits.js';
import { redactName } from '../analysis/redact.js';
import { isOffsetIdLike, normalizeOffsetId } from '../analysis/offset-id.js';
import type { Ledger, OffsetIdMatch } from '../store/store.js';
import { RecoupError, usageError } from '../diagnostics/errors.js';
import { fileTarget, writeOut } from '../report/output.js';
import { renderTraceCsv, renderTraceJson, renderTraceTable } from '../report/trace.js';
import { renderTraceHtml } from '../report/trace-html.js';
import { ledgerDisplayName, openExistingLedger } from '../store/open.js';
import { todayDate } from '../x12/dates.js';
import type { Outcome } from './exit.js';
import { type CliIO, makeChalk } from './io.js';
import { loadConfig, matchOptions } from './config.js';
import { type FlagNames, ledgerPath, parseCliOptions, traceOptionsSchema } from './options.js';
import { pageOut } from './pager.js';

export async function runTrace(id: string, raw: unknown, io: CliIO, flags?: FlagNames): Promise<Outcome> {
  const opts = parseCliOptions(traceOptionsSchema, raw, flags);
  const config = loadConfig(opts.config, io.env);
  const path = ledgerPath(opts.ledger, io.env, config.ledger);
  if (path === undefined) throw usageError('recoup trace reads the ledger: give --ledger <file> (or set RECOUP_LEDGER)');
  if (opts.output !== undefined && (await kindOf(opts.output)) === 'directory') throw usageError(`-o ${opts.output} is a directory: give a file name (for example appeal.${opts.format === 'table' ? 'txt' : opts.format})`);
  const ledger = openExistingLedger(path);
  const today = todayDate();
  let t: ClaimTrace;
  try {
    // where each payment and offset landed in the bank, when the ledger holds statements
    const lines = ledger.bankLines();
    let deposit: ((file: string, trace: string, date: string) => string) | undefined;
    if (lines.length > 0) {
      const match = matchOptions(config);
      const byRemittance = depositsByRemittance(matchDeposits(lines, ledger.depositRemittances(), match));
      deposit = (file, trace, date) => depositNote(byRemittance.get(remittanceEventKey(file, trace, date)));
    }
    t = traceClaim(ledger, id.trim(), today, deposit);
    // an offset's id (recoup review) names the claim its link found
    if (!t.found) {
      const offset = offsetNamed(ledger, id);
      if (offset !== null) {
        const claim = offset.linkedClaimId === null ? null : ledger.claimById(offset.linkedClaimId);
        if (claim === null) {
          io.stderr.write(`recoup: offset ${offset.uid} is linked to no single claim: there is no claim to trace\n`);
          return 'not_found';
        }
        io.stderr.write(`recoup: offset ${offset.uid} is linked to claim ${claim.pcn || claim.icn}: its life follows\n`);
        t = traceClaim(ledger, claim.pcn || claim.icn, today, deposit);
      }
    }
  } finally {
    ledger.close();
  }
  if (!t.found) {
    io.stderr.write(`recoup: no claim with patient control number or payer claim number ${JSON.stringify(id)} in ${ledgerDisplayName(path)}\n`);
    return 'not_found';
  }
  if (opts.redact === true) t = { ...t, patient: redactName(t.patient) };
  if (opts.output !== undefined) {
    const text =
      opts.format === 'table' ? renderTraceTable(t, makeChalk(false, false, io.env)) : render(t, opts.format, today);
    await writeFile(opts.output, text);
    return 'ok';
  }
  if (opts.format === 'table') {
    // at a terminal the table fits its width, and goes through the pager when taller than it
    await pageOut(io, renderTraceTable(t, makeChalk(opts.color, io.stdoutIsTTY, io.env), io.stdoutIsTTY ? io.columns : undefined), { enabled: opts.pager });
    return 'ok';
  }
  await writeOut(io.stdout, render(t, opts.format, today));
  return 'ok';
}

/** The trace as text; the HTML page says the day its balances were counted to. */
function render(t: ClaimTrace, format: 'json' | 'csv' | 'html', asOf: string): string {
  return format === 'json' ? renderTraceJson(t) : format === 'csv' ? renderTraceCsv(t) : renderTraceHtml(t, { asOf });
}

/** The one offset a typed id (or a unique prefix of 6 or more) names, or null. */
function offsetNamed(ledger: Ledger, typed: string): OffsetIdMatch | null {
  const id = normalizeOffsetId(typed);
  if (!isOffsetIdLike(id)) return null;
  const found = ledger.offsetsByIdPrefix(id);
  const exact = found.filter((m) => m.uid === id);
  const pick = exact.length === 1 ? exact : found;
  return pick.length === 1 ? pick[0]! : null;
}

async function kindOf(path: string): Promise<'directory' | 'other' | 'missing'> {
  try {
    return (await stat(path)).isDirectory() ? 'directory' : 'other';
  } catch {
    return 'missing';
  }
}

/** Writes `text` to `path` through a temporary file renamed into place (0600: a trace names a patient). */
async function writeFile(path: string, text: string): Promise<void> {
  const target = await fileTarget(path).catch(async (err: NodeJS.ErrnoException) => {
    const why = err.code === 'ENOENT' && (await kindOf(dirname(path))) === 'missing' ? `the folder ${dirname(path)} does not exist` : (err.code ?? err.message);
    throw new RecoupError('IO_OUTPUT', `cannot write ${path}: ${why}`);
  });
  try {
    await writeOut(target.stream, text);
    await target.commit();
  } catch (err) {
    await target.abort();
    throw new RecoupError('IO_OUTPUT', `cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; the incomplete file was removed`);
  }
}
