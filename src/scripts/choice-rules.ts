/**
 * A question's choice rules with JavaScript, for the poll ballot and each question of a survey
 * page (src/components/QuestionInputs.astro): once the maximum is reached the other boxes are
 * disabled, so nobody makes an answer the server would refuse; an exclusive option ("None of
 * these") and the others exclude each other; typing an "Other" answer picks "Other". Without
 * JavaScript the server checks the same rules.
 */
export function enhanceChoices(scope: HTMLElement, max: number): void {
  // Typing an "Other" answer picks "Other", so the text is not lost to an unticked box.
  const otherText = scope.querySelector<HTMLInputElement>('input[data-other-text]');
  const otherPick = scope.querySelector<HTMLInputElement>('input[data-other]');
  otherText?.addEventListener('input', () => {
    if (!otherPick || otherPick.checked || otherText.value.trim() === '' || otherPick.disabled) return;
    otherPick.checked = true;
    otherPick.dispatchEvent(new Event('change', { bubbles: true }));
  });
  const boxes = [...scope.querySelectorAll<HTMLInputElement>('input[type=checkbox]')];
  if (!boxes.length) return;
  const update = () => {
    const full = boxes.filter((box) => box.checked).length >= max;
    for (const box of boxes) box.disabled = full && !box.checked;
  };
  const exclusive = (event: Event) => {
    const ticked = event.target as HTMLInputElement;
    if (ticked.type !== 'checkbox' || !ticked.checked) return;
    const isExclusive = ticked.dataset.exclusive !== undefined;
    for (const box of boxes) {
      if (box !== ticked && (isExclusive || box.dataset.exclusive !== undefined)) box.checked = false;
    }
  };
  scope.addEventListener('change', (event) => {
    exclusive(event);
    update();
  });
  update();
}
