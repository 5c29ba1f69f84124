/** RFC 4180 CSV with spreadsheet formula neutralising (OWASP "CSV injection"). */

/** Cells a spreadsheet would evaluate as a formula start with one of these. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: numbers as they are, text neutralised and quoted when needed. */
export function csvCell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  // A leading apostrophe makes Excel, LibreOffice and Sheets show the text instead of running it.
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows to CSV with CRLF line ends, as RFC 4180 specifies. */
export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
