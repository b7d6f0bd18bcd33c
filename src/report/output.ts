// Where report text goes: stdout, or a file written beside its destination and renamed into place when
// complete, so a crash never leaves a half-written report that looks finished. Files are created 0600
// (reports can hold patient data). A device or pipe given as the destination is written directly.
// Also the stream helpers every writer shares: writing with back-pressure, and writing in blocks.

import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';

export interface OutputTarget {
  stream: Writable;
  /** Finishes the output: flush, then rename a temporary file into place. */
  commit(): Promise<void>;
  /** Abandons the output: a temporary file is removed, the destination is untouched. */
  abort(): Promise<void>;
}

export function stdoutTarget(stream: Writable): OutputTarget {
  return { stream, commit: async () => {}, abort: async () => {} };
}

export async function fileTarget(path: string): Promise<OutputTarget> {
  let special = false;
  try {
    const st = await stat(path);
    special = !st.isFile() && !st.isDirectory();
  } catch {
    special = false;
  }
  if (special) {
    const ws = createWriteStream(path, { flags: 'w' });
    await opened(ws);
    const failure = watchFailure(ws);
    return { stream: ws, commit: () => closeStream(ws, failure), abort: () => closeStream(ws, failure).catch(() => {}) };
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const ws = createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
  await opened(ws);
  const failure = watchFailure(ws);
  return {
    stream: ws,
    commit: async () => {
      try {
        await closeStream(ws, failure);
      } catch (err) {
        // a write failed (disk full): the report is incomplete, so it must not appear under its name
        await unlink(tmp).catch(() => {});
        throw err;
      }
      await rename(tmp, path);
    },
    abort: async () => {
      await closeStream(ws, failure).catch(() => {});
      await unlink(tmp).catch(() => {});
    },
  };
}

function opened(ws: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
}

/** Remembers the first error of a stream (a failed write destroys it; closing must still report it). */
function watchFailure(ws: WriteStream): { error: Error | null } {
  const failure: { error: Error | null } = { error: null };
  ws.on('error', (err) => {
    failure.error ??= err;
  });
  return failure;
}

/** Ends the stream; rejects if any write to it failed, now or before. */
function closeStream(ws: WriteStream, failure: { error: Error | null }): Promise<void> {
  return new Promise((resolve, reject) => {
    if (failure.error) return reject(failure.error);
    if (ws.destroyed || ws.closed) return resolve();
    ws.once('error', reject);
    ws.end(() => (failure.error ? reject(failure.error) : resolve()));
  });
}

/** Writes text and resolves once the stream has taken it (respects back-pressure). */
export function writeOut(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(text, (err) => {
      if (err) reject(err);
    });
    if (ok) resolve();
    else stream.once('drain', resolve);
  });
}

/** Resolves on 'drain' (or when the stream closes); rejects on its error, so a failed output never hangs. */
export function waitForDrain(stream: Writable): Promise<void> {
  if (!stream.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', fail);
      resolve();
    };
    const fail = (err: Error): void => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', fail);
      reject(err);
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', fail);
  });
}

/** Bytes of text gathered before one write: one write per row was the largest cost of a claims report. */
const BLOCK_BYTES = 64 * 1024;

/** Gathers text and writes it to a stream in blocks of about 64 KiB. */
export class BlockWriter {
  private pending = '';
  constructor(private readonly out: Writable) {}

  add(text: string): void {
    this.pending += text;
    if (this.pending.length >= BLOCK_BYTES) {
      this.out.write(this.pending);
      this.pending = '';
    }
  }

  get needsDrain(): boolean {
    return this.out.writableNeedDrain;
  }

  drained(): Promise<void> {
    return waitForDrain(this.out);
  }

  /** Writes what is left; resolves when the stream has taken it, rejects when the write fails. */
  end(): Promise<void> {
    const text = this.pending;
    this.pending = '';
    return new Promise((resolve, reject) => {
      this.out.write(text, (err) => (err ? reject(err) : resolve()));
    });
  }
}
