/**
 * A survey page with JavaScript (src/components/survey/SurveyForm.astro): each question's choice
 * rules as on the poll ballot (choice-rules.ts), the "About you" answers pre-filled and
 * remembered as on the poll page (profile-memory.ts), and, after a refused page, focus on the
 * summary of problems so it is read first. The ranked questions are enhanced by RankedBallot's
 * own script. Without JavaScript the page works the same; the server checks every rule.
 */
import { enhanceChoices } from './choice-rules';
import { rememberProfile } from './profile-memory';

for (const form of document.querySelectorAll<HTMLFormElement>('form.survey-form')) {
  for (const question of form.querySelectorAll<HTMLElement>('[data-question]')) {
    enhanceChoices(question, Number(question.dataset.maxChoices));
  }
  rememberProfile(form);
}
document.querySelector<HTMLElement>('[data-problems]')?.focus();
