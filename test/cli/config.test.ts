// The config file: found upward from the working directory or named; checked with clear messages;
// payer aliases make several names and ids one payer.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PayerAliases } from '../../src/analysis/payer-aliases.js';
import { AppealWindows } from '../../src/analysis/review.js';
import { findConfig, loadConfig } from '../../src/cli/config.js';
import { RecoupError } from '../../src/diagnostics/errors.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'recoup-config-'));

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RecoupError);
    expect((err as RecoupError).code).toBe('CONFIG_INVALID');
    return (err as RecoupError).message;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('finding the config file', () => {
  it('the nearest recoup.config.json upward; --config and RECOUP_CONFIG name one', () => {
    const root = tmp();
    const deep = join(root, 'a', 'b');
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(root, 'recoup.config.json'), '{}');
    expect(findConfig(undefined, {}, deep)).toBe(join(root, 'recoup.config.json'));
    writeFileSync(join(root, 'a', 'recoup.config.json'), '{}');
    expect(findConfig(undefined, {}, deep)).toBe(join(root, 'a', 'recoup.config.json'));
    expect(findConfig('other.json', {}, deep)).toBe(join(deep, 'other.json'));
    expect(findConfig(undefined, { RECOUP_CONFIG: '/etc/recoup.json' }, deep)).toBe('/etc/recoup.json');
    expect(loadConfig(undefined, {}, tmp())).toEqual({ path: undefined, payers: [], appealWindows: new AppealWindows(new Map(), 60) });
  });
});

describe('reading it', () => {
  it('paths are relative to the file (or ~), lists and amounts as people write them', () => {
    const dir = tmp();
    const file = join(dir, 'recoup.config.json');
    writeFileSync(
      file,
      JSON.stringify({
        ledger: 'data/recoup.db',
        failOn: 'unbalanced,unlinked',
        escalateOver: 500,
        output: '~/reports',
        appealDays: 90,
        dueWithin: 10,
        payers: [
          { id: 'ACME01', name: 'ACME HEALTH PLAN', aliases: ['ACME HEALTH', '123456789'], appealDays: 30 },
          { id: 'BRMCD', name: 'BLUE RIVER MEDICAID' },
        ],
      }),
    );
    expect(loadConfig(undefined, {}, dir)).toEqual({
      path: file,
      ledger: join(dir, 'data', 'recoup.db'),
      failOn: new Set(['unbalanced', 'unlinked']),
      escalateOver: 50_000,
      output: join(homedir(), 'reports'),
      payers: [
        { id: 'ACME01', name: 'ACME HEALTH PLAN', aliases: ['ACME HEALTH', '123456789'], appealDays: 30 },
        { id: 'BRMCD', name: 'BLUE RIVER MEDICAID', aliases: [] },
      ],
      // the appeal window: the payer's own, else the file's default (issue 16)
      appealWindows: new AppealWindows(new Map([['ACME01', 30]]), 90),
      dueWithin: 10,
    });
    const windows = loadConfig(undefined, {}, dir).appealWindows;
    expect([windows.daysFor('ACME01'), windows.daysFor('BRMCD'), windows.daysFor('OTHER')]).toEqual([30, 90, 90]);
  });

  it('mistakes are named with the file and the setting', () => {
    const dir = tmp();
    const file = join(dir, 'recoup.config.json');
    const write = (text: string) => writeFileSync(file, text);
    write('{ "ledger": "x.db", }');
    expect(configError(() => loadConfig(undefined, {}, dir))).toMatch(new RegExp(`^${file}: is not JSON \\(`));
    write('{ "legder": "x.db" }');
    expect(configError(() => loadConfig(undefined, {}, dir))).toBe(`${file}: unknown setting "legder"; settings are ledger, failOn, escalateOver, output, appealDays, dueWithin, payers, bank`);
    write('{ "appealDays": 0 }');
    expect(configError(() => loadConfig(undefined, {}, dir))).toMatch(new RegExp(`^${file}: appealDays: `));
    write('{ "payers": [{ "id": "A", "name": "ONE", "appealDayz": 30 }] }');
    expect(configError(() => loadConfig(undefined, {}, dir))).toBe(`${file}: payers.0: unknown setting "appealDayz"; settings are id, name, aliases, appealDays`);
    write('{ "escalateOver": -5 }');
    expect(configError(() => loadConfig(undefined, {}, dir))).toMatch(new RegExp(`^${file}: escalateOver: `));
    write('{ "escalateOver": "12.345" }');
    expect(configError(() => loadConfig(undefined, {}, dir))).toBe(`${file}: escalateOver: "12.345" is not an amount (for example 500 or 1250.00)`);
    write('{ "failOn": ["unbalanced", "sometimes"] }');
    expect(configError(() => loadConfig(undefined, {}, dir))).toBe(`${file}: failOn: unknown condition "sometimes"; choose from unbalanced, unlinked, escalated, warnings, deposits, due, unapproved`);
    write('{ "payers": [{ "id": "A", "name": "" }] }');
    expect(configError(() => loadConfig(undefined, {}, dir))).toBe(`${file}: payers.0.name: must not be empty`);
    write('{ "payers": [{ "id": "A", "name": "ONE", "aliases": ["X"] }, { "id": "B", "name": "TWO", "aliases": ["x"] }] }');
    expect(configError(() => loadConfig(undefined, {}, dir))).toBe(`${file}: payers: "x" is listed for two payers (A and B)`);
    expect(configError(() => loadConfig(join(dir, 'missing.json'), {}, dir))).toBe(`${join(dir, 'missing.json')}: does not exist`);
  });
});

