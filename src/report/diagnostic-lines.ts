// Prints diagnostics for people (stderr lines) and as data. Never parses; never shows segment contents,
// which may hold patient data — only codes, segment ids and positions.

import type { ChalkInstance } from 'chalk';
import type { Diagnostic } from '../diagnostics/diagnostics.js';

/** `era.835: segment 57 SE, byte 2140, SE01: warning X12_COUNT_MISMATCH: SE01 says "30" …`; bank statements: `stmt.bai: line 12, byte 701: …` */
export function formatDiagnostic(d: Diagnostic, color?: ChalkInstance, verbose = false): string {
  const where: string[] = [];
  if (d.line !== undefined) where.push(`line ${d.line}`);
  if (d.segment !== undefined) where.push(`segment ${d.segment}${d.segmentId ? ` ${d.segmentId}` : ''}`);
  if (d.byteOffset !== undefined) where.push(`byte ${d.byteOffset}`);
  if (d.element !== undefined) where.push(d.element);
  const place = [d.file ?? '', where.join(', ')].filter((s) => s !== '').join(': ');
  const sev = d.severity === 'error' ? color?.red(d.severity) ?? d.severity : d.severity === 'warning' ? color?.yellow(d.severity) ?? d.severity : d.severity;
  const line = `${place}${place ? ': ' : ''}${sev} ${d.code}: ${d.message}`;
  return verbose && d.excerpt !== undefined ? `${line}\n    segment: ${d.excerpt}` : line;
}

/** Counts diagnostics by code, sorted by code, for summaries and notes. */
export function countByCode(diagnostics: Iterable<Diagnostic>): Record<string, number> {
  const counts = new Map<string, number>();
  for (const d of diagnostics) counts.set(d.code, (counts.get(d.code) ?? 0) + 1);
  return Object.fromEntries([...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}
