/**
 * The widget's only script. Where the iframe may use (partitioned) local storage but keeps no
 * cookie, it remembers this poll's device token and puts it back into the ballot's form, so a
 * second vote from this browser is refused; and it tells the host page its height whenever it
 * changes. The token never goes into a URL. The "About you" answers are pre-filled and
 * remembered as on the site (src/scripts/profile-memory.ts). Results that can still change update
 * live (src/scripts/widget-live.ts); the height messages follow, as they watch the body's size.
 * The vote click asks for storage access first, where the browser keeps this frame apart from
 * the site (see voteAsTheSite).
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

/**
 * One identity for a browser across the site and its widgets, where the browser allows it. A
 * browser that blocks third-party cookies keeps this cross-site frame from the site's own
 * `pp_voter` cookie; the vote click is the user gesture the Storage Access API needs, so the
 * ballot first asks for access (granted at once or after a prompt, or refused — Chromium refuses
 * at once when this browser never used the site itself), then posts. Granted, the post and the
 * page it leads to carry `pp_voter` (Chromium keeps a grant across the frame's own same-origin
 * navigations): a browser that voted on the site is refused here, and a vote here counts for the
 * site. Refused, unsupported, or no JavaScript at all: the form posts as it always did, with the
 * widget's partitioned cookie and form token, and repeats are stopped per host site (the page
 * then says so in its fine print).
 */
function voteAsTheSite(form: HTMLFormElement | null) {
  if (!form || typeof document.hasStorageAccess !== 'function' || typeof document.requestStorageAccess !== 'function')
    return;
  let posting = false;
  // A page restored from the back/forward cache takes a vote again.
  addEventListener('pageshow', () => (posting = false));
  form.addEventListener('submit', (event) => {
    if (event.defaultPrevented) return;
    event.preventDefault();
    if (posting) return; // a second click while the browser asks
    posting = true;
    void (async () => {
      try {
        if (!(await document.hasStorageAccess())) await document.requestStorageAccess();
      } catch {
        // Refused (or no user gesture left): the vote goes as it would have without asking.
      }
      // submit() fires no second submit event: the profile is already remembered.
      form.submit();
    })();
  });
}

if (!survey) voteAsTheSite(document.querySelector('form'));

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
