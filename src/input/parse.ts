// Composes the layers for one input: bytes → SegmentTokenizer → EnvelopeReader → RemittanceBuilder.
// Owns reading files and stdin as streams (64 KiB chunks, so memory does not grow with the file) and
// turning I/O failures into coded diagnostics (the parser itself, RemittanceParser, does no I/O).

import { createReadStream, readFileSync, statSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { type Diagnostic, makeDiagnostic } from '../diagnostics/diagnostics.js';
import { RecoupError } from '../diagnostics/errors.js';
import { RemittanceBuilder } from '../remit/builder.js';
import type { Claim, Remittance } from '../remit/model.js';
import { EnvelopeReader, type GroupInfo, type InterchangeInfo, type TransactionInfo } from '../x12/envelope.js';
import { SegmentTokenizer } from '../x12/tokenizer.js';

export interface ParseHandlers {
  interchangeStart?(info: InterchangeInfo): void;
  interchangeEnd?(info: InterchangeInfo, groups: number): void;
  groupStart?(info: GroupInfo): void;
  groupEnd?(info: GroupInfo, transactions: number): void;
  transactionSkipped?(info: TransactionInfo): void;
  /** A claim is complete (streamed; the remittance header is filled). */
  claim?(claim: Claim, remittance: Remittance): void;
  /** A remittance (ST…SE) is complete. */
  remittance?(remittance: Remittance, info: TransactionInfo): void;
  diagnostic?(diagnostic: Diagnostic): void;
  /** Every chunk of raw bytes, before parsing (used to fingerprint a file for the ledger). */
  bytes?(chunk: Buffer): void;
  /** After each chunk is parsed: a promise makes reading wait (the output is full), so memory stays flat. */
  afterChunk?(): Promise<void> | undefined;
  /** parseRange: checked after each chunk; true stops reading (what was read is no longer wanted). */
  cancelled?(): boolean;
}

export interface ParseOptions {
  /** Keep claims on each Remittance (default true). Set false for flat memory on large files. */
  keepClaims?: boolean;
  maxSegmentBytes?: number;
  /** The absolute byte offset of the first byte given (a part of a split file); segments are still counted from 1. */
  baseOffset?: number;
}

export interface FileOutcome {
  file: string;
  bytes: number;
  segments: number;
  remittances: number;
  /** False when the input could not be read at all or was not X12. */
  readable: boolean;
  errors: number;
  warnings: number;
}

/** A push parser for one input: write(chunk)… end(). No I/O. */
export class RemittanceParser {
  private readonly tokenizer: SegmentTokenizer;
  private readonly envelope: EnvelopeReader;
  private readonly builder: RemittanceBuilder;
  private readonly outcome: FileOutcome;
  private fatal = false;
  private readonly onBytes: ((chunk: Buffer) => void) | undefined;

  constructor(file: string, handlers: ParseHandlers, options: ParseOptions = {}) {
    this.outcome = { file, bytes: 0, segments: 0, remittances: 0, readable: true, errors: 0, warnings: 0 };
    this.onBytes = handlers.bytes;
    const diagnostic = (d: Diagnostic): void => {
      if (d.severity === 'error') this.outcome.errors++;
      else if (d.severity === 'warning') this.outcome.warnings++;
      if (d.code === 'X12_NOT_X12' || d.code === 'X12_EMPTY_FILE') this.fatal = true;
      handlers.diagnostic?.(d);
    };
    this.builder = new RemittanceBuilder({
      file,
      keepClaims: options.keepClaims ?? true,
      ...(handlers.claim ? { onClaim: handlers.claim } : {}),
      onDiagnostic: diagnostic,
    });
    this.envelope = new EnvelopeReader(
      {
        ...(handlers.interchangeStart ? { interchangeStart: handlers.interchangeStart } : {}),
        ...(handlers.interchangeEnd ? { interchangeEnd: handlers.interchangeEnd } : {}),
        ...(handlers.groupStart ? { groupStart: handlers.groupStart } : {}),
        ...(handlers.groupEnd ? { groupEnd: handlers.groupEnd } : {}),
        ...(handlers.transactionSkipped ? { transactionSkipped: handlers.transactionSkipped } : {}),
        transactionStart: (info) => this.builder.start(info),
        transactionSegment: (seg) => this.builder.segment(seg),
        transactionEnd: (info, end) => {
          const r = this.builder.end(end);
          this.outcome.remittances++;
          handlers.remittance?.(r, info);
        },
        diagnostic,
      },
      { file, acceptTypes: ['835'] },
    );
    this.tokenizer = new SegmentTokenizer(
      { segment: (seg) => this.envelope.segment(seg), diagnostic },
      {
        file,
        ...(options.maxSegmentBytes !== undefined ? { maxSegmentBytes: options.maxSegmentBytes } : {}),
        ...(options.baseOffset !== undefined ? { baseOffset: options.baseOffset } : {}),
      },
    );
  }

  /**
   * Every segment so far is complete and no envelope is open: a parser started at the next byte (an ISA)
   * reads the rest exactly as this one would, only counting segments from 1 (./scan/parallel.ts).
   */
  get atBoundary(): boolean {
    return this.tokenizer.atSegmentBoundary && this.envelope.idle;
  }

  /** True once the input is known not to be X12: the caller may stop feeding it. */
  get stopped(): boolean {
    return this.tokenizer.stopped;
  }

  write(chunk: Buffer): void {
    this.outcome.bytes += chunk.length;
    this.onBytes?.(chunk);
    this.tokenizer.write(chunk);
  }

  end(): FileOutcome {
    this.tokenizer.end();
    this.envelope.end();
    this.outcome.segments = this.tokenizer.segments;
    if (this.fatal) this.outcome.readable = false;
    return this.outcome;
  }
}

/** Parses a whole buffer, optionally split into chunks (used by tests for chunk invariance). */
export function parseBuffer(file: string, data: Buffer, handlers: ParseHandlers, options: ParseOptions & { chunks?: number[] } = {}): FileOutcome {
  const parser = new RemittanceParser(file, handlers, options);
  if (options.chunks === undefined) parser.write(data);
  else {
    let pos = 0;
    for (const size of options.chunks) {
      if (pos >= data.length) break;
      parser.write(data.subarray(pos, pos + size));
      pos += size;
    }
    if (pos < data.length) parser.write(data.subarray(pos));
  }
  return parser.end();
}

/** Streams one file (or '-' for stdin) through the parser. Never throws for bad input or a read failure; a failure of the output it waited for (afterChunk) is thrown. */
/** How an input is named in diagnostics and reports: its path, or `<stdin>` for '-'. */
export function displayName(path: string): string {
  return path === '-' ? '<stdin>' : path;
}

export async function parseFile(path: string, handlers: ParseHandlers, options: ParseOptions & { stdin?: Readable } = {}): Promise<FileOutcome> {
  const display = displayName(path);
  const failed = (d: Diagnostic): FileOutcome => {
    handlers.diagnostic?.(d);
    return { file: display, bytes: 0, segments: 0, remittances: 0, readable: false, errors: 1, warnings: 0 };
  };
  let source: Readable;
  if (path === '-') {
    source = options.stdin ?? process.stdin;
  } else {
    let size: number;
    try {
      // one blocking stat: an awaited one is a round trip through the thread pool for every small file
      const st = statSync(path);
      if (!st.isFile()) return failed(makeDiagnostic('IO_NOT_A_FILE', `${display} is ${st.isDirectory() ? 'a directory' : 'not a regular file'}`, { file: display }));
      size = st.size;
    } catch (err) {
      return failed(ioDiagnostic(err, display));
    }
    // a small file is read in one call: a stream costs several round trips through the thread pool and a
    // 64 KiB buffer per file, which made an inbox of 10,000 small ERAs wait on I/O half the time (issue 18)
    if (size <= WHOLE_FILE_BYTES) return parseWhole(path, display, handlers, options);
    source = createReadStream(path, { highWaterMark: 64 * 1024 });
  }
  const parser = new RemittanceParser(display, handlers, options);
  /** A failure of the output we waited for (disk full): the caller's error, not a read failure of this input. */
  let outputFailure: { err: unknown } | null = null;
  try {
    for await (const chunk of source) {
      parser.write(chunk as Buffer);
      if (parser.stopped) break;
      const wait = handlers.afterChunk?.();
      if (wait !== undefined) {
        try {
          await wait;
        } catch (err) {
          outputFailure = { err };
          break;
        }
      }
    }
  } catch (err) {
    // a failure of what the callbacks write to (the ledger) stops the run; it is not this input's fault
    if (err instanceof RecoupError) throw err;
    const outcome = parser.end();
    handlers.diagnostic?.(ioDiagnostic(err, display, outcome.bytes));
    return { ...outcome, readable: false, errors: outcome.errors + 1 };
  } finally {
    if (path !== '-') source.destroy();
  }
  if (outputFailure !== null) throw outputFailure.err;
  return parser.end();
}

/** Bytes read per call when parsing a part of a file (parseRange). */
const RANGE_CHUNK = 256 * 1024;

/**
 * Parses the part of a file that starts at `start` (an ISA: see ./scan/parallel.ts) up to the first of
 * `stops` (ascending byte offsets after `start`) where the parser is at a boundary, else on to the end of
 * the file. Byte offsets are the file's; segments are counted from 1. `end` is where it stopped (the
 * file's size when it read to the end, or stopped reading after an I/O failure).
 */
export async function parseRange(path: string, start: number, stops: readonly number[], handlers: ParseHandlers, options: ParseOptions = {}): Promise<FileOutcome & { end: number }> {
  const parser = new RemittanceParser(path, handlers, { ...options, baseOffset: start });
  let handle: FileHandle | null = null;
  let pos = start;
  /** Nothing of this part to say: it starts past the end of the file (which shrank), or is not wanted any more. */
  const nothing = (): FileOutcome & { end: number } => ({ file: path, bytes: 0, segments: 0, remittances: 0, readable: true, errors: 0, warnings: 0, end: Number.MAX_SAFE_INTEGER });
  try {
    handle = await open(path, 'r');
    const size = (await handle.stat()).size;
    if (start >= size) return nothing();
    let next = 0;
    while (next < stops.length && stops[next]! <= start) next++;
    for (;;) {
      const limit = next < stops.length ? stops[next]! : size;
      while (pos < limit) {
        const chunk = Buffer.allocUnsafe(Math.min(RANGE_CHUNK, limit - pos));
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, pos);
        // the file shrank while it was read: this is its end (the parts after it are dropped); a later part
        // that got nothing at all says nothing (it was never part of the file as it now is)
        if (bytesRead === 0) return pos === start && start > 0 ? nothing() : { ...parser.end(), end: Number.MAX_SAFE_INTEGER };
        parser.write(bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead));
        pos += bytesRead;
        if (parser.stopped) return { ...parser.end(), end: Number.MAX_SAFE_INTEGER };
        await handlers.afterChunk?.();
        if (handlers.cancelled?.()) return nothing();
      }
      if (next >= stops.length || parser.atBoundary) return { ...parser.end(), end: next >= stops.length ? size : limit };
      next++; // not at a boundary (an interchange open across it): read on to the next one
    }
  } catch (err) {
    if (err instanceof RecoupError) throw err;
    const outcome = parser.end();
    handlers.diagnostic?.(ioDiagnostic(err, path, pos));
    return { ...outcome, readable: false, errors: outcome.errors + 1, end: Number.MAX_SAFE_INTEGER };
  } finally {
    await handle?.close();
  }
}

