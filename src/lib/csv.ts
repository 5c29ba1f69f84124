/** RFC 4180 CSV with spreadsheet formula neutralising (OWASP "CSV injection"). */

/**
 * Characters some spreadsheet may split a line on: the RFC's comma and line breaks, the `;` of
 * locales whose decimal mark is a comma, tab for TSV-sniffing importers, `|` offered by import
 * dialogs. Quoting a cell that contains one keeps it one cell whatever separator the reader
 * picks — spreadsheets honour RFC 4180 quotes for every separator — and `"` must be quoted anyway.
 */
const NEEDS_QUOTES = /[",;|\t\r\n]/;

/**
 * A cell a spreadsheet could evaluate: one that starts with a control character (tab, CR, LF,
 * NUL), or whose first character after whitespace, control and separator characters is a formula
 * trigger. The skipped prefix matters: ` =1+1` is trimmed by some importers, and `;=1+1` or
 * `,=1` would start a cell of its own if the cell were ever split.
 */
// eslint-disable-next-line no-control-regex -- spreadsheets skip control characters before a formula
const FORMULA_START = /^(?:[\t\r\n\0]|[\s\x00-\x1f,;|]*[=+\-@])/;

/** One cell: numbers as they are, text neutralised and quoted when needed. */
export function csvCell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  // A leading apostrophe makes Excel, LibreOffice and Sheets show the text instead of running it.
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record with its CRLF line end, as RFC 4180 specifies (for streaming row by row). */
export function csvRow(row: readonly (string | number)[]): string {
  return row.map(csvCell).join(',') + '\r\n';
}

/** Rows to CSV with CRLF line ends, as RFC 4180 specifies. */
export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
  return rows.map(csvRow).join('');
}
