/**
 * The link-preview image of a poll's results (Open Graph / Twitter card): an SVG built here,
 * turned into a PNG by src/lib/share-png.ts. Pure functions, so layout and escaping are tested
 * without rendering.
 */
import { count, percent } from './format';
import { escapeXml } from './qr';

export const SHARE_IMAGE_WIDTH = 1200;
export const SHARE_IMAGE_HEIGHT = 630;

/** What the image shows: the results an anonymous visitor may see, or why they are hidden. */
export interface ShareImageInput {
  question: string;
  /** The site's host, printed as where to vote ("polls.example.com"). */
  host: string;
  /** Null when results are hidden from anonymous visitors: the image then carries no numbers. */
  results: { totalResponses: number; options: { label: string; share: number }[] } | null;
  /** The sentence shown instead of results. */
  hiddenMessage?: string;
}

const MARGIN = 64;
const TEXT_WIDTH = SHARE_IMAGE_WIDTH - MARGIN * 2;
/** More bars than this would be too thin to read in a chat preview; the rest are summed up in words. */
const MAX_BARS = 6;
const FONT = "'DejaVu Sans', 'Liberation Sans', Arial, sans-serif";
const COLORS = {
  bg: '#ffffff',
  text: '#1b1b29',
  muted: '#52526b',
  accent: '#4338ca',
  bar: '#6366f1',
  track: '#e8e7fb',
};

/**
 * Average advance of a character in DejaVu Sans, in ems (bold is wider). An estimate, not a
 * measurement: resvg has no text-measuring API, so wrapping keeps a margin for wide letters.
 */
const EM_REGULAR = 0.56;
const EM_BOLD = 0.64;

/** How many characters fit in `width` pixels at this font size. */
export function charsThatFit(width: number, fontSize: number, bold = false): number {
  return Math.floor(width / (fontSize * (bold ? EM_BOLD : EM_REGULAR)));
}

/**
 * Words broken into at most `maxLines` lines of at most `maxChars` characters. A word longer than
 * a line is cut; text that does not fit ends its last line with an ellipsis.
 */
export function wrapText(text: string, maxChars: number, maxLines: number): string[] {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (let word of words) {
    while (word.length > maxChars) {
      if (line) lines.push(line);
      lines.push(word.slice(0, maxChars));
      word = word.slice(maxChars);
      line = '';
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= maxChars) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = truncate(`${kept[maxLines - 1]} ${lines[maxLines]}`, maxChars);
  return kept;
}

/**
 * At most `maxChars` characters, the last an ellipsis when something was cut — at a word break
 * when one falls in the second half, so a word is not left half-written.
 */
export function truncate(text: string, maxChars: number): string {
  const chars = [...text];
  if (chars.length <= maxChars) return text;
  const cut = chars.slice(0, maxChars - 1).join('');
  const space = cut.lastIndexOf(' ');
  return `${(space > cut.length / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

const text = (x: number, y: number, size: number, fill: string, content: string, extra = '') =>
  `<text x="${x}" y="${y}" font-size="${size}" fill="${fill}"${extra}>${escapeXml(content)}</text>`;

/** The whole image as an SVG document. */
export function shareImageSvg(input: ShareImageInput): string {
  const { results } = input;
  // Fewer, larger lines of question when the bars need the room.
  const questionSize = results && results.options.length > 3 ? 40 : 48;
  const questionLines = wrapText(
    input.question,
    charsThatFit(TEXT_WIDTH, questionSize, true),
    results && results.options.length > 3 ? 2 : 3,
  );
  const parts: string[] = [
    `<rect width="${SHARE_IMAGE_WIDTH}" height="${SHARE_IMAGE_HEIGHT}" fill="${COLORS.bg}"/>`,
    `<rect width="${SHARE_IMAGE_WIDTH}" height="12" fill="${COLORS.accent}"/>`,
    text(MARGIN, 72, 26, COLORS.accent, 'Peer Polls', ' font-weight="bold"'),
  ];
  let y = 72 + 26 + questionSize * 1.1;
  for (const line of questionLines) {
    parts.push(text(MARGIN, Math.round(y), questionSize, COLORS.text, line, ' font-weight="bold"'));
    y += questionSize * 1.2;
  }
  y += 12;

  const footerY = SHARE_IMAGE_HEIGHT - 44;
  if (!results) {
    const message = wrapText(input.hiddenMessage ?? 'Results are hidden.', charsThatFit(TEXT_WIDTH, 34), 2);
    message.forEach((line, i) => parts.push(text(MARGIN, Math.round(y + 48 + i * 44), 34, COLORS.muted, line)));
    parts.push(text(MARGIN, footerY, 26, COLORS.muted, `Vote at ${input.host}`));
  } else if (results.totalResponses === 0) {
    parts.push(text(MARGIN, Math.round(y + 48), 34, COLORS.muted, 'No votes yet. Be the first!'));
    parts.push(text(MARGIN, footerY, 26, COLORS.muted, `Vote at ${input.host}`));
  } else {
    parts.push(...bars(results.options, y, footerY - 40));
    const n = results.totalResponses;
    parts.push(text(MARGIN, footerY, 26, COLORS.muted, `n = ${count(n)} ${n === 1 ? 'response' : 'responses'}`));
    parts.push(text(SHARE_IMAGE_WIDTH - MARGIN, footerY, 26, COLORS.muted, input.host, ' text-anchor="end"'));
  }

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SHARE_IMAGE_WIDTH}" height="${SHARE_IMAGE_HEIGHT}" ` +
    `viewBox="0 0 ${SHARE_IMAGE_WIDTH} ${SHARE_IMAGE_HEIGHT}" font-family="${FONT}">${parts.join('')}</svg>`
  );
}

