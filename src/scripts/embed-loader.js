// Peer Polls embed loader, served as /embed.js (plain ES2020, no build step, < 3 KB gzip).
// Turns <div data-peer-poll="slug"> and <peer-poll slug="slug"> into poll widget iframes, and
// <div data-peer-survey="slug"> into a survey widget's, and sizes each one from its own widget's
// "peer-polls:resize" messages (a survey's say kind: "survey").
(() => {
  const script = document.currentScript || document.querySelector('script[src$="/embed.js"]');
  const origin = new URL(script ? script.src : location.href).origin;
  const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
  const THEMES = ['light', 'dark', 'auto'];
  const DEFAULT_HEIGHT = 360;
  const MAX_HEIGHT = 4000;
  const frames = new Map(); // iframe -> { slug, survey, titled: the host page named it itself }

  function mount(host) {
    if (host.hasAttribute('data-peer-poll-mounted')) return;
    const survey = host.hasAttribute('data-peer-survey');
    const slug = (
      (survey
        ? host.getAttribute('data-peer-survey')
        : host.getAttribute('data-peer-poll') || host.getAttribute('slug')) || ''
    ).trim();
    if (!SLUG.test(slug)) return;
    host.setAttribute('data-peer-poll-mounted', '');
    const theme = host.getAttribute('data-theme') || host.getAttribute('theme');
    const height = parseInt(host.getAttribute('data-height') || host.getAttribute('height') || '', 10);
    const iframe = document.createElement('iframe');
    iframe.src = `${origin}/embed/${survey ? 'surveys/' : ''}${slug}${THEMES.includes(theme) && theme !== 'auto' ? `?theme=${theme}` : ''}`;
    const title = host.getAttribute('data-title') || host.getAttribute('title');
    // "Poll" ("Survey") until the widget reports its question (a slug is no name for a screen reader).
    iframe.title = title || (survey ? 'Survey' : 'Poll');
    iframe.loading = 'lazy';
    // The reserved height keeps the page from jumping before the widget reports its own.
    iframe.style.cssText = `display:block;width:100%;max-width:100%;border:0;height:${height > 0 ? height : DEFAULT_HEIGHT}px`;
    if (host.localName === 'peer-poll') host.style.display = 'block';
    host.replaceChildren(iframe);
    frames.set(iframe, { slug, survey, titled: !!title });
  }

  function scan() {
    document.querySelectorAll('[data-peer-poll], [data-peer-survey], peer-poll').forEach(mount);
  }

  addEventListener('message', (event) => {
    const data = event.data;
    if (event.origin !== origin || !data || data.type !== 'peer-polls:resize') return;
    if (typeof data.height !== 'number' || !(data.height >= 0)) return;
    for (const [iframe, frame] of frames) {
      // Only the widget inside this very iframe may size and name it.
      if (
        iframe.contentWindow === event.source &&
        frame.slug === data.slug &&
        frame.survey === (data.kind === 'survey')
      ) {
        iframe.style.height = `${Math.min(Math.ceil(data.height), MAX_HEIGHT)}px`;
        if (!frame.titled && typeof data.title === 'string' && data.title) iframe.title = data.title.slice(0, 320);
      }
    }
  });

  scan();
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', scan);
  new MutationObserver(scan).observe(document.documentElement, { childList: true, subtree: true });
})();
