// Bank deposits at the command line (issue 14), over the hand-made fortnight of fixtures/deposits (its
// README tells each file's story): `scan --bank` with BAI2 and CSV statements, the figures on stderr and
// in JSON, broken statements, one transaction counted once, the ledger (statement and ERAs on different
// days, `report deposits` and its filters, `trace`), and the workbook. In-process through run().

import { copyFileSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parseAmount } from '../../src/remit/money.js';
import { ROOT } from '../helpers.js';
import { run } from './helpers.js';

const ERA = 'fixtures/deposits/era';
const BAI = 'fixtures/deposits/statement.bai';
const BANK_CSV = 'fixtures/deposits/statement.csv';
const ODD = 'fixtures/deposits/odd-headers.csv';
const DAILY = 'fixtures/deposits/daily-2024-04-12.bai';
const ERA_FILE = (name: string): string => `fixtures/deposits/era/${name}`;

/** No ledger or settings file from the environment: each test says what it uses. */
const ENV = { RECOUP_LEDGER: undefined, RECOUP_CONFIG: undefined };
const tmp = (): string => realpathSync(mkdtempSync(join(tmpdir(), 'recoup-deposits-')));

const HEADER =
  'status,match_basis,deposit_date,deposit_amount,bank_file,bank_line,bank_reference,bank_text,payer_name,payer_id,trace_numbers,era_paid,difference,days_to_deposit,claim_payments,provider_adjustments,offsets,files,note';

/**
 * The deposits report of the ten ERAs against statement.bai, every row checked by hand against the
 * fixtures' story: nine bank lines in statement order, then the four remittances no deposit surely
 * carries, by payment date.
 */
const APRIL_ROWS = [
  // EFT with its TRN: 1 day after BPR16; claims 650.00 less the 37.60 WO = 612.40
  String.raw`matched,trace_number,2024-04-02,612.40,fixtures/deposits/statement.bai,4,EFT0402A,HCCLAIMPMT PINE STATE HEALTH TRN*1*PSH240401001*1300000001\,PINE STATE HEALTH,PSH01,PSH240401001,612.40,0.00,1,650.00,37.60,1,fixtures/deposits/era/01-pinestate-eft-2024-04-01.835,`,
  // its TRN on an 88 continuation; 840.00 credited for an ERA of 845.00
  String.raw`amount_mismatch,trace_number,2024-04-04,840.00,fixtures/deposits/statement.bai,9,EFT0404A,HCCLAIMPMT NORTHWIND MUTUAL TRN*1*NWM0403778*1400000002\,NORTHWIND MUTUAL,NWM01,NWM0403778,845.00,-5.00,1,845.00,0.00,0,fixtures/deposits/era/04-northwind-eft-2024-04-03.835,`,
  String.raw`deposit_without_era,none,2024-04-05,150.00,fixtures/deposits/statement.bai,15,EFT0405A,HCCLAIMPMT SUMMIT DENTAL PLAN TRN*1*SDP99001234*1600000004\,,,,,,,,,,,"carries trace number SDP99001234, which no remittance read has"`,
  // 233.75 (04-01) + 120.00 (04-02) + 86.50 (04-03) = 440.25; the oldest check waited 7 days
  'matched,batch,2024-04-08,440.25,fixtures/deposits/statement.bai,20,DEP0408A,DEPOSIT 3 ITEMS,NORTHWIND MUTUAL + COASTAL CARE MEDICAID,NWM01 + CCMCD,7712340 00418821 00418822,440.25,0.00,7,440.25,0.00,0,fixtures/deposits/era/02-northwind-check-2024-04-01.835 fixtures/deposits/era/03-coastal-checks-2024-04-03.835,',
  'deposit_without_era,none,2024-04-08,75.25,fixtures/deposits/statement.bai,21,MSC0408B,MISC CREDIT,,,,,,,,,,,',
  'ambiguous,none,2024-04-10,410.00,fixtures/deposits/statement.bai,26,ACH0410A,ACH CREDIT INS PAYMENT,,,,,,,,,,,"2 remittances of this amount fall in its date window: PSH240408003 (PINE STATE HEALTH, 2024-04-08, 410.00); NWM0409201 (NORTHWIND MUTUAL, 2024-04-09, 410.00)"',
  'matched,amount_date,2024-04-10,512.00,fixtures/deposits/statement.bai,27,DEP0410B,MOBILE DEPOSIT,COASTAL CARE MEDICAID,CCMCD,00418830,512.00,0.00,5,512.00,0.00,0,fixtures/deposits/era/06-coastal-check-2024-04-05.835,',
  // cut at TRN*1*NWM04: PSH240411005 (1,020.00, also in its window) does not start so
  'matched,amount_date,2024-04-12,1020.00,fixtures/deposits/statement.bai,32,EFT0412A,HCCLAIMPMT NORTHWIND MUTUAL TRN*1*NWM04,NORTHWIND MUTUAL,NWM01,NWM0410555,1020.00,0.00,2,1020.00,0.00,0,fixtures/deposits/era/09-northwind-eft-2024-04-10.835,',
  'debit,none,2024-04-12,-18.00,fixtures/deposits/statement.bai,33,FEE0412B,ACCOUNT SERVICE FEE,,,,,,,,,,,',
  // paid Thursday 04-04: three business days is Tuesday 04-09, within the statement
  'era_without_deposit,none,,,,,,,PINE STATE HEALTH,PSH01,PSH240404002,298.15,,,298.15,0.00,0,fixtures/deposits/era/05-pinestate-eft-2024-04-04.835,expected by 2024-04-09',
  'ambiguous,none,,,,,,,PINE STATE HEALTH,PSH01,PSH240408003,410.00,,,410.00,0.00,0,fixtures/deposits/era/07-pinestate-eft-2024-04-08.835,"a deposit that could carry it could also carry others: fixtures/deposits/statement.bai line 26 (2024-04-10, 410.00)"',
  'ambiguous,none,,,,,,,NORTHWIND MUTUAL,NWM01,NWM0409201,410.00,,,430.00,20.00,1,fixtures/deposits/era/08-northwind-eft-2024-04-09.835,"a deposit that could carry it could also carry others: fixtures/deposits/statement.bai line 26 (2024-04-10, 410.00)"',
  // paid Thursday 04-11: due by Tuesday 04-16, after the statement's last day
  'era_without_deposit,none,,,,,,,PINE STATE HEALTH,PSH01,PSH240411005,1020.00,,,1020.00,0.00,0,fixtures/deposits/era/10-pinestate-eft-2024-04-11.835,"may still arrive: expected by 2024-04-16, the statements read end 2024-04-12"',
];
const APRIL = [HEADER, ...APRIL_ROWS].join('\n') + '\n';