/** Files up to this size are read whole (parseWhole); larger ones stream in 64 KiB chunks. */
const WHOLE_FILE_BYTES = 1024 * 1024;

/** parseFile for a small regular file: one read, one write into the parser; the same outcome and diagnostics. */
async function parseWhole(path: string, display: string, handlers: ParseHandlers, options: ParseOptions): Promise<FileOutcome> {
  const parser = new RemittanceParser(display, handlers, options);
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    const outcome = parser.end();
    handlers.diagnostic?.(ioDiagnostic(err, display, outcome.bytes));
    return { ...outcome, readable: false, errors: outcome.errors + 1 };
  }
  if (data.length > 0) {
    parser.write(data);
    // the output may be full: wait for it as between chunks (a failure there is the caller's error)
    await handlers.afterChunk?.();
  }
  return parser.end();
}

export function ioDiagnostic(err: unknown, file: string, byteOffset?: number): Diagnostic {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const at = byteOffset !== undefined ? { byteOffset } : {};
  switch (code) {
    case 'ENOENT':
      return makeDiagnostic('IO_NOT_FOUND', `${file} does not exist`, { file });
    case 'EACCES':
    case 'EPERM':
      return makeDiagnostic('IO_PERMISSION', `${file} cannot be read: permission denied`, { file });
    case 'EISDIR':
      return makeDiagnostic('IO_NOT_A_FILE', `${file} is a directory`, { file });
    default:
      return makeDiagnostic('IO_READ_FAILED', `reading ${file} failed${code ? ` (${code})` : ''}`, { file, ...at });
  }
}
