// Every command's options: commander declares the flags (main.ts), one zod schema per command turns what
// commander parsed into typed options (report names, --fail-on conditions, amounts in cents, dates).
// Every invalid value is one usage error in one format, `<flag as typed>: <what is wrong>`.

import { z } from 'zod';
import { OFFSET_CATEGORIES } from '../analysis/codes.js';
import { REVIEW_STATUSES, type ReviewStatus } from '../analysis/review.js';
import { REPORT_NAMES, type ReportName } from '../analysis/rows.js';
import { usageError } from '../diagnostics/errors.js';
import { type Cents, parseAmount } from '../remit/money.js';
import { isCalendarDate } from '../x12/dates.js';

export const FORMATS = ['table', 'csv', 'json', 'ndjson', 'xlsx', 'html'] as const;
export type Format = (typeof FORMATS)[number];

export const FAIL_ON = ['unbalanced', 'unlinked', 'escalated', 'warnings', 'deposits', 'due', 'unapproved'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** The reports each format gives when --report is not used. */
export const DEFAULT_REPORTS: Readonly<Record<Format, readonly ReportName[]>> = {
  table: ['summary', 'offsets'],
  csv: ['offsets'],
  json: ['summary', 'payments', 'offsets'],
  ndjson: ['summary', 'payments', 'offsets'],
  xlsx: ['summary', 'payments', 'offsets', 'balances'],
  // the dashboard (issue 15): what its tiles, charts and tables are made of
  html: ['summary', 'offsets', 'balances', 'aging'],
};

/** With --bank and no --report: the deposits first (the morning question), and the offsets that explain a short one. */
export const BANK_DEFAULT_REPORTS: Readonly<Record<Format, readonly ReportName[]>> = {
  table: ['deposits', 'offsets'],
  csv: ['deposits'],
  json: ['summary', 'payments', 'offsets', 'deposits'],
  ndjson: ['summary', 'payments', 'offsets', 'deposits'],
  xlsx: ['summary', 'deposits', 'payments', 'offsets', 'balances'],
  html: ['summary', 'offsets', 'balances', 'aging', 'deposits'],
};

const NEEDS_VALUE = 'needs a value';
const path = z.string().min(1, NEEDS_VALUE);

/** Comma-separated or repeated words (`--report a,b --report c`): each as typed (for messages) and as a name. */
function words(values: readonly string[]): Array<{ typed: string; name: string }> {
  return values
    .flatMap((v) => v.split(','))
    .map((typed) => ({ typed, name: typed.trim().toLowerCase() }))
    .filter((w) => w.name !== '');
}

const reportList = z.array(z.string()).transform((values, ctx): ReportName[] => {
  const out: ReportName[] = [];
  for (const { typed, name } of words(values)) {
    if (name === 'all') {
      for (const r of REPORT_NAMES) if (!out.includes(r)) out.push(r);
      continue;
    }
    if (!(REPORT_NAMES as readonly string[]).includes(name)) {
      ctx.addIssue({ code: 'custom', message: `unknown report ${JSON.stringify(typed)}; choose from ${REPORT_NAMES.join(', ')}` });
      return z.NEVER;
    }
    if (!out.includes(name as ReportName)) out.push(name as ReportName);
  }
  if (out.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'needs at least one report name' });
    return z.NEVER;
  }
  return out;
});

export const failOnList = z.array(z.string()).transform((values, ctx): Set<FailOn> => {
  const out = new Set<FailOn>();
  for (const { typed, name } of words(values)) {
    if (!(FAIL_ON as readonly string[]).includes(name)) {
      ctx.addIssue({ code: 'custom', message: `unknown condition ${JSON.stringify(typed)}; choose from ${FAIL_ON.join(', ')}` });
      return z.NEVER;
    }
    out.add(name as FailOn);
  }
  return out;
});

/**
 * A non-negative amount as people type it (`500`, `1,250.00`, `$75`) → cents. Never parseFloat. A comma
 * is only a thousands separator (`1,250`): `2,50` (a decimal comma) is refused, never read as 250.
 */