const RUN_LINE = 'recoup: 10 files, 11 remittances (11 balanced, 0 unbalanced), 14 claims, 2 provider-level offsets; 0 errors, 0 warnings\n';
/** 612.40 + 840.00 + 150.00 + 440.25 + 75.25 + 410.00 + 512.00 + 1,020.00 = 4,059.90; the ERAs of 298.15 and 1,020.00 missing. */
const DEPOSIT_LINE =
  'recoup: deposits: 8 bank credits (4,059.90): 4 matched, 1 amount mismatch (difference -5.00), 2 without an ERA (225.25), 1 ambiguous (410.00); 2 ERAs without a deposit (1,318.15; 1 may still arrive); 1 debit listed (-18.00)\n';

type Rec = Record<string, string>;
const records = (csv: string): Rec[] => parse(csv, { columns: true }) as Rec[];
/** What a row says was matched, whatever statement it came from. */
const matchOf = (r: Rec): [string, string, string] => [r.status!, r.match_basis!, r.trace_numbers!];
const cents = (text: string): number => {
  const p = parseAmount(text);
  if (!p.ok) throw new Error(`not an amount: ${text}`);
  return p.cents;
};

async function april(bank: string, extra: string[] = []): Promise<Awaited<ReturnType<typeof run>>> {
  return run(['scan', ERA, '--bank', bank, '--report', 'deposits', '--csv', ...extra], { env: ENV });
}

