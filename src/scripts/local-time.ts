/**
 * Rewrites every server-rendered `<time datetime>` (UTC, zone named) in the reader's own zone and
 * language, adding "in 3 days" / "2 hours ago" where the page asked for it (`data-relative`).
 * The UTC text stays as a tooltip. Relative phrases are refreshed every minute so a tab left open
 * does not keep saying "in 1 minute".
 */
import { localDateTime, relativeTime } from '@/lib/format';

function render(): void {
  const now = Date.now();
  for (const time of document.querySelectorAll<HTMLTimeElement>('time[data-local]')) {
    const at = Date.parse(time.dateTime);
    if (Number.isNaN(at)) continue;
    time.title ||= time.textContent ?? '';
    const local = localDateTime(at, { locale: navigator.language });
    time.textContent = 'relative' in time.dataset ? `${local} (${relativeTime(at, now, navigator.language)})` : local;
  }
}

render();
setInterval(render, 60_000);