describe('payer aliases', () => {
  const aliases = new PayerAliases([{ id: 'ACME01', name: 'ACME HEALTH PLAN', aliases: ['Acme  Health', '99-1234567'] }]);
  const remittance = (name: string, id: string) => ({ payer: { name, idQualifier: 'XV', id, additionalId: '' }, trace: { number: 'T', payerId: '' } }) as never;

  it('a name (any case, spaces) or an id in the files becomes the payer', () => {
    const byName = remittance('ACME HEALTH', '');
    aliases.apply(byName);
    expect((byName as { payer: { name: string; id: string } }).payer).toMatchObject({ name: 'ACME HEALTH PLAN', id: 'ACME01' });
    const byId = remittance('SOMETHING ELSE', '99-1234567');
    aliases.apply(byId);
    expect((byId as { payer: { name: string; id: string } }).payer).toMatchObject({ name: 'ACME HEALTH PLAN', id: 'ACME01' });
    const other = remittance('BLUE RIVER', 'BR1');
    aliases.apply(other);
    expect((other as { payer: { name: string; id: string } }).payer).toMatchObject({ name: 'BLUE RIVER', id: 'BR1' });
    expect(aliases.find('acme health')?.id).toBe('ACME01');
    expect(aliases.find('BR1')).toBeUndefined();
  });
});

describe('the config file from the command line', () => {
  const demo = join(process.cwd(), 'fixtures', 'demo');

  it('payer aliases make two payers one in every report; the ledger and --fail-on come from the file, flags win', async () => {
    const { run } = await import('./helpers.js');
    const dir = tmp();
    writeFileSync(
      join(dir, 'recoup.config.json'),
      JSON.stringify({ ledger: 'office.db', failOn: ['escalated'], escalateOver: 50, payers: [{ id: 'GROUP1', name: 'ONE GROUP', aliases: ['ACME01', 'BRMCD'] }] }),
    );
    const r = await run(['scan', demo, '--report', 'summary', '--csv'], { cwd: dir });
    expect(r.exitCode).toBe(3); // escalated, from the file
    expect(r.stderr).toContain('recoup: --fail-on escalated: 2 offset(s) over the --escalate-over amount');
    expect(r.stdout.trimEnd().split('\n').map((l) => l.split(',').slice(0, 3).join(','))).toEqual(['payer_name,payer_id,checks', 'ONE GROUP,GROUP1,4']);
    // the ledger named by the file, next to it, recorded the aliased payer
    const report = await run(['report', 'payments', '--csv', '--payer', 'acme01'], { cwd: dir });
    expect(report.exitCode).toBe(0);
    expect(report.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(',')[4])).toEqual(['GROUP1', 'GROUP1', 'GROUP1', 'GROUP1']);
    // a flag wins over the file
    expect((await run(['scan', demo, '--csv', '--fail-on', 'unbalanced'], { cwd: dir })).exitCode).toBe(0);
  });

  it('an output folder: CSV reports land there when -o is not given; a table still goes to the terminal', async () => {
    const { run } = await import('./helpers.js');
    const dir = tmp();
    writeFileSync(join(dir, 'recoup.config.json'), JSON.stringify({ output: 'reports' }));
    expect((await run(['scan', demo, '--csv', '--report', 'summary,offsets', '-q'], { cwd: dir })).exitCode).toBe(0);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(join(dir, 'reports')).sort()).toEqual(['offsets.csv', 'summary.csv']);
    const table = await run(['scan', demo, '-q'], { cwd: dir });
    expect(table.stdout).toContain('Summary by payer');
  });

  it('a bad config file stops the run before anything is read: CONFIG_INVALID, exit 2', async () => {
    const { run } = await import('./helpers.js');
    const dir = tmp();
    writeFileSync(join(dir, 'recoup.config.json'), '{ "failOn": "sometimes" }');
    expect(await run(['scan', demo, '--csv'], { cwd: dir })).toMatchObject({
      exitCode: 2,
      code: 'CONFIG_INVALID',
      stdout: '',
      stderr: `recoup: error CONFIG_INVALID: ${join(dir, 'recoup.config.json')}: failOn: unknown condition "sometimes"; choose from unbalanced, unlinked, escalated, warnings, deposits, due, unapproved\n`,
    });
    expect(await run(['scan', demo, '--csv', '--config', join(dir, 'nope.json')], { cwd: dir })).toMatchObject({ exitCode: 2, code: 'CONFIG_INVALID' });
  });
});

