// PLACEHOLDER (issue 17 base branch): replaced by its owner's implementation.
import type { SurveyStore } from '../../src/lib/survey-types';
import type { PgDb } from './client';

export function createPgSurveyStore(db: PgDb): SurveyStore {
  void db;
  return new Proxy(
    {},
    {
      get: (_target, name) => () => Promise.reject(new Error(`createPgSurveyStore: ${String(name)} is not built yet`)),
    },
  ) as SurveyStore;
}
