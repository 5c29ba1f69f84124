/**
 * Remembers this browser's "About you" answers for the next poll, on the client only: one
 * localStorage entry (dimension → value), read to pre-fill the selects of a poll that asks the
 * same questions and written when a ballot is submitted. The answers leave the browser only
 * inside a ballot. Storage may be denied (a cross-site iframe, private modes): then nothing is
 * remembered and voting works as without JavaScript.
 */
const STORAGE_KEY = 'peer-polls:profile';

function storedAnswers(): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Pre-fills the form's profile selects and remembers what is chosen when the form is submitted. */
export function rememberProfile(form: HTMLFormElement | null): void {
  const selects = [...(form?.querySelectorAll<HTMLSelectElement>('select[data-profile]') ?? [])];
  if (!form || !selects.length) return;
  const stored = storedAnswers();
  for (const select of selects) {
    const value = stored[select.dataset.profile!];
    // An answer the page already shows (kept after a refused vote) wins over the remembered one.
    if (!select.value && [...select.options].some((option) => option.value === value)) select.value = String(value);
  }
  form.addEventListener('submit', () => {
    const answers = storedAnswers();
    // "Prefer not to say" forgets the dimension: the next poll starts blank for it.
    for (const select of selects) {
      if (select.value) answers[select.dataset.profile!] = select.value;
      else delete answers[select.dataset.profile!];
    }
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(answers));
    } catch {
      // storage denied: nothing remembered
    }
  });
}
