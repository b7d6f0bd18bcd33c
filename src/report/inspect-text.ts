// Renders `recoup inspect` results as indented text for a terminal. JSON output is the InspectFile data as is.

import type { ChalkInstance } from 'chalk';
import type { InspectFile } from '../input/inspect.js';
import { showDelimiter } from '../x12/delimiters.js';
import { formatDiagnostic } from './diagnostic-lines.js';

export function renderInspectText(files: readonly InspectFile[], c: ChalkInstance): string {
  const out: string[] = [];
  for (const f of files) {
    out.push(c.bold(f.file) + c.dim(`  ${f.bytes} bytes, ${f.segments} segments, ${f.remittances} remittance${f.remittances === 1 ? '' : 's'}`));
    if (!f.readable && f.interchanges.length === 0) out.push('  (not read: see the error below)');
    for (const i of f.interchanges) {
      const d = i.delimiters;
      const delims = `delimiters ${showDelimiter(d.element)} ${showDelimiter(d.component)} ${showDelimiter(d.segment)}${d.repetition ? ` ${showDelimiter(d.repetition)}` : ''}`;
      if (i.headerless) out.push(`  (no ISA envelope)  ${delims}`);
      else {
        out.push(
          `  interchange ${i.controlNumber}  ${i.sender} → ${i.receiver}  ${i.date ?? '?'}${i.time ? ` ${i.time}` : ''}  version ${i.version}${i.usage === 'T' ? '  TEST' : ''}  ${delims}`,
        );
      }
      for (const g of i.groups) {
        const indent = g.controlNumber === null ? '    ' : '      ';
        if (g.controlNumber !== null) out.push(`    group ${g.controlNumber}  ${g.functionalId}  ${g.version}${g.date ? `  ${g.date}` : ''}`);
        for (const t of g.transactions) {
          if (!t.read) {
            out.push(`${indent}${t.type} ${t.controlNumber}  ${c.dim('skipped (not an 835)')}`);
            continue;
          }
          const parts = [
            `${t.type} ${t.controlNumber}`,
            `${t.segments} segments`,
            `${t.claims} claim${t.claims === 1 ? '' : 's'}`,
            `${t.providerAdjustments} PLB adjustment${t.providerAdjustments === 1 ? '' : 's'}${t.plbSegments ? ` in ${t.plbSegments} PLB` : ''}`,
            `paid ${t.paid} (${t.handlingCode || '?'})`,
            `trace ${t.traceNumber || '?'}`,
          ];
          if (t.payerName) parts.push(t.payerName);
          if (t.closed === false) parts.push(c.yellow('no SE'));
          out.push(indent + parts.join('  '));
        }
      }
    }
    if (f.diagnostics.length === 0) out.push(c.green('  no diagnostics'));
    else for (const d of f.diagnostics) out.push(`  ${formatDiagnostic({ ...d, file: undefined } as typeof d, c)}`);
    out.push('');
  }
  return out.join('\n');
}
