// Reads one bank statement file (--bank) as a stream: tells BAI2 from a CSV export by its first bytes and
// feeds 64 KiB chunks to the reader (src/bank/, which does no I/O); I/O failures become coded diagnostics.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Bai2Reader } from '../bank/bai2.js';
import { BankCsvReader } from '../bank/bank-csv.js';
import type { BankCsvMapping, BankFormat, BankSink } from '../bank/model.js';
import { makeDiagnostic } from '../diagnostics/diagnostics.js';
import { displayName, ioDiagnostic } from './parse.js';

export interface ReadBankFileOptions {
  /** The user's bank.csv mapping, for CSV exports whose headers are not recognised. */
  csv?: BankCsvMapping;
  /** Every chunk of raw bytes, before it is parsed (the ledger hashes the file). */
  onBytes?: (chunk: Buffer) => void;
}

export interface BankFileOutcome {
  /** False when nothing could be read: the path failed, the format is unknown, or a CSV has no header row. */
  readable: boolean;
  bytes: number;
  format: BankFormat | null;
}

/** What the first bytes say the file is. `undecided` until a non-blank byte has arrived (or three for ISA). */
/** Bytes of leading white space looked through before deciding (memory stays flat on a blank file). */
const SNIFF_LIMIT = 64 * 1024;

type Sniffed = 'bai2' | 'csv' | 'x12' | 'empty' | 'undecided';

/** Streams one bank statement into `sink`. Never throws for bad input or a read failure. */
export async function readBankFile(path: string, sink: BankSink, options: ReadBankFileOptions = {}): Promise<BankFileOutcome> {
  const file = displayName(path);
  const unreadable = { readable: false, bytes: 0, format: null };
  try {
    const st = await stat(path);
    if (!st.isFile()) {
      sink.diagnostic(makeDiagnostic('IO_NOT_A_FILE', `${file} is ${st.isDirectory() ? 'a directory' : 'not a regular file'}`, { file }));
      return unreadable;
    }
  } catch (err) {
    sink.diagnostic(ioDiagnostic(err, file));
    return unreadable;
  }
  const source = createReadStream(path, { highWaterMark: 64 * 1024 });
  let bytes = 0;
  let held: Buffer[] = [];
  let heldBytes = 0;
  let reader: Bai2Reader | BankCsvReader | null = null;
  let format: BankFormat | null = null;
  let failure: unknown = null;
  const start = (seen: 'bai2' | 'csv'): Bai2Reader | BankCsvReader => {
    format = seen;
    const r = seen === 'bai2' ? new Bai2Reader(file, sink) : new BankCsvReader(file, sink, options.csv ? { mapping: options.csv } : {});
    for (const c of held) r.write(c);
    held = [];
    return r;
  };
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      options.onBytes?.(chunk);
      if (reader === null) {
        held.push(chunk);
        heldBytes += chunk.length;
        let seen = sniff(Buffer.concat(held), false);
        if (seen === 'undecided') {
          if (heldBytes < SNIFF_LIMIT) continue;
          seen = 'csv'; // that much white space: read as CSV, which says what it lacks, without holding more
        }
        if (seen === 'x12') break;
        reader = start(seen === 'bai2' ? 'bai2' : 'csv');
      } else {
        reader.write(chunk);
      }
      if (reader instanceof BankCsvReader && reader.stopped) break;
    }
  } catch (err) {
    failure = err;
  } finally {
    source.destroy();
  }
  if (reader === null) {
    if (failure !== null) {
      sink.diagnostic(ioDiagnostic(failure, file, bytes));
      return { readable: false, bytes, format: null };
    }
    const seen = sniff(Buffer.concat(held), true);
    if (seen === 'x12') {
      sink.diagnostic(makeDiagnostic('BANK_FORMAT_UNKNOWN', `${file} is an X12 file (it starts with ISA): give it among the 835 inputs, not after --bank`, { file, byteOffset: 0 }));
      return { readable: false, bytes, format: null };
    }
    if (seen === 'empty') {
      sink.diagnostic(makeDiagnostic('BANK_FORMAT_UNKNOWN', `${file} is empty: it is neither BAI2 nor a CSV export`, { file }));
      return { readable: false, bytes, format: null };
    }
    // a file too short to decide on (a few characters) is read as CSV, which reports what it lacks
    reader = start(seen === 'bai2' ? 'bai2' : 'csv');
  }
  await reader.end();
  if (failure !== null) {
    sink.diagnostic(ioDiagnostic(failure, file, bytes));
    return { readable: false, bytes, format };
  }
  const readable = reader instanceof BankCsvReader ? reader.headerFound : true;
  return { readable, bytes, format };
}

/**
 * BAI2 files start with an 01 record; an X12 interchange starts with ISA; anything else is taken for a
 * CSV export. Looks past a UTF-8 BOM and white space. `atEnd`: no more bytes will come.
 */
function sniff(data: Buffer, atEnd: boolean): Sniffed {
  let i = data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? 3 : 0;
  while (i < data.length && (data[i] === 0x20 || data[i] === 0x09 || data[i] === 0x0a || data[i] === 0x0d)) i++;
  if (i >= data.length) return atEnd ? 'empty' : 'undecided';
  if (data.length - i < 3 && !atEnd) return 'undecided';
  const start = data.toString('latin1', i, i + 3);
  if (start === '01,') return 'bai2';
  if (start === 'ISA') return 'x12';
  return 'csv';
}
