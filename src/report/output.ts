// Where report text goes: stdout, or a file written beside its destination and renamed into place when
// complete, so a crash never leaves a half-written report that looks finished. Files are created 0600
// (reports can hold patient data). A device or pipe given as the destination is written directly.

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
    return { stream: ws, commit: () => closeStream(ws), abort: () => closeStream(ws).catch(() => {}) };
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const ws = createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
  await opened(ws);
  return {
    stream: ws,
    commit: async () => {
      await closeStream(ws);
      await rename(tmp, path);
    },
    abort: async () => {
      await closeStream(ws).catch(() => {});
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

function closeStream(ws: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ws.destroyed || ws.closed) return resolve();
    ws.once('error', reject);
    ws.end(() => resolve());
  });
}
