// --fail-on deposits (issue 14): the nightly run exits 3 when a deposit needs a person — a deposit without
// an ERA, an amount mismatch, an ambiguous deposit, or an ERA whose deposit is overdue — and not for an
// ERA whose deposit may still arrive after the last statement date.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './helpers.js';

const STATEMENT = 'fixtures/demo/bank/first-quarter-2024.bai';

describe('--fail-on deposits', () => {
  it('the demo: the Blue River check was never deposited: exit 3, said (the Visa settlement is not insurance money)', async () => {
    const r = await run(['scan', 'fixtures/demo', '--bank', STATEMENT, '--csv', '--fail-on', 'deposits']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('recoup: --fail-on deposits: 0 amount mismatch(es), 0 deposit(s) without an ERA, 0 ambiguous, 1 ERA(s) overdue without a deposit\n');
    expect(r.stderr).toContain(
      'recoup: deposits: 4 bank credits (2,332.55): 3 matched, 0 without an ERA (0.00), 1 not insurance (1,214.30); 1 ERA without a deposit (310.50); 1 debit listed (-15.00)\n',
    );
  });

  it('every deposit matched and the only ERA without one may still arrive: exit 0', async () => {
    // the statement without the Visa line, and the Blue River ERA paid on the statement's last day
    const dir = mkdtempSync(join(tmpdir(), 'recoup-fail-deposits-'));
    const bai = readFileSync(STATEMENT, 'utf8')
      .replace('16,301,121430,0,DEP0318B,,VISA SETTLEMENT MERCHANT 4471\n', '')
      .replace('49,157255,5/', '49,35825,4/')
      .replace('98,157255,1,7/', '98,35825,1,6/')
      .replace('99,234755,3,20/', '99,113325,3,19/');
    writeFileSync(join(dir, 'statement.bai'), bai);
    writeFileSync(join(dir, 'blueriver.835'), readFileSync('fixtures/demo/02-blueriver-2024-01-08.835', 'utf8').replaceAll('20240108', '20240318'));
    const inputs = ['fixtures/demo/01-acme-2024-01-05.835', 'fixtures/demo/03-acme-2024-02-12.835', 'fixtures/demo/04-acme-2024-03-15.835', join(dir, 'blueriver.835')];
    const r = await run(['scan', ...inputs, '--bank', join(dir, 'statement.bai'), '--csv', '--fail-on', 'deposits']);
    expect(r.stderr).not.toContain('BAI2_');
    expect(r.stderr).toContain('1 ERA without a deposit (310.50; 1 may still arrive)');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('era_without_deposit,none,,,,,,,BLUE RIVER MEDICAID,BRMCD,CHK500123,310.50,,,310.50,0.00,0,');
    expect(r.stdout).toContain('may still arrive: expected by 2024-04-02, the statements read end 2024-03-18');
  });

  it('without a statement the deposits were not checked: said, not passed off as all deposited', async () => {
    const r = await run(['scan', 'fixtures/demo', '--csv', '--fail-on', 'deposits']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('recoup: --fail-on deposits: no bank statement lines were read (--bank), so deposits were not checked\n');
  });
});

describe('a broken statement is named by file, line and byte', () => {
  it('a wrong 49 control total: BAI2_CONTROL_TOTAL on the 49 record, the deposits still reported, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recoup-bad-bai-'));
    const bai = join(dir, 'bad.bai');
    const text = readFileSync(STATEMENT, 'utf8').replace('49,25000,4/', '49,25001,4/').replace('98,25000,1,6/', '98,25001,1,6/').replace('99,234755,3,20/', '99,234756,3,20/');
    writeFileSync(bai, text);
    const r = await run(['scan', 'fixtures/demo', '--bank', bai, '--report', 'deposits', '--csv']);
    expect(r.exitCode).toBe(1);
    const byte = text.indexOf('49,25001,4/');
    expect(r.stderr).toContain(`${bai}: line 11, byte ${byte}: error BAI2_CONTROL_TOTAL: 49 says 250.01, the account's amounts add up to 250.00\n`);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('matched,'))).toHaveLength(3);
  });
});

describe('two transactions alike on one statement are two (review finding)', () => {
  const twice = (ref: string): string =>
    readFileSync(STATEMENT, 'utf8')
      .replace('16,698,1500,0,FEE0318C,,MONTHLY SERVICE FEE\n', `16,301,10000,0,${ref},,MOBILE DEPOSIT\n16,301,10000,0,${ref},,MOBILE DEPOSIT\n16,698,1500,0,FEE0318C,,MONTHLY SERVICE FEE\n`)
      .replace('49,157255,5/', '49,177255,7/')
      .replace('98,157255,1,7/', '98,177255,1,9/')
      .replace('99,234755,3,20/', '99,254755,3,22/');

  for (const ref of ['DEP0318X', '0000000000', 'NONREF']) {
    it(`bank reference ${ref}: both 100.00 deposits counted, without a ledger and with one (and again on a second run)`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'recoup-twice-'));
      const bai = join(dir, 'twice.bai');
      writeFileSync(bai, twice(ref));
      const plain = await run(['scan', 'fixtures/demo', '--bank', bai, '--report', 'deposits', '--csv']);
      expect(plain.stderr).not.toContain('BANK_LINE_REPEATED');
      expect(plain.stderr).toContain('recoup: deposits: 6 bank credits (2,532.55)');
      const db = join(dir, 'l.db');
      for (let day = 1; day <= 2; day++) {
        const r = await run(['scan', 'fixtures/demo', '--bank', bai, '--ledger', db, '--report', 'deposits', '--csv']);
        expect(r.stderr).toContain('recoup: deposits: 6 bank credits (2,532.55)');
      }
    });
  }

  it('with a ledger, a statement whose lines a daily one recorded first reports them every time it is read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recoup-daily-'));
    const daily = join(dir, 'daily.bai');
    writeFileSync(
      daily,
      '01,BANKOFMAPLE,MAPLECLINIC,240319,0600,1,,,2/\n02,MAPLECLINIC,BANKOFMAPLE,1,240318,2359,USD,2/\n03,0012345678,USD/\n' +
        '16,165,34325,0,EFT0318A,,HCCLAIMPMT ACME HEALTH PLAN TRN*1*ACH100100102*1999999999\\\n49,34325,3/\n98,34325,1,5/\n99,34325,1,7/\n',
    );
    const db = join(dir, 'l.db');
    expect((await run(['scan', '--bank', daily, '--ledger', db, '--quiet', '--csv'])).exitCode).toBe(0);
    for (let i = 0; i < 2; i++) {
      const r = await run(['scan', 'fixtures/demo', '--bank', STATEMENT, '--ledger', db, '--report', 'deposits', '--csv']);
      expect(r.stderr).toContain('recoup: deposits: 4 bank credits (2,332.55): 3 matched');
    }
  });
});
