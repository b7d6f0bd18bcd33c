// A one-line progress bar on stderr for long runs: bytes and files done, rate. Only on a terminal and
// never with --quiet, so nothing of it reaches logs or pipes. Redrawn at most every 100 ms.

import type { Writable } from 'node:stream';

const REDRAW_MS = 100;
/** Short runs finish before a bar would help: it appears only after this long. */
const FIRST_DRAW_MS = 500;

function mb(bytes: number): string {
  return (bytes / 1_000_000).toFixed(1); // display only
}

export class Progress {
  private readonly out: Writable;
  private readonly totalBytes: number;
  private readonly totalFiles: number;
  private bytes = 0;
  private files = 0;
  private readonly started = Date.now();
  private lastDraw = 0;
  private shown = false;
  private readonly firstDrawMs: number;

  constructor(out: Writable, totalBytes: number, totalFiles: number, firstDrawMs = FIRST_DRAW_MS) {
    this.out = out;
    this.firstDrawMs = firstDrawMs;
    this.totalBytes = totalBytes;
    this.totalFiles = totalFiles;
  }

  addBytes(n: number): void {
    this.bytes += n;
    this.maybeDraw();
  }

  fileDone(): void {
    this.files++;
    this.maybeDraw();
  }

  /** Removes the bar (before other stderr output, and at the end). */
  clear(): void {
    if (this.shown) {
      this.out.write('\r\x1b[K');
      this.shown = false;
    }
  }

  private maybeDraw(): void {
    const now = Date.now();
    if (now - this.started < this.firstDrawMs || now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    const secs = Math.max(0.001, (now - this.started) / 1000);
    const frac = this.totalBytes > 0 ? Math.min(1, this.bytes / this.totalBytes) : 0;
    const width = 20;
    const filled = Math.round(frac * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    const line = `recoup ${bar} ${Math.round(frac * 100)}%  ${mb(this.bytes)}/${mb(this.totalBytes)} MB  ${this.files}/${this.totalFiles} files  ${mb(this.bytes / secs)} MB/s`;
    this.out.write(`\r${line}\x1b[K`);
    this.shown = true;
  }
}
