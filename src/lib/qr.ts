/** QR codes for sharing a poll: the poll's absolute URL as a standalone SVG. */
import qrcode from 'qrcode-generator';

/** The quiet zone the QR standard asks for around the symbol, in modules. */
const QUIET_ZONE = 4;

/**
 * An SVG of the QR code for `text`. Error correction M (15 %) survives a glare spot on a screen
 * or projector while keeping the symbol coarse enough to scan from the back of a room. The dark
 * modules are one path of unit squares in a viewBox with no fixed size, so the image scales to
 * any size without blurring and, opened on its own, fills the screen; crispEdges keeps module
 * edges sharp at odd sizes. Always black on white, whatever the page's theme: phone cameras read
 * dark-on-light most reliably.
 */
export function qrSvg(text: string, title: string): string {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const modules = qr.getModuleCount();
  const size = modules + QUIET_ZONE * 2;
  let path = '';
  // One rectangle per horizontal run of dark modules: about a third of the bytes of one per module.
  for (let row = 0; row < modules; row++) {
    for (let col = 0; col < modules; col++) {
      if (!qr.isDark(row, col)) continue;
      let run = 1;
      while (col + run < modules && qr.isDark(row, col + run)) run++;
      path += `M${col + QUIET_ZONE} ${row + QUIET_ZONE}h${run}v1h-${run}z`;
      col += run - 1;
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" ` +
    `shape-rendering="crispEdges" role="img" aria-label="${escapeXml(title)}">` +
    `<title>${escapeXml(title)}</title>` +
    `<rect width="${size}" height="${size}" fill="#fff"/>` +
    `<path fill="#000" d="${path}"/></svg>`
  );
}

/**
 * Text for XML content and attributes. Characters XML 1.0 cannot hold at all (most C0 controls,
 * lone surrogates) are dropped: escaping cannot make them legal, and one would make the whole
 * image unreadable.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
