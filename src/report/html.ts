// Self-contained HTML pages (the dashboard, the appeal summary): escaping, and the page shell with its CSS
// inline and a print stylesheet — no external fonts, scripts or images, so a page opens from an e-mail
// attachment or a shared drive without the network. Knows nothing about what a page shows.

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * `text` made safe for HTML element content and for attribute values in either quote: `& < > " '` become
 * entities. Every value that comes from a file, the ledger or the command line goes through it — an 835
 * reference reading `<script>` must print as those characters, never run.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * What every page shares on screen: the fonts the reader's system already has (never a web font), dark
 * text on white, and `.num` for amounts and counts (right-aligned, digits of equal width, never wrapped).
 * A page's own `css` comes after it and may override any of it.
 */
const BASE_CSS = `
:root { color-scheme: light; }
body { margin: 24px; color: #111827; background: #fff;
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
`;

/**
 * Paper. `size: auto` lets the printer's paper decide (Letter in the US, A4 elsewhere); 12 mm margins leave
 * a printable area of 186 × 255 mm that fits both (Letter is 215.9 × 279.4 mm, A4 210 × 297 mm), so a page
 * laid out for that area prints the same on either. Backgrounds and colours print as on screen.
 */
const PAGE_CSS = `
@page { size: auto; margin: 12mm; }
`;

const BASE_PRINT_CSS = `
body { margin: 0; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
`;

/**
 * A whole page: doctype, UTF-8, a viewport, the title (escaped here), then one `<style>` holding the shared
 * base, the page's `css` for the screen, the paper rules (`@page`, Letter and A4) and — inside
 * `@media print` — the shared print rules and the page's `printCss`. `body` is inserted as given: the caller
 * builds it and escapes every value in it with `escapeHtml`. A Content-Security-Policy allows nothing but
 * inline styles and data: images, so even a page built wrongly cannot reach the network or run a script.
 */
export function htmlPage(options: { title: string; body: string; css?: string; printCss?: string }): string {
  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
    `<title>${escapeHtml(options.title)}</title>` +
    `<style>${BASE_CSS}${options.css ?? ''}${PAGE_CSS}@media print {${BASE_PRINT_CSS}${options.printCss ?? ''}}</style>` +
    `</head><body>${options.body}</body></html>\n`
  );
}