/**
 * One row per option between `top` and `bottom`: its label and share above a bar. Bars are
 * scaled to the leading share, so the leader spans the width and differences show; the printed
 * shares keep the scale honest. Past MAX_BARS only the leaders get a
 * bar, and the others are counted in a last line.
 */
function bars(options: { label: string; share: number }[], top: number, bottom: number): string[] {
  // The leading options, kept in the poll's order (ordered scales read bottom to top).
  const leaders = new Set([...options].sort((a, b) => b.share - a.share).slice(0, MAX_BARS));
  const shown = options.filter((o) => leaders.has(o));
  const rest = options.length - shown.length;
  const rows = shown.length + (rest > 0 ? 0.6 : 0);
  const rowHeight = Math.min(96, (bottom - top) / rows);
  const labelSize = Math.max(20, Math.min(30, Math.round(rowHeight * 0.36)));
  const barHeight = Math.max(10, Math.round(rowHeight * 0.3));
  const max = Math.max(...options.map((o) => o.share), 0.0001);
  const parts: string[] = [];
  let y = top;
  for (const option of shown) {
    const baseline = Math.round(y + labelSize);
    const share = percent(option.share);
    const labelChars = charsThatFit(TEXT_WIDTH - 140, labelSize);
    parts.push(text(MARGIN, baseline, labelSize, COLORS.text, truncate(option.label, labelChars)));
    parts.push(
      text(
        SHARE_IMAGE_WIDTH - MARGIN,
        baseline,
        labelSize,
        COLORS.text,
        share,
        ' text-anchor="end" font-weight="bold"',
      ),
    );
    const barY = Math.round(baseline + labelSize * 0.3);
    const width = Math.max(option.share > 0 ? 4 : 0, Math.round((option.share / max) * TEXT_WIDTH));
    parts.push(
      `<rect x="${MARGIN}" y="${barY}" width="${TEXT_WIDTH}" height="${barHeight}" rx="4" fill="${COLORS.track}"/>`,
    );
    if (width > 0) {
      parts.push(
        `<rect x="${MARGIN}" y="${barY}" width="${width}" height="${barHeight}" rx="4" fill="${COLORS.bar}"/>`,
      );
    }
    y += rowHeight;
  }
  if (rest > 0) {
    parts.push(
      text(
        MARGIN,
        Math.round(y + labelSize),
        labelSize,
        COLORS.muted,
        `and ${rest} more ${rest === 1 ? 'option' : 'options'}`,
      ),
    );
  }
  return parts;
}
