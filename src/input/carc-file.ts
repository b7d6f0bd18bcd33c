// Reads a user's licensed CARC list (--carc-file): CSV with columns code,description. X12's CARC text is
// copyrighted (835-domain.md §5), so recoup ships codes only and explains CARCs from the user's own list.

import { readFile } from 'node:fs/promises';
import { usageError } from '../diagnostics/errors.js';

/** Reads a user's CARC list: CSV with columns code,description (a header row is optional). */
export async function loadCarcFile(path: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw usageError(`cannot read --carc-file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const map = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const [code, description] = splitCsvLine(line);
    if (code === undefined || description === undefined) continue;
    if (/^code$/i.test(code.trim())) continue;
    map.set(code.trim(), description.trim());
  }
  if (map.size === 0) throw usageError(`--carc-file ${path} holds no code,description rows`);
  return map;
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.length > 2 ? [out[0]!, out.slice(1).join(',')] : out;
}
