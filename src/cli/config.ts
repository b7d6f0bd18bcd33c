// The config file: `recoup.config.json`, found by walking up from the working directory, or named by
// --config / RECOUP_CONFIG. Defaults an office sets once — the ledger, --fail-on, --escalate-over, where
// reports are written — and payer aliases. Validated with zod; flags given on the command line win.

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { normalizePayerName, type PayerAlias } from '../analysis/payer-aliases.js';
import { AppealWindows, DEFAULT_APPEAL_DAYS } from '../analysis/review.js';
import { RecoupError } from '../diagnostics/errors.js';
import type { Cents } from '../remit/money.js';
import type { BankCsvMapping } from '../bank/model.js';
import { amount, type FailOn, failOnList } from './options.js';

export const CONFIG_FILE = 'recoup.config.json';

const text = z.string().trim().min(1, 'must not be empty');
/** `--fail-on` as in the file: a list, or one comma-separated string; checked by the command's own schema. */
const list = z.union([z.array(text), text]).transform((v) => (Array.isArray(v) ? v : [v]));

/** A window of days around the payment date: [earliest, latest], earliest ≤ latest. */
const dayWindow = z
  .tuple([z.number().int().min(-30).max(120), z.number().int().min(-30).max(120)])
  .refine(([lo, hi]) => lo <= hi, { message: 'the first day must not be after the second' });

const header = text;
const bankSchema = z
  .object({
    csv: z
      .object({
        date: header.optional(),
        amount: header.optional(),
        credit: header.optional(),
        debit: header.optional(),
        description: header.optional(),
        reference: header.optional(),
        account: header.optional(),
        type: header.optional(),
        dateFormat: z.enum(['MM/DD/YYYY', 'DD/MM/YYYY', 'YYYY-MM-DD']).optional(),
      })
      .strict()
      .refine((m) => m.date !== undefined, { message: 'needs "date": the header of the date column' })
      .refine((m) => m.amount !== undefined || m.credit !== undefined || m.debit !== undefined, { message: 'needs "amount", or "credit" and/or "debit": the headers of the money columns' })
      .optional(),
    /** EFT: business days from the payment date (BPR16) to the deposit. */
    eftWindow: dayWindow.optional(),
    /** Checks: calendar days from the check date to the deposit. */
    checkWindow: dayWindow.optional(),
  })
  .strict();