export const amount = z.string().transform((text, ctx): Cents => {
  const plain = text.trim().replace(/^\$\s*/, '');
  const grouped = /^\d{1,3}(,\d{3})+(\.\d*)?$/.test(plain);
  const p = plain.includes(',') && !grouped ? ({ ok: false } as const) : parseAmount(plain.replaceAll(',', ''));
  if (!p.ok || p.cents < 0) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not an amount (for example 500 or 1250.00)` });
    return z.NEVER;
  }
  return p.cents;
});

const calendarDate = z.string().refine((text) => isCalendarDate(text, 1900), {
  error: (issue) => `${JSON.stringify(issue.input)} is not a date; expected a real calendar date YYYY-MM-DD (year 1900 or later), e.g. 2024-03-31`,
});

/** The output flags scan and report share: a format (or its shorthand) and where it goes. */
const outputFlags = {
  format: z.enum(FORMATS).optional(),
  csv: z.boolean().optional(),
  json: z.boolean().optional(),
  xlsx: z.boolean().optional(),
  output: path.optional(),
};

type FormatFlags = { format?: Format | undefined; csv?: boolean | undefined; json?: boolean | undefined; xlsx?: boolean | undefined };

/** At most one of --format, --csv, --json and --xlsx; checked even when another value is wrong, so it is reported before the late ones. */
const oneFormat: [(o: FormatFlags) => boolean, { message: string; path: string[]; when: () => boolean }] = [
  (o) => [o.format !== undefined, o.csv === true, o.json === true, o.xlsx === true].filter(Boolean).length <= 1,
  { message: 'choose one of --format, --csv, --json and --xlsx', path: ['format'], when: () => true },
];

/** The format the flags name (table when none). */
const formatOf = (o: FormatFlags): Format =>
  o.csv ? 'csv' : o.json ? 'json' : o.xlsx ? 'xlsx' : (o.format ?? 'table');

/** The flags of `recoup scan` as commander gives them (every key is a flag; tests hold them to commander's list). */
export const scanFlagsSchema = z.object({
  ...outputFlags,
  carcFile: path.optional(),
  ledger: path.optional(),
  bank: z.array(path).optional(),
  asOf: calendarDate.optional(),
  color: z.boolean(),
  quiet: z.boolean().optional(),
  verbose: z.boolean().optional(),
  newOnly: z.boolean().optional(),
  redact: z.boolean().optional(),
  pager: z.boolean(),
  config: path.optional(),
  report: reportList.optional(),
  failOn: failOnList.optional(),
  escalateOver: amount.optional(),
  jobs: z
    .string()
    .refine((t) => /^\d{1,3}$/.test(t.trim()) && Number(t.trim()) >= 1, { error: (issue) => `${JSON.stringify(issue.input)} is not a number of worker threads (1 or more; 1 reads in this thread only)` })
    .transform((t) => Number(t.trim()))
    .optional(),
});

/**
 * When several values are wrong, the one reported first: plain values (in the order above), then the
 * format conflict, then the lists and amounts (as recoup has always checked them).
 */
const SCAN_LATE_ISSUES = ['report', 'failOn', 'escalateOver'];

export const scanOptionsSchema = scanFlagsSchema
  .refine(...oneFormat)
  .refine((o) => o.format !== 'html' || o.report === undefined, { message: 'html writes the dashboard (its tiles, charts and tables come from summary, offsets, balances and aging): leave out --report', path: ['format'] })
  .transform((o) => {
    const format = formatOf(o);
    return {
      format,
      reports: o.report ?? [...(o.bank ? BANK_DEFAULT_REPORTS : DEFAULT_REPORTS)[format]],
      output: o.output,
      carcFile: o.carcFile,
      ledger: o.ledger,
      bank: o.bank ?? [],
      asOf: o.asOf,
      color: o.color,
      quiet: o.quiet === true,
      verbose: o.verbose === true,
      failOn: o.failOn ?? new Set<FailOn>(),
      escalateOver: o.escalateOver,
      newOnly: o.newOnly === true,
      redact: o.redact === true,
      pager: o.pager,
      config: o.config,
      jobs: o.jobs,
    };
  });

export type ScanCliOptions = z.output<typeof scanOptionsSchema>;

/** An offset category (recoupment, interest, …). */
const category = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .refine((v) => (OFFSET_CATEGORIES as readonly string[]).includes(v), { error: (issue) => `unknown category ${JSON.stringify(issue.input)}; choose from ${OFFSET_CATEGORIES.join(', ')}` });

/** `recoup report`: which reports (the argument, as --report takes them), from the ledger, with filters. */
export const reportFlagsSchema = z.object({
  ...outputFlags,
  ledger: path.optional(),
  carcFile: path.optional(),
  from: calendarDate.optional(),
  to: calendarDate.optional(),
  payer: z.string().trim().min(1, NEEDS_VALUE).optional(),
  category: category.optional(),
  status: z.string().trim().min(1, NEEDS_VALUE).optional(),
  asOf: calendarDate.optional(),
  color: z.boolean(),
  quiet: z.boolean().optional(),
  redact: z.boolean().optional(),
  pager: z.boolean(),
  config: path.optional(),
  escalateOver: amount.optional(),
});

export const reportOptionsSchema = reportFlagsSchema
  .refine(...oneFormat)
  .refine((o) => o.from === undefined || o.to === undefined || o.from <= o.to, { message: 'is before --from: give --from first and --to last (YYYY-MM-DD)', path: ['to'] })
  .transform((o) => ({
    ...o,
    format: formatOf(o),
    quiet: o.quiet === true,
    redact: o.redact === true,
  }));

/** The report names given to `recoup report` (comma-separated or several words; `all` for every report). */
export const reportNamesSchema = reportList;

export const traceOptionsSchema = z.object({
  ledger: path.optional(),
  format: z.enum(['table', 'json', 'csv', 'html']).default('table'),
  /** -o: a file written whole or not at all (temporary file, then rename; 0600); stdout when absent. */
  output: path.optional(),
  /** --redact: the patient's name as initials, in every format. */
  redact: z.boolean().optional(),
  color: z.boolean(),
  pager: z.boolean().default(true),
  config: path.optional(),
});

const reviewStatus = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .refine((v): v is ReviewStatus => (REVIEW_STATUSES as readonly string[]).includes(v), { error: (issue) => `unknown review status ${JSON.stringify(issue.input)}; choose from ${REVIEW_STATUSES.join(', ')}` });

/** `--status a,b --status c`: review statuses. */
const reviewStatusList = z.array(z.string()).transform((values, ctx): ReviewStatus[] => {
  const out: ReviewStatus[] = [];
  for (const { typed, name } of words(values)) {
    if (!(REVIEW_STATUSES as readonly string[]).includes(name)) {
      ctx.addIssue({ code: 'custom', message: `unknown review status ${JSON.stringify(typed)}; choose from ${REVIEW_STATUSES.join(', ')}` });
      return z.NEVER;
    }
    if (!out.includes(name as ReviewStatus)) out.push(name as ReviewStatus);
  }
  return out;
});

const days = z.string().refine((t) => /^\d{1,4}$/.test(t.trim()), { error: (issue) => `${JSON.stringify(issue.input)} is not a number of days (for example 7)` }).transform((t) => Number(t.trim()));

/** `recoup review list`: the queue, filtered, in any format; --fail-on due/unapproved for cron. */
export const reviewListSchema = z
  .object({
    ...outputFlags,
    ledger: path.optional(),
    status: reviewStatusList.optional(),
    all: z.boolean().optional(),
    payer: z.string().trim().min(1, NEEDS_VALUE).optional(),
    category: category.optional(),
    over: amount.optional(),
    dueWithin: days.optional(),
    unlinked: z.boolean().optional(),
    from: calendarDate.optional(),
    to: calendarDate.optional(),
    asOf: calendarDate.optional(),
    escalateOver: amount.optional(),
    failOn: failOnList.optional(),
    redact: z.boolean().optional(),
    color: z.boolean(),
    quiet: z.boolean().optional(),
    pager: z.boolean(),
    config: path.optional(),
  })
  .refine(...oneFormat)
  .refine((o) => o.format !== 'html', { message: 'html is the dashboard (recoup report dashboard); the queue is a table, csv, json, ndjson or xlsx', path: ['format'] })
  .refine((o) => o.failOn === undefined || [...o.failOn].every((c) => c === 'due' || c === 'unapproved'), {
    message: 'the queue can fail on due and unapproved (the scan checks the others)',
    path: ['failOn'],
  })
  .transform((o) => ({ ...o, format: formatOf(o), quiet: o.quiet === true, redact: o.redact === true, all: o.all === true, unlinked: o.unlinked === true, failOn: o.failOn ?? new Set<FailOn>() }));

/** `recoup review set <id>…`: a new status, a note, or the money an appeal won back. */
export const reviewSetSchema = z.object({
  ledger: path.optional(),
  status: reviewStatus.optional(),
  note: z.string().optional(),
  by: z.string().trim().min(1, NEEDS_VALUE).optional(),
  recovered: amount.optional(),
  config: path.optional(),
  quiet: z.boolean().optional(),
  color: z.boolean(),
});

/** `recoup review history <id>`: the audit trail. */
export const reviewHistorySchema = z
  .object({
    ledger: path.optional(),
    format: z.enum(['table', 'csv', 'json', 'ndjson']).optional(),
    csv: z.boolean().optional(),
    json: z.boolean().optional(),
    config: path.optional(),
    color: z.boolean(),
    pager: z.boolean(),
  })
  .refine((o) => [o.format !== undefined, o.csv === true, o.json === true].filter(Boolean).length <= 1, { message: 'choose one of --format, --csv and --json', path: ['format'] })
  .transform((o) => ({ ...o, format: o.csv ? ('csv' as const) : o.json ? ('json' as const) : (o.format ?? 'table') }));

export const codesOptionsSchema = z.object({ carcFile: path.optional(), color: z.boolean().optional() });

export const inspectOptionsSchema = z.object({
  format: z.enum(['text', 'json']),
  color: z.boolean(),
  quiet: z.boolean().optional(),
});

/** The ledger named by --ledger, else by RECOUP_LEDGER (an empty variable names none), else by the config file. */
export function ledgerPath(flag: string | undefined, env: NodeJS.ProcessEnv, fromConfig?: string): string | undefined {
  return flag ?? (env.RECOUP_LEDGER || undefined) ?? fromConfig;
}

/** A command's option names as commander stores them (`asOf`, `color`) → the flag the user types (`--as-of`, `--no-color`). */
export type FlagNames = ReadonlyMap<string, string>;

export function flagNames(command: { options: readonly { attributeName(): string; long?: string | undefined; short?: string | undefined }[] }): FlagNames {
  return new Map(command.options.map((o) => [o.attributeName(), o.long ?? o.short ?? `--${o.attributeName()}`]));
}

/** The flag for an option name: commander's spelling when known, else the name in kebab case (`carcFile` → `--carc-file`). */
export function flagFor(name: string, flags?: FlagNames): string {
  return flags?.get(name) ?? `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Parses commander's options with a command's schema. A failure is a usage error that names the flag as
 * the user typed it (`--as-of: …`), never the internal option name (`asOf`).
 */
export function parseCliOptions<S extends z.ZodType>(schema: S, raw: unknown, flags?: FlagNames): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const late = (i: z.core.$ZodIssue): number => {
    const k = SCAN_LATE_ISSUES.indexOf(String(i.path[0]));
    return k === -1 ? -1 : k;
  };
  // the first issue, except that list and amount values are reported after the others (stable sort)
  const issue = [...r.error.issues].sort((a, b) => late(a) - late(b))[0]!;
  const key = issue.path[0];
  throw usageError(key === undefined ? issue.message : `${flagFor(String(key), flags)}: ${issue.message}`);
}
