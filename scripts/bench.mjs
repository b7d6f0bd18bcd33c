#!/usr/bin/env node
// npm run bench: generates (once, cached in bench-data/) a >= 200 MB realistic 835, a 1 GB one, a
// folder of 10,000 small ERAs with the test generator (test/support/synth.ts), and a year of 100,000 ERAs
// with the bank statement paying them (test/support/bank-synth.ts), then times recoup end to end (median of
// several runs), x12-parser tokenizing the same file, peak RSS, the claim index, the ledger, and deposit matching.
// Options: --quick (skip the 1 GB file), --runs N (default 3), --generate-only.

import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// the generator is test support (test/support/synth.ts), compiled by `npm run bench` into .tmp/, never shipped
import { generateScenarioSet, renderFile } from '../.tmp/support-build/test/support/synth.js';
import { generateBankMonth, writeBankMonthFiles } from '../.tmp/support-build/test/support/bank-synth.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = join(ROOT, 'bench-data');
const BIN = join(ROOT, 'bin', 'recoup.js');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const runs = Number(args[args.indexOf('--runs') + 1]) || 3;

mkdirSync(DATA, { recursive: true });

async function generateBig(path, bytes) {
  if (existsSync(path) && statSync(path).size >= bytes) return;
  process.stderr.write(`generating ${path} (${(bytes / 1e6).toFixed(0)} MB)…\n`);
  const out = createWriteStream(path);
  let written = 0;
  let seed = 1;
  let control = 1;
  while (written < bytes) {
    // one synthetic week of five daily ERAs, three payers, every story kind, ~190 claims per remittance
    for (const f of generateScenarioSet({ seed, idBlock: seed++, stories: 140, fillerClaims: 150 })) {
      const text = renderFile(f, control++);
      if (!out.write(text)) await new Promise((r) => out.once('drain', r));
      written += Buffer.byteLength(text);
    }
  }
  await new Promise((r) => out.end(r));
}

