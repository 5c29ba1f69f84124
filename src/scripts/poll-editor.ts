/**
 * Progressive enhancement of the poll editor (src/components/PollEditor.astro). Without this
 * script the form works as served: options in a textarea, times in UTC, each type's fields shown
 * by CSS. With it:
 * - options become one row each with Remove and "Add option"; the textarea stays the field that
 *   is submitted (hidden, kept in sync), so the server reads one format either way;
 * - on an ordered scale each row also has "from" and "to" fields for its range, written into the
 *   textarea as "label | low-high"; on a rating scale a "value" field, written as "label | value"
 *   (the formats typed without JavaScript); each shows only while its type and scale are picked;
 * - a rating scale offers quick fills, 1–5 and 0–10, that replace the rows;
 * - fields of the types not picked are disabled (CSS hides them already), so they are not posted;
 * - times are typed and shown in the owner's time zone and submitted as UTC instants;
 * - the address budget follows the duplicate policy's default (none for a kiosk or a signed-in
 *   person, the default count otherwise) until the owner types a count of their own.
 */

/** How the text after an option's bar is read (src/lib/option-lines.ts lineMode, mirrored). */
type LineMode = 'ranges' | 'values' | 'labels';

const picked = (form: HTMLFormElement, name: string) =>
  form.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`)?.value ?? '';

function lineMode(form: HTMLFormElement): LineMode {
  const type = picked(form, 'type');
  if (type === 'rating') return 'values';
  if (type === 'ranked') return 'labels';
  return picked(form, 'scale') === 'ordinal' ? 'ranges' : 'labels';
}

/** A number as src/lib/option-lines.ts reads one (its NUMBER, mirrored: this bundle stays free of the domain). */
const NUMBER = String.raw`(-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*%?`;
const RANGE = new RegExp(String.raw`^\s*${NUMBER}\s*(?:-|–|—|\.\.|to)\s*${NUMBER}\s*$`, 'i');
const VALUE = new RegExp(String.raw`^\s*${NUMBER}\s*$`, 'i');
/** A label the server reads as its own rating value. */
const NUMERIC_LABEL = /^-?\d+(?:\.\d+)?$/;

interface RowParts {
  label: string;
  low: string;
  high: string;
  value: string;
}

/**
 * "10–20 % | 10-20" or "Very poor | 1" → label, range ends, value; a line whose bar is followed
 * by words stays whole. A numeric label starts with itself as its value.
 */
function splitLine(line: string): RowParts {
  const bar = line.lastIndexOf('|');
  const whole = { label: line.trim(), low: '', high: '', value: NUMERIC_LABEL.test(line.trim()) ? line.trim() : '' };
  if (bar < 0) return whole;
  const after = line.slice(bar + 1);
  const label = line.slice(0, bar).trim();
  if (!after.trim()) return { ...whole, label, value: NUMERIC_LABEL.test(label) ? label : '' };
  const range = RANGE.exec(after);
  if (range) return { label, low: range[1]!, high: range[2]!, value: '' };
  const value = VALUE.exec(after);
  if (value) return { label, low: '', high: '', value: value[1]! };
  return whole;
}

/** A label whose own last bar would be read as the separator gets an empty one after it (optionLine, mirrored). */
function keepBar(label: string, mode: LineMode): string {
  if (!label.includes('|')) return label;
  const tail = label.slice(label.lastIndexOf('|') + 1);
  const words = tail.trim() !== '' && !RANGE.test(tail) && !VALUE.test(tail);
  return mode === 'labels' && words ? label : `${label} |`;
}

/** Shows each mode's own fields and hints (all visible without JavaScript, where CSS sorts them by type). */
function enhanceModes(form: HTMLFormElement): void {
  const update = () => {
    const mode = lineMode(form);
    for (const element of form.querySelectorAll<HTMLElement>('[data-ordinal-only]')) element.hidden = mode !== 'ranges';
    for (const element of form.querySelectorAll<HTMLElement>('[data-rating-only]')) element.hidden = mode !== 'values';
  };
  form
    .querySelectorAll('input[name="scale"], input[name="type"]')
    .forEach((radio) => radio.addEventListener('change', update));
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
  const valueOf = (input: HTMLInputElement) =>
    input.parentElement!.querySelector<HTMLInputElement>('[data-rating-only] input')!;
  /** The row as a line of the textarea, as the server reads the picked type and scale. */
  const line = (input: HTMLInputElement) => {
    const label = input.value.trim();
    const mode = lineMode(form);
    if (!label) return label;
    if (mode === 'ranges') {
      const [low, high] = rangeOf(input).map((end) => end.value.trim());
      if (low || high) return `${label} | ${low}-${high}`;
    }
    if (mode === 'values') {
      const value = valueOf(input).value.trim();
      const ownValue = NUMERIC_LABEL.test(label) && Number(label) === Number(value);
      if (value && !ownValue) return `${label} | ${value}`;
    }
    return keepBar(label, mode);
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
      valueOf(input).setAttribute('aria-label', `Option ${index + 1}, value`);
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
  /** A small number field: text, not type=number, so "1,5" reaches the server and is named there. */
  const numberField = (value: string, placeholder: string) => {
    const end = document.createElement('input');
    end.type = 'text';
    end.value = value;
    end.placeholder = placeholder;
    end.size = 5;
    end.addEventListener('input', sync);
    // Enter here would submit the half-written poll, as in a label field.
    end.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') event.preventDefault();
    });
    return end;
  };
  /** A visible name for small fields, which on a phone sit on a line of their own. */
  const caption = (text: string) => {
    const name = document.createElement('span');
    name.className = 'option-range-name';
    name.textContent = text;
    name.setAttribute('aria-hidden', 'true');
    return name;
  };
  const addRow = (value: string): HTMLInputElement => {
    const parts = splitLine(value);
    const row = document.createElement('li');
    const input = document.createElement('input');
    input.type = 'text';
    input.dataset.label = '';
    input.value = parts.label;
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
    const mode = lineMode(form);
    const range = document.createElement('span');
    range.className = 'option-range';
    range.dataset.ordinalOnly = '';
    range.hidden = mode !== 'ranges';
    const dash = document.createElement('span');
    dash.textContent = '–';
    dash.setAttribute('aria-hidden', 'true');
    range.append(caption('Range'), numberField(parts.low, 'from'), dash, numberField(parts.high, 'to'));
    const rating = document.createElement('span');
    rating.className = 'option-range';
    rating.dataset.ratingOnly = '';
    rating.hidden = mode !== 'values';
    rating.append(caption('Value'), numberField(parts.value, 'value'));
    row.append(input, range, rating, remove);
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
  // The type and scale decide what is written after each row's label.
  form
    .querySelectorAll('input[name="scale"], input[name="type"]')
    .forEach((radio) => radio.addEventListener('change', sync));
  enhanceQuickFill(form, (labels) => {
    list.replaceChildren();
    for (const label of labels) addRow(label);
  });
  // The label now names the group of rows; the textarea, hidden, is still what the form submits.
  form.querySelector('label[for="options"]')?.setAttribute('for', 'option-1');
  textarea.hidden = true;
  form.querySelector('#options-hint')!.textContent = '2 to 30 options, one per row.';
  const rangesHint = form.querySelector('#ranges-hint');
  if (rangesHint) {
    rangesHint.textContent =
      'Optional: the numbers each option stands for, from – to (for example 10 – 20 for “10–20 %”), lowest option first. With a range on every option the results can compute the median, e.g. 18 %.';
  }
  const valuesHint = form.querySelector('#values-hint');
  if (valuesHint) {
    valuesHint.textContent =
      'Rating scale: the options are the points of the scale, in order (lowest or highest first), each with its number as Value. A label such as “1” is its own value; a label in words such as “Very poor” needs one.';
  }
}

/** The rating quick fills: "1–5" and "0–10" replace the rows with those points, and say so. */
function enhanceQuickFill(form: HTMLFormElement, fill: (labels: string[]) => void): void {
  const group = form.querySelector<HTMLElement>('[data-quick-fill]');
  const status = form.querySelector<HTMLElement>('[data-quick-fill-status]');
  if (!group) return;
  for (const button of group.querySelectorAll<HTMLButtonElement>('button[data-from]')) {
    button.addEventListener('click', () => {
      const from = Number(button.dataset.from);
      const to = Number(button.dataset.to);
      fill(Array.from({ length: to - from + 1 }, (_, i) => String(from + i)));
      if (status) status.textContent = `Options replaced by the points ${from} to ${to}.`;
    });
  }
  group.hidden = false;
}

/** Fields of the types not picked are disabled, so a hidden field is never posted nor refused. */
function enhanceTypeFields(form: HTMLFormElement): void {
  const counts = [...form.querySelectorAll<HTMLInputElement>('input[data-counts]')];
  const exclusive = [...form.querySelectorAll<HTMLInputElement>('[data-multiple-only] input')];
  const other = form.querySelector<HTMLInputElement>('input[data-allow-other]');
  const update = () => {
    const type = picked(form, 'type');
    for (const input of counts) input.disabled = type !== 'multiple' && type !== 'ranked';
    for (const input of exclusive) input.disabled = type !== 'multiple';
    if (other) other.disabled = type === 'ranked' || type === 'rating';
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

/**
 * Keeps the budget count at the chosen policy's default while it still shows the previous one's:
 * a kiosk poll should not inherit a budget it never asked for. A count the owner typed stays.
 */
function enhanceBudget(form: HTMLFormElement): void {
  const box = form.querySelector<HTMLElement>('[data-budget-defaults]');
  const policy = form.querySelector<HTMLSelectElement>('select[name="duplicatePolicy"]');
  const count = form.querySelector<HTMLInputElement>('input[name="addressBudget"]');
  if (!box || !policy || !count) return;
  const { budgeted, unbudgeted } = JSON.parse(box.dataset.budgetDefaults!) as {
    budgeted: string;
    unbudgeted: string[];
  };
  const defaultFor = (value: string) => (unbudgeted.includes(value) ? '' : budgeted);
  let previous = policy.value;
  policy.addEventListener('change', () => {
    if (count.value.trim() === defaultFor(previous)) count.value = defaultFor(policy.value);
    previous = policy.value;
  });
}

// Last, after the module's constants are initialised.
for (const form of document.querySelectorAll<HTMLFormElement>('form.poll-editor')) {
  enhanceOptions(form);
  enhanceModes(form);
  enhanceTypeFields(form);
  enhanceTimes(form);
  enhanceBudget(form);
}
// The survey editor (admin-survey/SurveyEditor.astro) shares the schedule fields: local times there too.
for (const form of document.querySelectorAll<HTMLFormElement>('form.survey-editor')) enhanceTimes(form);
