/** The owner's survey changes on a real SQLite file: each one audited with its actor, an import recreating an export. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSurvey, deleteSurvey, updateSurvey } from '@/lib/survey-admin';
import { importSurvey, toSurveyInput } from '@/lib/survey-files';
import { toSurveyJson } from '@/lib/surveys';
import { surveyAuditKey } from '@/lib/survey-types';
import { openTempStores, type TempStores } from '../support/temp-db';

const NOW = Date.parse('2026-11-27T08:00:00Z');
let temp: TempStores;

beforeEach(async () => {
  temp = await openTempStores();
});
afterEach(() => temp.cleanup());

const input = {
  slug: 'pulse',
  title: 'Pulse',
  profile: ['region', 'role'],
  questions: [
    { question: 'One?', options: ['A', 'B'], required: true },
    { question: 'Two?', type: 'ranked', options: ['A', 'B', 'C'] },
    { question: 'Three?', options: ['A', 'B'], allowOther: true },
  ],
  pages: [[0, 1], [2]],
};

describe('survey admin', () => {
  it('audits create, edit, close and delete with the actor', async () => {
    await createSurvey(temp, input, NOW, 'api-token');
    await updateSurvey(temp, 'pulse', { title: 'Pulse 2' }, NOW + 1000, 'api-token');
    await updateSurvey(temp, 'pulse', { status: 'closed' }, NOW + 2000, 'session:abc');
    await deleteSurvey(temp.surveyStore, 'pulse', NOW + 3000, 'api-token');
    const audit = await temp.adminStore.auditFor(surveyAuditKey('pulse'));
    expect(audit.map((a) => [a.actor, a.action, a.details])).toEqual([
      ['api-token', 'delete', '0 responses removed'],
      ['session:abc', 'close', ''],
      ['api-token', 'update', 'title'],
      ['api-token', 'create', '3 questions'],
    ]);
  });

  it('imports an exported survey as a new one, audited as an import', async () => {
    const original = await createSurvey(temp, input, NOW, 'api-token');
    const file = toSurveyInput(original);
    // The same slugs are taken: the import is refused until they are freed.
    await expect(importSurvey(temp, file, NOW, 'cli')).rejects.toMatchObject({ code: 'slug_taken' });
    await deleteSurvey(temp.surveyStore, 'pulse', NOW, 'cli');
    const imported = await importSurvey(temp, file, NOW + 1000, 'cli');
    expect(toSurveyJson(imported, NOW + 1000)).toEqual(toSurveyJson(original, NOW + 1000));
    expect((await temp.adminStore.auditFor(surveyAuditKey('pulse')))[0]).toMatchObject({
      actor: 'cli',
      action: 'import',
    });
  });

  it('keeps default question slugs when the questions are replaced (the old ones are freed in the same edit)', async () => {
    await createSurvey(temp, { ...input, slug: 'edit', questions: input.questions.map(({ ...q }) => q) }, NOW);
    const updated = await updateSurvey(
      temp,
      'edit',
      { questions: [{ question: 'New one?', options: ['Yes', 'No'] }, ...input.questions.slice(1)] },
      NOW + 1000,
    );
    expect(updated.questions.map((q) => [q.poll.slug, q.poll.question, q.page])).toEqual([
      ['edit-1', 'New one?', 0],
      ['edit-2', 'Two?', 1],
      ['edit-3', 'Three?', 2],
    ]);
  });
});