function generateSmall(dir, count) {
  if (existsSync(dir) && readdirSync(dir).length >= count) return;
  process.stderr.write(`generating ${count} small ERA files in ${dir}…\n`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let n = 0;
  for (let seed = 1; n < count; seed++) {
    for (const f of generateScenarioSet({ seed, stories: 7, fillerClaims: 1 })) {
      for (const r of f.remittances) {
        if (n >= count) break;
        writeFileSync(join(dir, `era-${String(n).padStart(5, '0')}.835`), renderFile({ name: '', remittances: [r] }, n + 1));
        n++;
      }
    }
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs a shell command `runs` times; returns median wall seconds and the max peak RSS (MB) seen. */
function timeCommand(cmd) {
  const secs = [];
  let rss = 0;
  for (let i = 0; i < runs; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', 'bash', '-c', cmd], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`failed: ${cmd}\n${r.stderr}`);
    const [e, m] = r.stderr.trim().split('\n').pop().split(' ');
    secs.push(Number(e));
    rss = Math.max(rss, Number(m) / 1024);
  }
  return { seconds: median(secs), rssMb: rss };
}

const big = join(DATA, 'big-200mb.835');
const huge = join(DATA, 'huge-1gb.835');
const small = join(DATA, 'small-10k');
const bankYear = join(DATA, 'deposits-100k');

/** A year of 100,000 ERAs (one 835 per payment date) and the BAI2 statement paying them. */
function generateBankYear(dir) {
  if (existsSync(join(dir, 'statement.bai'))) return;
  process.stderr.write(`generating 100,000 ERAs and their bank statement in ${dir}…\n`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeBankMonthFiles(dir, generateBankMonth({ seed: 14, eras: 100_000, month: '2024-01', days: 365, debits: 10_000 }));
}

await generateBig(big, 200e6);
generateBankYear(bankYear);
if (!quick) await generateBig(huge, 1000e6);
generateSmall(small, 10000);
if (args.includes('--generate-only')) process.exit(0);

const bigMb = statSync(big).size / 1e6;
const rows = [];
const add = (name, mb, r, target) => {
  const rate = mb / r.seconds;
  rows.push({ name, seconds: r.seconds.toFixed(2), rate: `${rate.toFixed(1)} MB/s`, rss: `${r.rssMb.toFixed(0)} MB`, target });
  return rate;
};
const node = `"${process.execPath}"`;

// issue 18: each big-file row at the default --jobs (the cores) and at --jobs 1 (one thread, no workers)
const jobs = cpus().length;
const summary = timeCommand(`${node} ${BIN} scan ${big} --report summary --csv -q > /dev/null`);
const summaryRate = add(`recoup scan --report summary (--jobs ${jobs})`, bigMb, summary, '>= 4× x12-parser');
const summary1 = timeCommand(`${node} ${BIN} scan ${big} --report summary --csv -q --jobs 1 > /dev/null`);
const summary1Rate = add('recoup scan --report summary --jobs 1', bigMb, summary1, 'not slower than before');
const offsets = timeCommand(`${node} ${BIN} scan ${big} --report offsets --csv -q > /dev/null`);
add(`recoup scan --report offsets --csv (--jobs ${jobs})`, bigMb, offsets, '>= 50 MB/s');
const claims = timeCommand(`${node} ${BIN} scan ${big} --report claims --csv -q > /dev/null`);
add(`recoup scan --report claims --csv (--jobs ${jobs})`, bigMb, claims, '>= 50 MB/s');
const claims1 = timeCommand(`${node} ${BIN} scan ${big} --report claims --csv -q --jobs 1 > /dev/null`);
add('recoup scan --report claims --csv --jobs 1', bigMb, claims1, '');
const oracleScript = `import('x12-parser').then(({X12parser})=>{const p=new X12parser();let n=0;require('fs').createReadStream(process.argv[1]).pipe(p).on('data',()=>n++).on('end',()=>console.log(n))})`;
const x12 = timeCommand(`${node} -e "${oracleScript.replaceAll('"', '\\"')}" ${big} > /dev/null`);
const x12Rate = add('x12-parser, tokenizing only', bigMb, x12, '');
const smallFiles = readdirSync(small).length;
for (const j of [jobs, 1]) {
  const smallRun = timeCommand(`${node} ${BIN} scan ${small} --report summary --csv -q --jobs ${j} > /dev/null`);
  rows.push({ name: `recoup scan on ${smallFiles} small files (--jobs ${j})`, seconds: smallRun.seconds.toFixed(2), rate: `${(smallFiles / smallRun.seconds).toFixed(0)} files/s`, rss: `${smallRun.rssMb.toFixed(0)} MB`, target: j === 1 ? '' : '>= 3,000 files/s' });
}
let hugeRun = null;
if (!quick) {
  hugeRun = { ...timeCommand(`${node} ${BIN} scan ${huge} --report summary --csv -q > /dev/null`) };
  add(`recoup scan 1 GB --report summary (--jobs ${jobs})`, statSync(huge).size / 1e6, hugeRun, 'RSS <= 300 MB');
  const huge1 = timeCommand(`${node} ${BIN} scan ${huge} --report summary --csv -q --jobs 1 > /dev/null`);
  add('recoup scan 1 GB --report summary --jobs 1', statSync(huge).size / 1e6, huge1, 'RSS <= 200 MB');
}

// claim index bytes per claim, and the ledger: one in-process scan, one ingest
const indexProbe = execFileSync(process.execPath, ['--input-type=module', '-e', `
  import { Scanner } from '${join(ROOT, 'dist', 'scan', 'scanner.js')}';
  const s = new Scanner({ reports: ['summary'], onRow() {}, onDiagnostic() {} });
  await s.scanFile(process.argv[1]);
  console.log(JSON.stringify({ claims: s.stats.claims, indexBytes: s.indexBytes }));`, big], { encoding: 'utf8' });
const { claims: claimCount, indexBytes } = JSON.parse(indexProbe);
const ledgerPath = join(DATA, 'bench-ledger.db');
rmSync(ledgerPath, { force: true });
rmSync(`${ledgerPath}-wal`, { force: true });
rmSync(`${ledgerPath}-shm`, { force: true });
const t0 = process.hrtime.bigint();
execFileSync(process.execPath, [BIN, 'scan', big, '--ledger', ledgerPath, '--report', 'summary', '--csv', '-q'], { stdio: ['ignore', 'ignore', 'inherit'] });
const ledgerSecs = Number(process.hrtime.bigint() - t0) / 1e9;
const ledgerBytes = statSync(ledgerPath).size;

// the ledger engines (issue 17): recording the big file, and linking every offset again (recoup report
// offsets), on SQLite and on PostgreSQL — a server from RECOUP_BENCH_PG or RECOUP_TEST_PG, else a
// throwaway one started with scripts/pg-test-server.sh when PostgreSQL is installed
const seconds = (f) => {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e9;
};
const relink = (ledger) => seconds(() => execFileSync(process.execPath, [BIN, 'report', 'offsets', '--ledger', ledger, '--csv', '-q'], { stdio: ['ignore', 'ignore', 'inherit'] }));
const engines = [{ engine: 'SQLite', record: ledgerSecs, link: relink(ledgerPath) }];
let pgServer = process.env.RECOUP_BENCH_PG || process.env.RECOUP_TEST_PG;
let pgDir = null;
if (!pgServer) {
  try {
    const out = execFileSync('bash', [join(ROOT, 'scripts', 'pg-test-server.sh'), 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    pgServer = /RECOUP_TEST_PG='([^']+)'/.exec(out)?.[1];
    pgDir = /RECOUP_TEST_PG_DIR='([^']+)'/.exec(out)?.[1] ?? null;
  } catch {
    pgServer = undefined;
  }
}
if (pgServer) {
  const pg = (await import('pg')).default;
  const admin = new pg.Client({ connectionString: pgServer });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS recoup_bench WITH (FORCE)');
  await admin.query('CREATE DATABASE recoup_bench');
  const url = new URL(pgServer);
  url.pathname = '/recoup_bench';
  const record = seconds(() => execFileSync(process.execPath, [BIN, 'scan', big, '--ledger', url.toString(), '--report', 'summary', '--csv', '-q'], { stdio: ['ignore', 'ignore', 'inherit'] }));
  engines.push({ engine: 'PostgreSQL', record, link: relink(url.toString()) });
  await admin.query('DROP DATABASE IF EXISTS recoup_bench WITH (FORCE)');
  await admin.end();
  if (pgDir) execFileSync('bash', [join(ROOT, 'scripts', 'pg-test-server.sh'), 'stop', pgDir]);
}

// deposits: the same ERAs scanned without and with the statement; the difference is reading the statement and matching
const eraFiles = readdirSync(bankYear).filter((f) => f.endsWith('.835'));
const bankLines = (await import('node:fs')).readFileSync(join(bankYear, 'statement.bai'), 'utf8').split('\n').filter((l) => l.startsWith('16,')).length;
const erasOnly = timeCommand(`${node} ${BIN} scan ${bankYear} --report summary --csv -q > /dev/null`);
const withBank = timeCommand(`${node} ${BIN} scan ${bankYear} --bank ${join(bankYear, 'statement.bai')} --report deposits --csv -q > /dev/null`);
rows.push({ name: '100,000 ERAs, --report summary', seconds: erasOnly.seconds.toFixed(2), rate: '', rss: `${erasOnly.rssMb.toFixed(0)} MB`, target: '' });
rows.push({ name: `same + --bank (${bankLines} lines) --report deposits`, seconds: withBank.seconds.toFixed(2), rate: '', rss: `${withBank.rssMb.toFixed(0)} MB`, target: 'seconds' });

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`\nrecoup benchmark — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
console.log(`input: ${bigMb.toFixed(0)} MB synthetic 835 (${claimCount} claims), median of ${runs} runs, whole process\n`);
const w = [44, 9, 14, 9, 18];
console.log(['what', 'seconds', 'rate', 'peak RSS', 'target'].map((h, i) => h.padEnd(w[i])).join(' '));
for (const r of rows) console.log([r.name, r.seconds, r.rate, r.rss, r.target].map((v, i) => String(v).padEnd(w[i])).join(' '));
console.log(`\nrecoup vs x12-parser (summary vs tokenizing only): ${(summaryRate / x12Rate).toFixed(1)}× at --jobs ${jobs}, ${(summary1Rate / x12Rate).toFixed(1)}× at --jobs 1 (target >= 4×)`);
console.log(`claim index: ${(indexBytes / claimCount).toFixed(1)} bytes per claim (${(indexBytes / 1e6).toFixed(1)} MB for ${claimCount} claims)`);
console.log(`ledger ingest: ${(claimCount / ledgerSecs).toFixed(0)} claims/s (${ledgerSecs.toFixed(1)} s), ${(ledgerBytes / claimCount).toFixed(0)} bytes of ledger per claim`);
console.log(`\nledger engines, ${bigMb.toFixed(0)} MB file (${claimCount} claims): recording it (scan --ledger), and linking every offset again (report offsets)`);
for (const e of engines) {
  const ratio = e.engine === 'SQLite' ? '' : `  (${(e.record / engines[0].record).toFixed(1)}× SQLite recording, ${(e.link / engines[0].link).toFixed(1)}× linking; target <= 3×, >= 20,000 claims/s)`;
  console.log(`  ${e.engine.padEnd(11)} record ${e.record.toFixed(1)} s = ${(claimCount / e.record).toFixed(0)} claims/s; link ${e.link.toFixed(1)} s${ratio}`);
}
if (engines.length === 1) console.log('  PostgreSQL  not measured: no server (set RECOUP_BENCH_PG, or install postgresql)');
console.log(`deposits: ${bankLines} bank lines against ${eraFiles.length} files of 100,000 ERAs read and matched in ${(withBank.seconds - erasOnly.seconds).toFixed(2)} s more than reading the ERAs alone`);