const configSchema = z
  .object({
    bank: bankSchema.optional(),
    ledger: text.optional(),
    failOn: list.optional(),
    escalateOver: z.union([text, z.number().nonnegative()]).transform(String).optional(),
    output: text.optional(),
    /** The appeal window of payers that do not set their own (default 60 days). */
    appealDays: z.number().int().min(1).max(3650).optional(),
    /** How many days ahead --fail-on due and `review list --due-within` look by default (7). */
    dueWithin: z.number().int().min(0).max(3650).optional(),
    payers: z
      .array(
        z
          .object({
            id: text,
            name: text,
            aliases: z.array(text).default([]),
            /** This payer's appeal window: days from an offset's payment date (issue 16). */
            appealDays: z.number().int().min(1).max(3650).optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

export interface Config {
  /** Where it was read from (undefined: no config file). */
  path: string | undefined;
  ledger?: string;
  failOn?: Set<FailOn>;
  escalateOver?: Cents;
  output?: string;
  payers: PayerAlias[];
  /** The appeal windows (issue 16): the default and each payer's own, by its id as reports show it. */
  appealWindows: AppealWindows;
  /** The days ahead --fail-on due looks (config dueWithin, default 7). */
  dueWithin?: number;
  /** Bank statements: how to read a bank's CSV export, and the deposit date windows. */
  bank?: { csv?: BankCsvMapping; eftWindow?: readonly [number, number]; checkWindow?: readonly [number, number] };
}

function configError(path: string, message: string): RecoupError {
  return new RecoupError('CONFIG_INVALID', `${path}: ${message}`);
}

/** `~/x` → the home folder; a relative path → relative to the config file's folder. */
function pathFrom(file: string, p: string): string {
  if (p === '~' || p.startsWith('~/')) return join(homedir(), p.slice(1));
  if (p.includes('://') || isAbsolute(p)) return p;
  return resolve(dirname(file), p);
}

/** The config file to read: --config, else RECOUP_CONFIG, else the nearest recoup.config.json upward. */
export function findConfig(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  if (flag !== undefined) return resolve(cwd, flag);
  if (env.RECOUP_CONFIG) return resolve(cwd, env.RECOUP_CONFIG);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Reads and checks the config file; a missing file named on purpose, bad JSON or a bad value is CONFIG_INVALID. */
export function loadConfig(flag: string | undefined, env: NodeJS.ProcessEnv, cwd = process.cwd()): Config {
  const path = findConfig(flag, env, cwd);
  if (path === undefined) return { path: undefined, payers: [], appealWindows: new AppealWindows() };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw configError(path, code === 'ENOENT' ? 'does not exist' : code ? `cannot be read (${code})` : `is not JSON (${(err as Error).message})`);
  }
  const r = configSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    const NESTED: Record<string, string> = { bank: 'csv, eftWindow, checkWindow', 'bank.csv': 'date, amount, credit, debit, description, reference, account, type, dateFormat' };
    const known = NESTED[issue.path.join('.')] ?? (issue.path[0] === 'payers' && issue.path.length === 2 ? 'id, name, aliases, appealDays' : 'ledger, failOn, escalateOver, output, appealDays, dueWithin, payers, bank');
    const message = issue.code === 'unrecognized_keys' ? `unknown setting ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; settings are ${known}` : issue.message;
    throw configError(path, `${where}${message}`);
  }
  const c = r.data;
  // the values flags also take are checked by the flags' own rules, and named as settings of this file
  const asFlag = <T>(schema: z.ZodType<T>, value: unknown, setting: string): T => {
    const v = schema.safeParse(value);
    if (!v.success) throw configError(path, `${setting}: ${v.error.issues[0]!.message}`);
    return v.data;
  };
  const failOn = c.failOn !== undefined ? asFlag(failOnList, c.failOn, 'failOn') : undefined;
  const escalateOver = c.escalateOver !== undefined ? asFlag(amount, c.escalateOver, 'escalateOver') : undefined;
  const seen = new Map<string, string>();
  for (const p of c.payers ?? []) {
    for (const a of [p.id, p.name, ...p.aliases]) {
      const key = normalizePayerName(a);
      const owner = seen.get(key);
      if (owner !== undefined && owner !== p.id) throw configError(path, `payers: ${JSON.stringify(a)} is listed for two payers (${owner} and ${p.id})`);
      seen.set(key, p.id);
    }
  }
  return {
    path,
    ...(c.ledger !== undefined ? { ledger: pathFrom(path, c.ledger) } : {}),
    ...(failOn !== undefined ? { failOn } : {}),
    ...(escalateOver !== undefined ? { escalateOver } : {}),
    ...(c.output !== undefined ? { output: pathFrom(path, c.output) } : {}),
    payers: c.payers ?? [],
    appealWindows: new AppealWindows(new Map((c.payers ?? []).filter((p) => p.appealDays !== undefined).map((p) => [p.id, p.appealDays!])), c.appealDays ?? DEFAULT_APPEAL_DAYS),
    ...(c.dueWithin !== undefined ? { dueWithin: c.dueWithin } : {}),
    ...(c.bank !== undefined ? { bank: c.bank as NonNullable<Config['bank']> } : {}),
  };
}

/** The deposit date windows the config sets (bank.eftWindow, bank.checkWindow), for deposit matching. */
export function matchOptions(config: Config): { eftWindow?: readonly [number, number]; checkWindow?: readonly [number, number] } {
  return { ...(config.bank?.eftWindow ? { eftWindow: config.bank.eftWindow } : {}), ...(config.bank?.checkWindow ? { checkWindow: config.bank.checkWindow } : {}) };
}

/**
 * The config's output folder as this run's -o, when the command line gave none and the output is not a
 * table for the terminal: CSV writes one <report>.csv per report in it; JSON, NDJSON and a workbook are one
 * file named after the reports (summary-offsets.json). The folder is created when missing.
 */
export function outputFromConfig(config: Config, format: string, reports: readonly string[]): string | undefined {
  if (config.output === undefined || format === 'table') return undefined;
  try {
    if (!existsSync(config.output)) mkdirSync(config.output, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new RecoupError('IO_OUTPUT', `cannot create the output folder ${config.output} (from ${config.path}): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return format === 'csv' ? join(config.output, '/') : join(config.output, `${reports.join('-')}.${format}`);
}