describe('scan --bank: the fortnight of fixtures/deposits', () => {
  it('statement.bai: every row and column, exit 0, the deposit summary on stderr', async () => {
    const r = await april(BAI);
    expect(r).toEqual({ exitCode: 0, code: undefined, stdout: APRIL, stderr: RUN_LINE + DEPOSIT_LINE });
  });

  it('the rows reconcile: difference = deposit − ERA paid, ERA paid = claim payments − provider adjustments', async () => {
    const rows = records((await april(BAI)).stdout);
    const carried = rows.filter((r) => r.era_paid !== '');
    expect(carried).toHaveLength(9);
    for (const r of carried) {
      expect({ trace: r.trace_numbers, paid: cents(r.era_paid!) }).toEqual({ trace: r.trace_numbers, paid: cents(r.claim_payments!) - cents(r.provider_adjustments!) });
      if (r.deposit_amount !== '') expect({ trace: r.trace_numbers, difference: cents(r.difference!) }).toEqual({ trace: r.trace_numbers, difference: cents(r.deposit_amount!) - cents(r.era_paid!) });
    }
    // the deposit figures of stderr from the rows
    const credits = rows.filter((r) => r.deposit_amount !== '' && cents(r.deposit_amount!) > 0);
    expect(credits.reduce((t, r) => t + cents(r.deposit_amount!), 0)).toBe(405_990);
    const missing = rows.filter((r) => r.status === 'era_without_deposit');
    expect(missing.reduce((t, r) => t + cents(r.era_paid!), 0)).toBe(131_815);
  });

  it('without --report, --bank --csv writes the deposits report', async () => {
    const r = await run(['scan', ERA, '--bank', BAI, '--csv'], { env: ENV });
    expect(r).toEqual({ exitCode: 0, code: undefined, stdout: APRIL, stderr: RUN_LINE + DEPOSIT_LINE });
  });

  it('statement.csv (the same credits, one description cut to its bare trace, one inside the trace) gives the same matches', async () => {
    const r = await april(BANK_CSV);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe(RUN_LINE + DEPOSIT_LINE);
    const fromCsv = records(r.stdout);
    const fromBai = records(APRIL);
    expect(fromCsv.map(matchOf)).toEqual(fromBai.map(matchOf));
    expect(fromCsv.map((row) => [row.bank_file, row.bank_line])).toEqual([
      ...['2', '3', '4', '5', '6', '7', '8', '9', '10'].map((line) => [BANK_CSV, line]),
      ...Array.from({ length: 4 }, () => ['', '']),
    ]);
    // the bank cut the 04-02 description: only the trace number is left, and it still decides
    expect(fromCsv[0]).toMatchObject({ status: 'matched', match_basis: 'trace_number', bank_text: 'HCCLAIMPMT PINE STATE HE PSH240401001', trace_numbers: 'PSH240401001' });
    expect(fromCsv[7]).toMatchObject({ status: 'matched', match_basis: 'amount_date', bank_text: 'HCCLAIMPMT NORTHWIND MUTUAL TRN*1*NWM04', deposit_amount: '1020.00', trace_numbers: 'NWM0410555' });
    // "BRANCH DEPOSIT" gives no item count: the three checks are still the only set
    expect(fromCsv[3]).toMatchObject({ status: 'matched', match_basis: 'batch', bank_text: 'BRANCH DEPOSIT', trace_numbers: '7712340 00418821 00418822' });
    expect(fromCsv[8]).toMatchObject({ status: 'debit', deposit_amount: '-18.00' });
  });

  it('--json: amounts and counts are numbers, what does not apply is null, the run counts the deposits', async () => {
    const r = await run(['scan', ERA, '--bank', BAI, '--json', '--report', 'deposits'], { env: ENV });
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout) as { deposits: Array<Record<string, unknown>>; run: Record<string, unknown>; diagnostics: unknown[] };
    expect(j.deposits).toHaveLength(13);
    expect(j.deposits[1]).toEqual({
      status: 'amount_mismatch',
      match_basis: 'trace_number',
      deposit_date: '2024-04-04',
      deposit_amount: 840,
      bank_file: BAI,
      bank_line: 9,
      bank_reference: 'EFT0404A',
      bank_text: 'HCCLAIMPMT NORTHWIND MUTUAL TRN*1*NWM0403778*1400000002\\',
      payer_name: 'NORTHWIND MUTUAL',
      payer_id: 'NWM01',
      trace_numbers: 'NWM0403778',
      era_paid: 845,
      difference: -5,
      days_to_deposit: 1,
      claim_payments: 845,
      provider_adjustments: 0,
      offsets: 0,
      files: ERA_FILE('04-northwind-eft-2024-04-03.835'),
      note: '',
    });
    expect(j.deposits[2]).toMatchObject({ status: 'deposit_without_era', deposit_amount: 150, bank_line: 15, era_paid: null, difference: null, days_to_deposit: null, claim_payments: null, provider_adjustments: null, offsets: null });
    expect(j.deposits[3]).toMatchObject({ status: 'matched', match_basis: 'batch', deposit_amount: 440.25, era_paid: 440.25, difference: 0, days_to_deposit: 7, offsets: 0 });
    expect(j.deposits[8]).toMatchObject({ status: 'debit', deposit_amount: -18, bank_line: 33, era_paid: null });
    expect(j.deposits[9]).toEqual({
      status: 'era_without_deposit',
      match_basis: 'none',
      deposit_date: null,
      deposit_amount: null,
      bank_file: '',
      bank_line: null,
      bank_reference: '',
      bank_text: '',
      payer_name: 'PINE STATE HEALTH',
      payer_id: 'PSH01',
      trace_numbers: 'PSH240404002',
      era_paid: 298.15,
      difference: null,
      days_to_deposit: null,
      claim_payments: 298.15,
      provider_adjustments: 0,
      offsets: 0,
      files: ERA_FILE('05-pinestate-eft-2024-04-04.835'),
      note: 'expected by 2024-04-09',
    });
    expect(j.deposits[11]).toMatchObject({ status: 'ambiguous', trace_numbers: 'NWM0409201', era_paid: 410, claim_payments: 430, provider_adjustments: 20, offsets: 1, deposit_amount: null });
    expect(j.run).toMatchObject({
      files: 10,
      remittances: 11,
      errors: 0,
      warnings: 0,
      bank_files: 1,
      unreadable_bank_files: 0,
      bank_credits: 8,
      deposits_matched: 4,
      amount_mismatches: 1,
      deposits_without_era: 2,
      ambiguous_deposits: 1,
      eras_without_deposit: 2,
      bank_debits: 1,
    });
    expect(j.diagnostics).toEqual([]);
  });

  it("the summary's deposit columns: counted with --bank, unknown (empty, null) without", async () => {
    const cols = (csv: string): string[][] => records(csv).map((s) => [s.payer_id!, s.deposits_found!, s.eras_without_deposit!, s.eras_without_deposit_amount!]);
    const withBank = await run(['scan', ERA, '--bank', BAI, '--csv', '--report', 'summary'], { env: ENV });
    expect(withBank.exitCode).toBe(0);
    // Pine State: PSH240401001 found; PSH240404002 and PSH240411005 not (298.15 + 1,020.00); PSH240408003 ambiguous, neither
    // Northwind: the check in the batch, the mismatch, NWM0410555; NWM0409201 ambiguous
    expect(cols(withBank.stdout)).toEqual([
      ['CCMCD', '3', '0', '0.00'],
      ['NWM01', '3', '0', '0.00'],
      ['PSH01', '1', '2', '1318.15'],
    ]);
    const without = await run(['scan', ERA, '--csv', '--report', 'summary'], { env: ENV });
    expect(without).toMatchObject({ exitCode: 0, stderr: RUN_LINE });
    expect(cols(without.stdout)).toEqual([
      ['CCMCD', '', '', ''],
      ['NWM01', '', '', ''],
      ['PSH01', '', '', ''],
    ]);
    const json = async (args: string[]): Promise<unknown[][]> => {
      const j = JSON.parse((await run(['scan', ERA, ...args, '--json', '--report', 'summary'], { env: ENV })).stdout) as { summary: Array<Record<string, unknown>> };
      return j.summary.map((s) => [s.payer_id, s.deposits_found, s.eras_without_deposit, s.eras_without_deposit_amount]);
    };
    expect(await json(['--bank', BAI])).toEqual([
      ['CCMCD', 3, 0, 0],
      ['NWM01', 3, 0, 0],
      ['PSH01', 1, 2, 1318.15],
    ]);
    expect(await json([])).toEqual([
      ['CCMCD', null, null, null],
      ['NWM01', null, null, null],
      ['PSH01', null, null, null],
    ]);
  });
});

