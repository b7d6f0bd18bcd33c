// The browser tests' harness: finds a Chromium binary, opens a page in it through playwright-core, counts the
// pages of its printed PDF. Test-only. Without Chromium the browser tests are skipped (NO_BROWSER says why),
// never failed; `.ci/run` installs Debian's `chromium` so CI runs them.

import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findChromium(): string | null {
  const fromEnv = process.env.RECOUP_CHROMIUM;
  if (fromEnv !== undefined && fromEnv !== '') return executable(fromEnv) ? fromEnv : null;
  for (const path of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (executable(path)) return path;
  return null;
}

/**
 * The Chromium binary to drive: $RECOUP_CHROMIUM, else /usr/bin/chromium, else /usr/bin/chromium-browser; null when none exists.
 * A RECOUP_CHROMIUM that is not an executable file is not passed over for another binary: the tests skip and say so.
 */
export const CHROMIUM_PATH: string | null = findChromium();

/** Why browser tests are skipped (printed once by each test file that skips), or null when they can run. */
export const NO_BROWSER: string | null =
  CHROMIUM_PATH !== null
    ? null
    : process.env.RECOUP_CHROMIUM
      ? `RECOUP_CHROMIUM=${process.env.RECOUP_CHROMIUM} is not an executable file`
      : "no Chromium at /usr/bin/chromium or /usr/bin/chromium-browser (install Debian's chromium package, or set RECOUP_CHROMIUM to a Chromium binary)";

/** Chromium's switches: headless, no sandbox (CI runs as root), and nothing that reaches the network on its own. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Opens `file` (an absolute path to an HTML file) in a fresh headless Chromium page (playwright-core, launched with
 * executablePath CHROMIUM_PATH and args --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
 * --disable-background-networking --disable-component-update --disable-sync and a new empty --user-data-dir), runs `fn`,
 * and closes everything. `requests` lists every request the page made other than the file itself (a self-contained page makes none).
 *
 * The user data directory is made here and removed afterwards (playwright passes it to Chromium as --user-data-dir
 * through launchPersistentContext; it refuses the switch in `args`). The page's Content-Security-Policy is bypassed
 * so that `requests` shows what the page itself asks for, not what its policy happens to block; every such request
 * is answered with a network error, so a test never depends on, or reaches, the network.
 */
export async function withPage<T>(file: string, fn: (page: Page, requests: string[]) => Promise<T>): Promise<T> {
  if (CHROMIUM_PATH === null) throw new Error(NO_BROWSER ?? 'no Chromium');
  const profile = mkdtempSync(join(tmpdir(), 'recoup-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: ARGS,
      headless: true,
      bypassCSP: true,
      viewport: { width: 1000, height: 800 },
    });
    try {
      const self = pathToFileURL(file).href;
      const requests: string[] = [];
      await context.route('**/*', (route) => (route.request().url() === self ? route.continue() : route.abort('blockedbyclient')));
      const page = context.pages()[0] ?? (await context.newPage());
      page.on('request', (request) => {
        if (request.url() !== self) requests.push(request.url());
      });
      await page.goto(self, { waitUntil: 'load' });
      return await fn(page, requests);
    } finally {
      await context.close();
    }
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * Prints the open page to PDF (Letter or A4) and returns how many pages it has.
 *
 * The page's own `@page` margins apply (playwright sets none). Counted twice from the PDF's bytes, which must
 * agree: the page objects (`/Type /Page`, not the `/Type /Pages` tree nodes) and the root page tree's `/Count`.
 */
export async function pdfPages(page: Page, format: 'Letter' | 'A4'): Promise<number> {
  const pdf = (await page.pdf({ format, printBackground: true })).toString('latin1');
  const objects = pdf.match(/\/Type\s*\/Page(?![A-Za-z])/g)?.length ?? 0;
  // every /Pages node carries /Count (its leaves); the root's is the largest
  const counts = [...pdf.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)|\/Count\s+(\d+)[^>]*?\/Type\s*\/Pages\b/g)].map((m) => Number(m[1] ?? m[2]));
  const total = counts.length === 0 ? -1 : Math.max(...counts);
  if (objects !== total) throw new Error(`the PDF's page objects (${objects}) and its page tree's /Count (${total}) disagree`);
  return objects;
}
