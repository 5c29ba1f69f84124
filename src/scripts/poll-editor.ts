/**
 * Progressive enhancement of the poll editor (src/components/PollEditor.astro). Without this
 * script the form works as served: options in a textarea, times in UTC. With it:
 * - options become one row each with Remove and "Add option"; the textarea stays the field that
 *   is submitted (hidden, kept in sync), so the server reads one format either way;
 * - min/max choices are disabled while single choice is picked (CSS hides them already);
 * - times are typed and shown in the owner's time zone and submitted as UTC instants.
 */

for (const form of document.querySelectorAll<HTMLFormElement>('form.poll-editor')) {
  enhanceOptions(form);
  enhanceChoiceCounts(form);
  enhanceTimes(form);
}

function enhanceOptions(form: HTMLFormElement): void {
  const textarea = form.querySelector<HTMLTextAreaElement>('textarea[name="options"]');
  const rowsHost = form.querySelector<HTMLElement>('[data-option-rows]');
  if (!textarea || !rowsHost || textarea.disabled) return;
  const list = document.createElement('ol');
  list.className = 'option-rows';
  const add = document.createElement('button');
  add.type = 'button';
  add.className = 'button button-secondary add-option';
  add.textContent = 'Add option';
  const max = Number(textarea.dataset.max ?? '30');

  const inputs = () => [...list.querySelectorAll<HTMLInputElement>('input')];
  const sync = () => {
    textarea.value = inputs()
      .map((input) => input.value.trim())
      .filter(Boolean)
      .join('\n');
    add.disabled = inputs().length >= max;
    markDuplicates();
    // Renumber, so "Option 3" always means the third row, as the server's messages count.
    inputs().forEach((input, index) => {
      input.id = `option-${index + 1}`;
      input.setAttribute('aria-label', `Option ${index + 1}`);
      const remove = input.parentElement!.querySelector('button')!;
      remove.setAttribute('aria-label', `Remove option ${index + 1}`);
      remove.disabled = inputs().length <= 2;
    });
  };
  // Rows the server would refuse as repeats (same rule: case and spacing ignored) are marked as
  // the owner types, and only those rows, not the whole list.
  const same = (label: string) => label.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
  const markDuplicates = () => {
    const counts = new Map<string, number>();
    for (const input of inputs()) counts.set(same(input.value), (counts.get(same(input.value)) ?? 0) + 1);
    for (const input of inputs()) {
      const repeated = same(input.value) !== '' && counts.get(same(input.value))! > 1;
      if (repeated) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
  };
  const addRow = (value: string): HTMLInputElement => {
    const row = document.createElement('li');
    const input = document.createElement('input');
    input.type = 'text';
    input.value = value;
    input.maxLength = Number(textarea.dataset.labelMax ?? '200');
    const describedBy = textarea.getAttribute('aria-describedby');
    if (describedBy) input.setAttribute('aria-describedby', describedBy);
    input.addEventListener('input', sync);
    // Enter in a row adds the next row instead of submitting the half-written poll.
    input.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter') return;
      event.preventDefault();
      if (inputs().length < max) addRow('').focus();
    });
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'button button-secondary remove-option';
    remove.textContent = 'Remove';
    remove.addEventListener('click', () => {
      const next = row.nextElementSibling ?? row.previousElementSibling;
      row.remove();
      sync();
      next?.querySelector('input')?.focus();
    });
    row.append(input, remove);
    list.append(row);
    sync();
    return input;
  };

  const lines = textarea.value.split(/\r?\n/).filter((line) => line.trim());
  for (const line of lines) addRow(line);
  while (inputs().length < 2) addRow('');
  add.addEventListener('click', () => addRow('').focus());
  rowsHost.append(list, add);
  rowsHost.hidden = false;
  // The label now names the group of rows; the textarea, hidden, is still what the form submits.
  form.querySelector('label[for="options"]')?.setAttribute('for', 'option-1');
  textarea.hidden = true;
  form.querySelector('#options-hint')!.textContent = '2 to 30 options, one per row.';
}

function enhanceChoiceCounts(form: HTMLFormElement): void {
  const counts = [...form.querySelectorAll<HTMLInputElement>('[data-multiple-only] input')];
  const update = () => {
    const single = form.querySelector<HTMLInputElement>('input[name="type"][value="single"]')?.checked ?? false;
    for (const input of counts) input.disabled = single;
  };
  form.querySelectorAll('input[name="type"]').forEach((radio) => radio.addEventListener('change', update));
  if (!form.querySelector('fieldset.type-field')?.matches(':disabled')) update();
}

/** "2026-12-01T09:00" in this browser's zone, for a datetime-local field. */
function localFieldValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** "UTC+05:45" for the zone's offset at that moment (zones change offset with daylight saving). */
function offsetName(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes < 0 ? '−' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function enhanceTimes(form: HTMLFormElement): void {
  const fields = [...form.querySelectorAll<HTMLInputElement>('input[data-utc]')];
  if (fields.length === 0) return;
  for (const field of fields) {
    // The server renders UTC; the owner reads and types local time, the form still posts UTC.
    const utc = document.createElement('input');
    utc.type = 'hidden';
    utc.name = field.name;
    utc.value = field.value ? new Date(`${field.value}Z`).toISOString() : '';
    field.removeAttribute('name');
    if (field.value) field.value = localFieldValue(new Date(`${field.value}Z`));
    const update = () => {
      const local = field.value ? new Date(field.value) : null;
      utc.value = local && !Number.isNaN(local.getTime()) ? local.toISOString() : field.value;
    };
    field.addEventListener('input', update);
    field.addEventListener('change', update);
    field.after(utc);
  }
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const hint = form.querySelector<HTMLElement>('#utc-hint');
  if (hint) {
    hint.textContent = `Times are in your time zone, ${zone} (${offsetName(new Date())}). Leave empty to open now and close by hand.`;
  }
}