describe('usage', () => {
  it('--report deposits with neither --bank nor a ledger: exit 2 and what to give', async () => {
    const r = await run(['scan', ERA, '--report', 'deposits', '--csv'], { env: ENV });
    expect(r).toEqual({
      exitCode: 2,
      code: 'USAGE',
      stdout: '',
      stderr: 'recoup: --report deposits needs a bank statement to match: --bank <file or folder> (BAI2 or a bank CSV export), or a ledger that holds statements (--ledger)\n',
    });
  });

  it('--report all without --bank leaves the deposits report out: exit 0, no deposit summary', async () => {
    const r = await run(['scan', ERA, '--report', 'all', '--json'], { env: ENV });
    expect(r).toMatchObject({ exitCode: 0, code: undefined, stderr: RUN_LINE });
    expect(Object.keys(JSON.parse(r.stdout) as object)).toEqual(['summary', 'payments', 'offsets', 'claims', 'adjustments', 'balances', 'aging', 'suspense', 'reversals', 'run', 'diagnostics']);
    const dir = tmp();
    const csv = await run(['scan', ERA, '--report', 'all', '--csv', '-o', `${dir}/`], { env: ENV });
    expect(csv.exitCode).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['adjustments.csv', 'aging.csv', 'balances.csv', 'claims.csv', 'offsets.csv', 'payments.csv', 'reversals.csv', 'summary.csv', 'suspense.csv']);
  });
});

