/**
 * Progressive enhancement of the poll editor (src/components/PollEditor.astro). Without this
 * script the form works as served: options in a textarea, times in UTC. With it:
 * - options become one row each with Remove and "Add option"; the textarea stays the field that
 *   is submitted (hidden, kept in sync), so the server reads one format either way;
 * - on an ordered scale each row also has "from" and "to" fields for its range, written into the
 *   textarea as "label | low-high" (the format typed without JavaScript); the range fields and their
 *   hint show only while "Ordered" is picked;
 * - min/max choices are disabled while single choice is picked (CSS hides them already);
 * - times are typed and shown in the owner's time zone and submitted as UTC instants.
 */

/** Whether "Ordered" is the picked scale. */
const ordinal = (form: HTMLFormElement) =>
  form.querySelector<HTMLInputElement>('input[name="scale"][value="ordinal"]')?.checked ?? false;

/** A number as src/lib/poll-form.ts reads one (its NUMBER, mirrored: this bundle stays free of the domain). */
const NUMBER = String.raw`(-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*%?`;
const RANGE = new RegExp(String.raw`^\s*${NUMBER}\s*(?:-|–|—|\.\.|to)\s*${NUMBER}\s*$`, 'i');

/** "10–20 % | 10-20" → label and range ends; a line whose bar is not followed by a range stays whole. */
function splitLine(line: string): { label: string; low: string; high: string } {
  const bar = line.lastIndexOf('|');
  if (bar < 0) return { label: line, low: '', high: '' };
  const after = line.slice(bar + 1);
  const label = line.slice(0, bar).trim();
  if (!after.trim()) return { label, low: '', high: '' };
  const match = RANGE.exec(after);
  return match ? { label, low: match[1]!, high: match[2]! } : { label: line, low: '', high: '' };
}

/** Shows the range fields and hint with "Ordered" (all visible without JavaScript). */
function enhanceScale(form: HTMLFormElement): void {
  const update = () => {
    for (const element of form.querySelectorAll<HTMLElement>('[data-ordinal-only]')) element.hidden = !ordinal(form);
  };
  form.querySelectorAll('input[name="scale"]').forEach((radio) => radio.addEventListener('change', update));
  update();
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

  const inputs = () => [...list.querySelectorAll<HTMLInputElement>('input[data-label]')];
  const rangeOf = (input: HTMLInputElement) => [
    ...input.parentElement!.querySelectorAll<HTMLInputElement>('[data-ordinal-only] input'),
  ];
  /** The row as a line of the textarea: the server reads "label | low-high" on an ordered scale. */
  const line = (input: HTMLInputElement) => {
    const label = input.value.trim();
    if (!label || !ordinal(form)) return label;
    const [low, high] = rangeOf(input).map((end) => end.value.trim());
    if (low || high) return `${label} | ${low}-${high}`;
    return label.includes('|') ? `${label} |` : label;
  };
  const sync = () => {
    textarea.value = inputs().map(line).filter(Boolean).join('\n');
    add.disabled = inputs().length >= max;
    markDuplicates();
    // Renumber, so "Option 3" always means the third row, as the server's messages count.
    inputs().forEach((input, index) => {
      input.id = `option-${index + 1}`;
      input.setAttribute('aria-label', `Option ${index + 1}`);
      const remove = input.parentElement!.querySelector('button')!;
      remove.setAttribute('aria-label', `Remove option ${index + 1}`);
      const [low, high] = rangeOf(input);
      low!.setAttribute('aria-label', `Option ${index + 1}, range from`);
      high!.setAttribute('aria-label', `Option ${index + 1}, range to`);
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
  /** One range end: short text fields (not type=number, so "1,5" reaches the server and is named there). */
  const rangeEnd = (value: string, placeholder: string) => {
    const end = document.createElement('input');
    end.type = 'text';
    end.value = value;
    end.placeholder = placeholder;
    end.size = 5;
    end.addEventListener('input', sync);
    // Enter in a range end would submit the half-written poll, as in a label field.
    end.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') event.preventDefault();
    });
    return end;
  };
  const addRow = (value: string): HTMLInputElement => {
    const { label, low, high } = splitLine(value);
    const row = document.createElement('li');
    const input = document.createElement('input');
    input.type = 'text';
    input.dataset.label = '';
    input.value = label;
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
    const range = document.createElement('span');
    range.className = 'option-range';
    range.dataset.ordinalOnly = '';
    range.hidden = !ordinal(form);
    // A visible name for the two small fields, which on a phone sit on a line of their own.
    const name = document.createElement('span');
    name.className = 'option-range-name';
    name.textContent = 'Range';
    name.setAttribute('aria-hidden', 'true');
    const dash = document.createElement('span');
    dash.textContent = '–';
    dash.setAttribute('aria-hidden', 'true');
    range.append(name, rangeEnd(low, 'from'), dash, rangeEnd(high, 'to'));
    row.append(input, range, remove);
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
  // The scale decides whether the ranges are written into the submitted lines.
  form.querySelectorAll('input[name="scale"]').forEach((radio) => radio.addEventListener('change', sync));
  // The label now names the group of rows; the textarea, hidden, is still what the form submits.
  form.querySelector('label[for="options"]')?.setAttribute('for', 'option-1');
  textarea.hidden = true;
  form.querySelector('#options-hint')!.textContent = '2 to 30 options, one per row.';
  const rangesHint = form.querySelector('#ranges-hint');
  if (rangesHint) {
    rangesHint.textContent =
      'Optional: the numbers each option stands for, from – to (for example 10 – 20 for “10–20 %”), lowest option first. With a range on every option the results can compute the median, e.g. 18 %.';
  }
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

// Last, after the module's constants are initialised.
for (const form of document.querySelectorAll<HTMLFormElement>('form.poll-editor')) {
  enhanceOptions(form);
  enhanceScale(form);
  enhanceChoiceCounts(form);
  enhanceTimes(form);
}
