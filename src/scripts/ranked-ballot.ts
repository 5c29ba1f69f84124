/**
 * The ranked ballot with JavaScript: the voter builds a ranking from the options with buttons —
 * "Add to ranking", "Move up", "Move down", "Remove" — that work by keyboard and screen reader,
 * each change said in a polite live region ("Trello moved to 2nd of 4"). The ranking is written
 * into the native rank selects (src/components/RankSelects.astro), now hidden, so the same form
 * posts the same fields as without JavaScript. Every button is type="button": only the form's
 * Vote button submits. Buttons at an edge stay focusable (aria-disabled) so focus never drops.
 * A pointer may also drag a ranked item onto another's place (the buttons remain the way that
 * always works).
 */

interface Option {
  key: string;
  label: string;
}

/** Builds an element with a class and text, never HTML. */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

let instances = 0;

/** Turns one `[data-ranked]` block's selects into the button-driven ranking. */
export function enhanceRanking(root: HTMLElement): void {
  const block = root.querySelector<HTMLElement>('.rank-selects');
  const selects = [...root.querySelectorAll<HTMLSelectElement>('select[data-rank]')];
  if (!block || selects.length === 0) return;
  const id = `rank-${++instances}`;
  const options: Option[] = [...selects[0]!.options]
    .filter((option) => option.value !== '')
    .map((option) => ({ key: option.value, label: option.text }));
  const labelOf = (key: string) => options.find((option) => option.key === key)?.label ?? key;
  const places = selects.map((select) => select.dataset.rank ?? '');
  const max = selects.length;
  // The selects' values (kept after a refused vote) are the starting ranking.
  const known = (key: string) => options.some((option) => option.key === key);
  let ranking = [...new Set(selects.map((select) => select.value).filter(known))];

  const rankedTitle = el('p', 'rank-title', 'Your ranking');
  rankedTitle.id = `${id}-ranked`;
  const list = el('ol', 'rank-list');
  list.setAttribute('aria-labelledby', rankedTitle.id);
  const empty = el('p', 'rank-empty', 'Nothing ranked yet. Add options in order of preference, favourite first.');
  const poolTitle = el('p', 'rank-title', max < options.length ? `Not ranked (you can rank ${max})` : 'Not ranked');
  poolTitle.id = `${id}-pool`;
  const pool = el('ul', 'rank-pool');
  pool.setAttribute('aria-labelledby', poolTitle.id);
  const status = el('p', 'rank-status visually-hidden');
  status.setAttribute('role', 'status');
  const ui = el('div', 'rank-ui');
  ui.append(rankedTitle, list, empty, poolTitle, pool, status);
  block.hidden = true;
  for (const select of selects) select.required = false;
  block.after(ui);

  const say = (text: string) => {
    // Cleared first, so the same words said twice are still announced.
    status.textContent = '';
    requestAnimationFrame(() => (status.textContent = text));
  };

  const button = (text: string, action: string, key: string, disabled: boolean) => {
    const node = el('button', '', text);
    node.type = 'button';
    node.dataset.action = action;
    node.dataset.key = key;
    node.setAttribute('aria-describedby', `${id}-${key}`);
    if (disabled) node.setAttribute('aria-disabled', 'true');
    return node;
  };

  const item = (key: string, place: string | null, buttons: HTMLButtonElement[]) => {
    const li = el('li', 'rank-item');
    const name = el('span', 'rank-name');
    name.id = `${id}-${key}`;
    if (place) name.append(el('span', 'rank-place', place));
    name.append(el('span', '', labelOf(key)));
    const group = el('span', 'rank-buttons');
    group.append(...buttons);
    li.append(name, group);
    return li;
  };

  const render = () => {
    selects.forEach((select, i) => (select.value = ranking[i] ?? ''));
    const last = ranking.length - 1;
    list.replaceChildren(
      ...ranking.map((key, i) => {
        const li = item(key, places[i] ?? null, [
          button('Move up', 'up', key, i === 0),
          button('Move down', 'down', key, i === last),
          button('Remove', 'remove', key, false),
        ]);
        li.draggable = true;
        li.dataset.key = key;
        return li;
      }),
    );
    const rest = options.filter((option) => !ranking.includes(option.key));
    pool.replaceChildren(
      ...rest.map(({ key }) => item(key, null, [button('Add to ranking', 'add', key, ranking.length >= max)])),
    );
    list.hidden = ranking.length === 0;
    empty.hidden = ranking.length > 0;
    poolTitle.hidden = pool.hidden = rest.length === 0;
  };

  const focus = (action: string, key: string) =>
    ui.querySelector<HTMLButtonElement>(`button[data-action="${action}"][data-key="${CSS.escape(key)}"]`)?.focus();

  ui.addEventListener('click', (event) => {
    const target = (event.target as Element).closest<HTMLButtonElement>('button[data-action]');
    if (!target) return;
    const { action = '', key = '' } = target.dataset;
    const label = labelOf(key);
    const at = ranking.indexOf(key);
    if (target.getAttribute('aria-disabled') === 'true') {
      if (action === 'add') say(`You can rank at most ${max}. Remove one first to add ${label}.`);
      else say(`${label} is already ${at === 0 ? 'first' : 'last'}, ${places[at]} of ${ranking.length}.`);
      return;
    }
    if (action === 'up' || action === 'down') {
      const to = action === 'up' ? at - 1 : at + 1;
      [ranking[at], ranking[to]] = [ranking[to]!, ranking[at]!];
      render();
      focus(action, key);
      say(`${label} moved to ${places[to]} of ${ranking.length}.`);
    } else if (action === 'add') {
      const rest = options.filter((option) => !ranking.includes(option.key));
      const i = rest.findIndex((option) => option.key === key);
      const following = rest[i + 1] ?? rest[i - 1];
      ranking = [...ranking, key];
      render();
      // On to the next option to add, or to the new item when the ranking is full.
      if (following && ranking.length < max) focus('add', following.key);
      else focus('up', key);
      say(`${label} added as ${places[ranking.length - 1]} of ${ranking.length}.`);
    } else if (action === 'remove') {
      ranking = ranking.filter((k) => k !== key);
      render();
      const stays = ranking[Math.min(at, ranking.length - 1)];
      if (stays) focus('remove', stays);
      else focus('add', key);
      say(`${label} removed from the ranking; ${ranking.length} ranked.`);
    }
  });

  // Dragging: an item dropped on another takes its place; the rest shift.
  let dragged: string | null = null;
  list.addEventListener('dragstart', (event) => {
    dragged = (event.target as HTMLElement).closest<HTMLElement>('li[data-key]')?.dataset.key ?? null;
    event.dataTransfer?.setData('text/plain', dragged ?? '');
  });
  list.addEventListener('dragover', (event) => {
    if (dragged) event.preventDefault();
  });
  list.addEventListener('drop', (event) => {
    const target = (event.target as HTMLElement).closest<HTMLElement>('li[data-key]')?.dataset.key;
    event.preventDefault();
    const key = dragged;
    dragged = null;
    if (!key || !target || key === target) return;
    const to = ranking.indexOf(target);
    ranking = ranking.filter((k) => k !== key);
    ranking.splice(to, 0, key);
    render();
    say(`${labelOf(key)} moved to ${places[to]} of ${ranking.length}.`);
  });
  list.addEventListener('dragend', () => (dragged = null));

  render();
}