describe('broken statements', () => {
  it('a BAI2 whose 49 total is one digit off: exit 1, BAI2_CONTROL_TOTAL with the file and position; the deposits still reported', async () => {
    const text = readFileSync(join(ROOT, BAI), 'latin1');
    expect(text.indexOf('49,61240,3/')).toBe(196); // line 5, after 46 + 46 + 19 + 85 bytes
    const bad = join(tmp(), 'april.bai');
    writeFileSync(bad, text.replace('49,61240,3/', '49,61249,3/'), 'latin1');
    const r = await run(['scan', ERA, '--bank', bad, '--report', 'deposits', '--csv'], { env: ENV });
    expect(r).toMatchObject({ exitCode: 1, code: undefined });
    // the 98 and 99 add what was read, not the 49's typo: one finding
    expect(r.stderr).toBe(`${bad}: line 5, byte 196: error BAI2_CONTROL_TOTAL: 49 says 612.49, the account's amounts add up to 612.40\n` + RUN_LINE.replace('0 errors', '1 error') + DEPOSIT_LINE);
    expect(r.stdout).toBe(APRIL.replaceAll(BAI, bad));
    const json = JSON.parse((await run(['scan', ERA, '--bank', bad, '--report', 'deposits', '--json'], { env: ENV })).stdout) as { diagnostics: unknown[] };
    expect(json.diagnostics).toEqual([
      { code: 'BAI2_CONTROL_TOTAL', severity: 'error', message: "49 says 612.49, the account's amounts add up to 612.40", file: bad, line: 5, byteOffset: 196 },
    ]);
  });

  it('a --bank file that does not exist: IO_NOT_FOUND, exit 1; the ERAs are still reported', async () => {
    const r = await run(['scan', ERA, '--bank', '/nonexistent/april.bai', '--report', 'payments,deposits', '--json'], { env: ENV });
    expect(r).toMatchObject({ exitCode: 1, code: undefined });
    expect(r.stderr).toBe(
      '/nonexistent/april.bai: error IO_NOT_FOUND: /nonexistent/april.bai does not exist\n' +
        RUN_LINE.replace('0 errors', '1 error') +
        'recoup: deposits: no bank statement lines to match (1 statement given, 1 not read)\n',
    );
    const j = JSON.parse(r.stdout) as { payments: unknown[]; deposits: unknown[]; run: Record<string, number> };
    expect(j.payments).toHaveLength(11);
    expect(j.deposits).toEqual([]);
    expect(j.run).toMatchObject({ bank_files: 1, unreadable_bank_files: 1 });
  });

  it('an 835 given as --bank: BANK_FORMAT_UNKNOWN, nothing read from it, exit 1', async () => {
    const x12 = ERA_FILE('01-pinestate-eft-2024-04-01.835');
    const r = await april(x12);
    expect(r).toEqual({
      exitCode: 1,
      code: undefined,
      stdout: HEADER + '\n',
      stderr:
        `${x12}: byte 0: error BANK_FORMAT_UNKNOWN: ${x12} is an X12 file (it starts with ISA): give it among the 835 inputs, not after --bank\n` +
        RUN_LINE.replace('0 errors', '1 error') +
        'recoup: deposits: no bank statement lines to match (1 statement given, 1 not read)\n',
    });
  });

  it('odd headers: BANK_CSV_COLUMNS without a mapping (exit 1); read through bank.csv of the settings file', async () => {
    const r = await april(ODD);
    expect(r).toMatchObject({ exitCode: 1, code: undefined, stdout: HEADER + '\n' });
    expect(r.stderr).toBe(
      `${ODD}: line 1, byte 0: error BANK_CSV_COLUMNS: no header row with a date column and an amount (or credit/debit) column in the first 10 rows; the first row is "Posted", "Memo", "Net", "Ref #"; name the columns in the config file: bank.csv.date and bank.csv.amount (or bank.csv.credit / bank.csv.debit)\n` +
        RUN_LINE.replace('0 errors', '1 error') +
        'recoup: deposits: no bank statement lines to match (1 statement given, 1 not read)\n',
    );

    const dir = tmp();
    writeFileSync(join(dir, 'recoup.config.json'), JSON.stringify({ bank: { csv: { date: 'Posted', amount: 'Net', description: 'Memo', reference: 'Ref #' } } }));
    const mapped = await run(['scan', join(ROOT, ERA), '--bank', join(ROOT, ODD), '--report', 'deposits', '--csv'], { env: ENV, cwd: dir });
    expect(mapped).toMatchObject({ exitCode: 0, code: undefined, stderr: RUN_LINE + DEPOSIT_LINE });
    const rows = records(mapped.stdout);
    expect(rows.map(matchOf)).toEqual(records(APRIL).map(matchOf));
    expect(rows.map((row) => row.bank_reference)).toEqual(['EFT0402A', 'EFT0404A', 'EFT0405A', 'DEP0408A', 'MSC0408B', 'ACH0410A', 'DEP0410B', 'EFT0412A', 'FEE0412B', '', '', '', '']);
    expect(rows.map((row) => row.deposit_date).slice(0, 9)).toEqual(['2024-04-02', '2024-04-04', '2024-04-05', '2024-04-08', '2024-04-08', '2024-04-10', '2024-04-10', '2024-04-12', '2024-04-12']);
  });

  it('a bad bank setting in the settings file: exit 2, CONFIG_INVALID naming bank.csv', async () => {
    const dir = tmp();
    const config = join(dir, 'recoup.config.json');
    writeFileSync(config, JSON.stringify({ bank: { csv: { amount: 'Net', description: 'Memo' } } }));
    const r = await run(['scan', join(ROOT, ERA), '--bank', join(ROOT, ODD), '--report', 'deposits', '--csv'], { env: ENV, cwd: dir });
    expect(r).toEqual({ exitCode: 2, code: 'CONFIG_INVALID', stdout: '', stderr: `recoup: error CONFIG_INVALID: ${config}: bank.csv: needs "date": the header of the date column\n` });
  });
});

