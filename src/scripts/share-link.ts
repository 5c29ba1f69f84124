/**
 * Copy-link buttons of the Share box. They appear only where the Clipboard API can serve them;
 * everywhere else the link stays visible and selectable in its field.
 */
const ANNOUNCE_MS = 4000;

if (navigator.clipboard) {
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-copy-link]')) {
    const field = document.getElementById(button.dataset.copyLink ?? '') as HTMLInputElement | null;
    const status = document.getElementById(button.dataset.copyStatus ?? '');
    if (!field || !status) continue;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const announce = (message: string) => {
      // Emptied first so a second copy is announced again, then cleared so it is not read twice.
      status.textContent = '';
      clearTimeout(timer);
      requestAnimationFrame(() => (status.textContent = message));
      timer = setTimeout(() => (status.textContent = ''), ANNOUNCE_MS);
    };
    button.hidden = false;
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(field.value);
        announce('Link copied');
      } catch {
        // Permission refused (some embedded browsers): leave the link selected for Ctrl+C instead.
        field.select();
        announce('Press Ctrl+C to copy the selected link');
      }
    });
  }
}