describe('payer aliases: the review cases', () => {
  it('a payer that shares a listed name under its own id is not taken for it', () => {
    const aliases = new PayerAliases([{ id: 'ACME01', name: 'ACME HEALTH PLAN', aliases: [] }]);
    const other = { payer: { name: 'ACME HEALTH PLAN', idQualifier: 'XV', id: 'OTHER77', additionalId: '' }, trace: { number: 'T', payerId: '' } };
    aliases.apply(other as never);
    expect(other.payer).toMatchObject({ name: 'ACME HEALTH PLAN', id: 'OTHER77' });
    const noId = { payer: { name: 'Acme Health Plan', idQualifier: '', id: '', additionalId: '' }, trace: { number: 'T', payerId: '' } };
    aliases.apply(noId as never);
    expect(noId.payer).toMatchObject({ name: 'ACME HEALTH PLAN', id: 'ACME01' });
  });

  it('recoup report applies aliases set after the files were recorded: one payer, the deferral collected, --payer by any alias', async () => {
    const { run } = await import('./helpers.js');
    const dir = tmp();
    const demo = join(process.cwd(), 'fixtures', 'demo');
    const { readFileSync } = await import('node:fs');
    // the last check comes from the same payer under a new name and id
    const renamed = join(dir, '04.835');
    writeFileSync(renamed, readFileSync(join(demo, '04-acme-2024-03-15.835'), 'latin1').replace('N1*PR*ACME HEALTH PLAN*XV*ACME01', 'N1*PR*ACME HP NEW*XV*ACME02'), 'latin1');
    expect(readFileSync(renamed, 'latin1')).toContain('ACME02');
    const db = join(dir, 'l.db');
    for (const f of ['01-acme-2024-01-05.835', '02-blueriver-2024-01-08.835', '03-acme-2024-02-12.835']) expect((await run(['scan', join(demo, f), '--ledger', db, '-q', '--csv'])).exitCode).toBe(0);
    expect((await run(['scan', renamed, '--ledger', db, '-q', '--csv'])).exitCode).toBe(0);
    writeFileSync(join(dir, 'recoup.config.json'), JSON.stringify({ payers: [{ id: 'ACME01', name: 'ACME HEALTH PLAN', aliases: ['ACME HP NEW', 'ACME02'] }] }));
    const summary = await run(['report', 'summary', '--ledger', db, '--csv', '-q'], { cwd: dir });
    expect(summary.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual(['ACME HEALTH PLAN,ACME01,3', 'BLUE RIVER MEDICAID,BRMCD,1']);
    const balances = await run(['report', 'balances', '--ledger', db, '--csv', '-q', '--as-of', '2024-04-30'], { cwd: dir });
    expect(balances.stdout).toContain(',collected,');
    const payments = await run(['report', 'payments', '--ledger', db, '--csv', '-q', '--payer', 'acme hp new'], { cwd: dir });
    expect(payments.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(',')[7])).toEqual(['ACH100100001', 'ACH100100045', 'ACH100100102']);
    // without the config, the two names stay two payers (the ledger keeps what the files said)
    const raw = await run(['report', 'summary', '--ledger', db, '--csv', '-q']);
    expect(raw.stdout.trimEnd().split('\n')).toHaveLength(4);
  });
});