describe('one bank transaction is counted once', () => {
  it('the same statement given twice, or a file and its folder: read once', async () => {
    expect(await april(BAI, ['--bank', BAI])).toEqual({ exitCode: 0, code: undefined, stdout: APRIL, stderr: RUN_LINE + DEPOSIT_LINE });
    const dir = tmp();
    const copy = join(dir, 'statement.bai');
    copyFileSync(join(ROOT, BAI), copy);
    const r = await april(copy, ['--bank', dir]);
    expect(r).toEqual({ exitCode: 0, code: undefined, stdout: APRIL.replaceAll(BAI, copy), stderr: RUN_LINE + DEPOSIT_LINE });
  });

  it('the same content under another name: said (info), its lines counted once', async () => {
    const dir = tmp();
    const copy = join(dir, 'april-again.bai');
    copyFileSync(join(ROOT, BAI), copy);
    const r = await april(BAI, ['--bank', copy]);
    expect(r).toEqual({
      exitCode: 0,
      code: undefined,
      stdout: APRIL,
      stderr: `${copy}: info LEDGER_FILE_KNOWN: ${copy} (same content) was read before; its lines are counted once\n` + RUN_LINE + DEPOSIT_LINE,
    });
  });

  it('a daily statement repeating two lines of the monthly one: BANK_LINE_REPEATED (info) for each, the 1,020.00 deposit counted once', async () => {
    const r = await april(BAI, ['--bank', DAILY]);
    expect(r).toMatchObject({ exitCode: 0, code: undefined, stdout: APRIL });
    expect(r.stderr).toBe(
      `${DAILY}: line 4, byte 111: info BANK_LINE_REPEATED: the bank line of 2024-04-12 for 1020.00 with bank reference EFT0412A was read before; counted once\n` +
        `${DAILY}: line 5, byte 177: info BANK_LINE_REPEATED: the bank line of 2024-04-12 for -18.00 with bank reference FEE0412B was read before; counted once\n` +
        RUN_LINE +
        DEPOSIT_LINE,
    );
    const j = JSON.parse((await run(['scan', ERA, '--bank', BAI, '--bank', DAILY, '--json', '--report', 'deposits'], { env: ENV })).stdout) as {
      run: Record<string, number>;
      diagnostics: Array<Record<string, unknown>>;
    };
    expect(j.diagnostics.map((d) => [d.code, d.severity, d.file, d.line, d.byteOffset])).toEqual([
      ['BANK_LINE_REPEATED', 'info', DAILY, 4, 111],
      ['BANK_LINE_REPEATED', 'info', DAILY, 5, 177],
    ]);
    expect(j.run).toMatchObject({ bank_files: 2, bank_credits: 8, deposits_matched: 4, bank_debits: 1 });
  });
});

