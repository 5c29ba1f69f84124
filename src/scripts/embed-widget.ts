/**
 * The widget's only script. Where the iframe may use (partitioned) local storage but keeps no
 * cookie, it remembers this poll's device token and puts it back into the ballot's form, so a
 * second vote from this browser is refused; and it tells the host page its height whenever it
 * changes. The token never goes into a URL. The "About you" answers are pre-filled and
 * remembered as on the site (src/scripts/profile-memory.ts). Results that can still change update
 * live (src/scripts/widget-live.ts); the height messages follow, as they watch the body's size.
 */
import { rememberProfile } from './profile-memory';
import { liveResults } from './widget-live';

const root = document.documentElement;
const slug = root.dataset.slug ?? '';
// A survey's widget: its form has its own rules (src/scripts/survey-form.ts) and no device token.
const survey = root.dataset.kind === 'survey';
const STORAGE_KEY = `peer-polls:device:${slug}`;

/** Tokens end in ".<expiry in unix seconds>.<signature>"; an expired one is worth nothing. */
const expired = (token: string) => Number(token.split('.')[2] ?? 0) * 1000 <= Date.now();

function storedToken(): string | null {
  try {
    const token = localStorage.getItem(STORAGE_KEY);
    return token && !expired(token) ? token : null;
  } catch {
    return null; // storage disabled: the server-rendered token still works for this page view
  }
}

function keepToken(token: string) {
  try {
    localStorage.setItem(STORAGE_KEY, token);
  } catch {
    // nothing to do
  }
}

const field = document.querySelector<HTMLInputElement>('input[name=device]');
if (field) {
  const stored = storedToken();
  if (stored) field.value = stored;
  else keepToken(field.value);
}

// An exclusive option ("None of these") and the others exclude each other, as the server requires.
if (!survey)
  document.querySelector('form')?.addEventListener('change', (event) => {
    const ticked = event.target as HTMLInputElement;
    if (ticked.type !== 'checkbox' || !ticked.checked) return;
    for (const box of document.querySelectorAll<HTMLInputElement>('input[type=checkbox]')) {
      const eitherExclusive = ticked.dataset.exclusive !== undefined || box.dataset.exclusive !== undefined;
      if (box !== ticked && eitherExclusive) box.checked = false;
    }
  });

// Typing an "Other" answer picks "Other".
if (!survey)
  document.querySelector('input[name=other]')?.addEventListener('input', (event) => {
    const pick = document.querySelector<HTMLInputElement>('input[value=other]');
    if (pick && (event.target as HTMLInputElement).value.trim()) pick.checked = true;
  });

if (!survey) rememberProfile(document.querySelector('form'));

const results = document.querySelector<HTMLElement>('ol[data-stream]');
if (results) liveResults(results);

let lastHeight = 0;
function reportHeight() {
  const height = Math.ceil(document.body.getBoundingClientRect().height);
  if (height === lastHeight || parent === window) return;
  lastHeight = height;
  // Neither the height nor the title (the question, public) is a secret; the loader checks the
  // message's origin and source, and names its iframe after the title.
  const message = { type: 'peer-polls:resize', slug, height, title: document.title };
  parent.postMessage(survey ? { ...message, kind: 'survey' } : message, '*');
}
new ResizeObserver(reportHeight).observe(document.body);
addEventListener('load', reportHeight);
addEventListener('resize', reportHeight);
reportHeight();
