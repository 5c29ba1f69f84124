/**
 * The widget's only script. It keeps the device token in the iframe's (partitioned) local
 * storage so "one vote per browser" survives third-party-cookie blocking, and tells the host
 * page its height whenever it changes.
 */
const STORAGE_KEY = 'peer-polls:device';
const root = document.documentElement;
const slug = root.dataset.slug ?? '';

function storedToken(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
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
const url = new URL(location.href);
const rendered = field?.value ?? url.searchParams.get('d');
const stored = storedToken();
if (stored && stored !== rendered && field && !url.searchParams.has('d')) {
  // This browser has an identity the server could not see (no cookie in a third-party frame):
  // reload once with it, so a returning voter sees results instead of a ballot.
  url.searchParams.set('d', stored);
  location.replace(url);
} else if (stored && field) {
  field.value = stored;
} else if (!stored && rendered) {
  keepToken(rendered);
}

let lastHeight = 0;
function reportHeight() {
  const height = Math.ceil(document.body.getBoundingClientRect().height);
  if (height === lastHeight || parent === window) return;
  lastHeight = height;
  // The height is not a secret; the loader checks the message's origin and source.
  parent.postMessage({ type: 'peer-polls:resize', slug, height }, '*');
}
new ResizeObserver(reportHeight).observe(document.body);
addEventListener('load', reportHeight);
addEventListener('resize', reportHeight);
reportHeight();