describe('with a ledger: statements and ERAs recorded on different days', () => {
  const ledgerDir = (): { dir: string; db: string } => {
    const dir = tmp();
    return { dir, db: join(dir, 'recoup.db') };
  };
  const recordEras = async (db: string): Promise<void> => {
    expect((await run(['scan', ERA, '--ledger', db, '--quiet', '--csv'], { env: ENV })).exitCode).toBe(0);
  };

  it('ERAs on day 1, the statement alone on day 2: matched against the recorded ERAs as in one run', async () => {
    const { db } = ledgerDir();
    await recordEras(db);
    const day2 = await run(['scan', '--bank', BAI, '--ledger', db, '--report', 'deposits', '--csv'], { env: ENV });
    expect(day2).toEqual({
      exitCode: 0,
      code: undefined,
      stdout: APRIL,
      stderr: 'recoup: 0 files, 0 remittances (0 balanced, 0 unbalanced), 0 claims, 0 provider-level offsets; 0 errors, 0 warnings\n' + DEPOSIT_LINE,
    });
    const report = await run(['report', 'deposits', '--ledger', db, '--csv'], { env: ENV });
    expect(report).toEqual({ exitCode: 0, code: undefined, stdout: APRIL, stderr: `recoup: from ${db}: 11 remittance(s), 9 bank statement line(s)\n` });
    // the summary's deposit columns from the ledger, as the scan counts them
    const summary = await run(['report', 'summary', '--ledger', db, '--csv'], { env: ENV });
    expect(records(summary.stdout).map((s) => [s.payer_id, s.deposits_found, s.eras_without_deposit, s.eras_without_deposit_amount])).toEqual([
      ['CCMCD', '3', '0', '0.00'],
      ['NWM01', '3', '0', '0.00'],
      ['PSH01', '1', '2', '1318.15'],
    ]);
  });

  it('the statement on day 1, the ERAs on day 2: day 2 reports the deposits carrying its ERAs', async () => {
    const { db } = ledgerDir();
    const day1 = await run(['scan', '--bank', BAI, '--ledger', db, '--csv'], { env: ENV });
    expect(day1.exitCode).toBe(0);
    expect(records(day1.stdout).map((r) => [r.status, r.bank_line])).toEqual([
      ...['4', '9', '15', '20', '21', '26', '27', '32'].map((line) => ['deposit_without_era', line]),
      ['debit', '33'],
    ]);
    expect(day1.stderr.endsWith('recoup: deposits: 8 bank credits (4,059.90): 0 matched, 8 without an ERA (4,059.90); 0 ERAs without a deposit (0.00); 1 debit listed (-18.00)\n')).toBe(true);

    const day2 = await run(['scan', ERA, '--ledger', db, '--report', 'deposits', '--csv'], { env: ENV });
    expect(day2.exitCode).toBe(0);
    // the same rows as one run, less the lines that carry no ERA (the Summit Dental credit, the misc credit, the fee)
    expect(day2.stdout).toBe([HEADER, ...APRIL_ROWS.filter((_row, i) => ![2, 4, 8].includes(i))].join('\n') + '\n');
    expect(day2.stderr).toBe(
      RUN_LINE +
        'recoup: deposits: 6 bank credits (3,834.65): 4 matched, 1 amount mismatch (difference -5.00), 0 without an ERA (0.00), 1 ambiguous (410.00); 2 ERAs without a deposit (1,318.15; 1 may still arrive)\n',
    );
    expect((await run(['report', 'deposits', '--ledger', db, '--csv'], { env: ENV })).stdout).toBe(APRIL);
  });

  it('recoup report deposits: --status, --payer and --from/--to choose exactly', async () => {
    const { db } = ledgerDir();
    await recordEras(db);
    expect((await run(['scan', '--bank', BAI, '--ledger', db, '--quiet', '--csv'], { env: ENV })).exitCode).toBe(0);
    const report = async (args: string[]): Promise<string> => {
      const r = await run(['report', 'deposits', '--ledger', db, '--csv', ...args], { env: ENV });
      expect(r.exitCode).toBe(0);
      return r.stdout;
    };
    const only = (...i: number[]): string => [HEADER, ...i.map((k) => APRIL_ROWS[k]!)].join('\n') + '\n';
    expect(await report(['--status', 'era_without_deposit'])).toBe(only(9, 12));
    expect(await report(['--status', 'debit'])).toBe(only(8));
    // a row is the payer's when one of its remittances is: the batch mixes Northwind and Coastal
    expect(await report(['--payer', 'CCMCD'])).toBe(only(3, 6));
    expect(await report(['--payer', 'pine state health'])).toBe(only(0, 9, 10, 12));
    // the deposit date, or for an ERA without a deposit its payment date (PSH240408003 04-08, NWM0409201 04-09)
    expect(await report(['--from', '2024-04-08', '--to', '2024-04-09'])).toBe(only(3, 4, 10, 11));
    expect(await report(['--from', '2024-04-12'])).toBe(only(7, 8));
    expect(await report(['--to', '2024-04-02'])).toBe(only(0));
  });

  it('a daily statement recorded first, the monthly one the next day: the month reports all its lines', async () => {
    const { db } = ledgerDir();
    await recordEras(db);
    expect((await run(['scan', '--bank', DAILY, '--ledger', db, '--quiet', '--csv'], { env: ENV })).exitCode).toBe(0);
    const month = await run(['scan', '--bank', BAI, '--ledger', db, '--report', 'deposits', '--csv'], { env: ENV });
    // the two lines both statements hold are named where they were first recorded
    expect(month.stdout).toBe(APRIL.replace(`${BAI},32,`, `${DAILY},4,`).replace(`${BAI},33,`, `${DAILY},5,`));
    expect(month.stderr).toContain(DEPOSIT_LINE);
  });

  it('recoup report deposits --status with a status deposits do not have: a usage error naming them', async () => {
    const { db } = ledgerDir();
    await recordEras(db);
    expect(await run(['report', 'deposits', '--ledger', db, '--status', 'era_without_deposits'], { env: ENV })).toEqual({
      exitCode: 2,
      code: 'USAGE',
      stdout: '',
      stderr: 'recoup: --status: unknown deposit status "era_without_deposits"; choose from matched, amount_mismatch, deposit_without_era, era_without_deposit, ambiguous, other_credit, debit\n',
    });
  });

  it('recoup report deposits on a ledger that holds no statement: exit 1 and why, not an empty report', async () => {
    const { db } = ledgerDir();
    await recordEras(db);
    const r = await run(['report', 'deposits', '--ledger', db, '--csv'], { env: ENV });
    expect(r).toEqual({
      exitCode: 1,
      code: undefined,
      stdout: HEADER + '\n',
      stderr: `recoup: from ${db}: 11 remittance(s), 0 bank statement line(s)\nrecoup: ${db} holds no bank statement lines: record a statement first (recoup scan --bank <statement> --ledger ${db})\n`,
    });
    // and the summary's deposit columns are unknown (empty), not zero
    const summary = await run(['report', 'summary', '--ledger', db, '--csv'], { env: ENV });
    expect(summary.exitCode).toBe(0);
    expect(records(summary.stdout).map((s) => [s.payer_id, s.deposits_found, s.eras_without_deposit, s.eras_without_deposit_amount])).toEqual([
      ['CCMCD', '', '', ''],
      ['NWM01', '', '', ''],
      ['PSH01', '', '', ''],
    ]);
  });

  it("recoup trace names each payment's deposit: a check in the batch, the EFT short by 5.00, one never arrived", async () => {
    const { db } = ledgerDir();
    await recordEras(db);
    expect((await run(['scan', '--bank', BAI, '--ledger', db, '--quiet', '--csv'], { env: ENV })).exitCode).toBe(0);
    const trace = async (pcn: string): Promise<Rec[]> => {
      const r = await run(['trace', pcn, '--ledger', db, '--format', 'csv'], { env: ENV });
      expect(r.exitCode).toBe(0);
      return records(r.stdout);
    };
    expect((await trace('HVP3002')).map((e) => [e.date, e.event, e.trace_number, e.amount, e.deposit])).toEqual([
      ['2024-04-03', 'payment', '00418822', '86.50', 'deposited 2024-04-08 440.25 (fixtures/deposits/statement.bai line 20, with 2 other checks)'],
    ]);
    expect((await trace('HVP2002')).map((e) => [e.event, e.trace_number, e.amount, e.deposit])).toEqual([
      ['payment', 'NWM0403778', '450.00', 'deposited 2024-04-04 840.00 (fixtures/deposits/statement.bai line 9); the deposit differs from the ERA by -5.00'],
      // the 20.00 taken back on NWM0409201, whose deposit is the ambiguous ACH credit
      ['offset', 'NWM0409201', '20.00', 'deposit ambiguous: fixtures/deposits/statement.bai line 26 (2024-04-10, 410.00)'],
    ]);
    expect((await trace('HVP1003')).map((e) => [e.event, e.trace_number, e.deposit])).toEqual([['payment', 'PSH240404002', 'no deposit found (expected by 2024-04-09)']]);
    expect((await trace('HVP3003')).map((e) => [e.event, e.deposit])).toEqual([['payment', 'deposited 2024-04-10 512.00 (fixtures/deposits/statement.bai line 27)']]);
  });
});

describe('the workbook', () => {
  it('scan --bank --xlsx -o: a Deposits sheet with the 13 rows, typed, and its totals row', async () => {
    const out = join(tmp(), 'april.xlsx');
    const r = await run(['scan', ERA, '--bank', BAI, '--xlsx', '-o', out], { env: ENV });
    expect(r).toMatchObject({ exitCode: 0, code: undefined, stdout: '', stderr: RUN_LINE + DEPOSIT_LINE });
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    expect(book.worksheets.map((w) => w.name)).toEqual(['Run', 'Summary', 'Deposits', 'Payments', 'Offsets', 'Balances']);
    const sheet = book.getWorksheet('Deposits')!;
    expect(sheet.rowCount).toBe(15); // header, 13 rows, totals
    expect(sheet.getRow(1).getCell(1).value).toBe('status');
    const column = (n: number): unknown[] => Array.from({ length: 13 }, (_v, i) => sheet.getRow(i + 2).getCell(n).value);
    expect(column(1)).toEqual(records(APRIL).map((row) => row.status));
    expect(column(4).slice(0, 9)).toEqual([612.4, 840, 150, 440.25, 75.25, 410, 512, 1020, -18]);
    expect(column(11)[3]).toBe('7712340 00418821 00418822');
    const figures = new Map<string, unknown>();
    book.getWorksheet('Run')!.eachRow((row) => figures.set(String(row.getCell(1).value), row.getCell(2).value));
    expect([figures.get('Bank statements'), figures.get('Bank credits'), figures.get('Deposits matched'), figures.get('ERAs without a deposit')]).toEqual([1, 8, 4, 2]);
  });
});
