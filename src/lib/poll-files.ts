/** Poll definitions as files: export every poll as PollInput, import a list all-or-nothing. */
import { slugFromQuestion } from './keys';
import { freeSlug, PollInputError, preparePoll, type PreparedPoll } from './poll-admin';
import { iso, standAlonePolls } from './polls';
import type { PollInput } from './schemas';
import type { NewPoll, PollStore } from './store';
import type { PollRecord } from './types';

/** A poll as a PollInput, the shape `import` and the admin API accept. */
export function toPollInput(poll: PollRecord): PollInput {
  return {
    slug: poll.slug,
    question: poll.question,
    description: poll.description,
    type: poll.type,
    scale: poll.scale,
    ...(poll.type === 'multiple' || poll.type === 'ranked'
      ? { minChoices: poll.minChoices, maxChoices: poll.maxChoices }
      : {}),
    // `exclusive` only where set, so files of polls without it read as before. The write-in
    // option is not listed: `allowOther` brings it back.
    options: poll.options
      .filter((option) => !option.other)
      .map(({ key, label, exclusive, range, value }) => ({
        key,
        label,
        ...(exclusive ? { exclusive } : {}),
        // Ranges kept from an earlier ordinal scale mean nothing on an unordered one.
        ...(range && poll.scale === 'ordinal' ? { range } : {}),
        ...(value !== null && poll.type === 'rating' ? { value } : {}),
      })),
    allowOther: poll.allowOther,
    opensAt: iso(poll.opensAt),
    // A poll closed by hand carries its closing time, so it arrives closed.
    closesAt: iso(poll.closesAt),
    resultsVisibility: poll.resultsVisibility,
    duplicatePolicy: poll.duplicatePolicy,
    networkIdentity: poll.networkIdentity,
    addressBudget: poll.addressBudget,
    embedOrigins: poll.embedOrigins,
    profile: poll.profile,
    status: poll.status === 'draft' ? 'draft' : 'open',
  };
}

/** Every stand-alone poll as PollInput, oldest first (so an import recreates them in order); survey questions go with their survey. */
export async function exportPolls(store: PollStore): Promise<PollInput[]> {
  const polls = await standAlonePolls(store);
  return polls.sort((a, b) => a.createdAt - b.createdAt || a.id - b.id).map(toPollInput);
}

/** Problems of an import, by position in the file: nothing was imported. */
export class ImportError extends Error {
  constructor(readonly problems: { index: number; slug: string | null; message: string }[]) {
    super(problems.map((p) => `poll ${p.index + 1}${p.slug ? ` (${p.slug})` : ''}: ${p.message}`).join('\n'));
    this.name = 'ImportError';
  }
}

/** Imports a list of PollInput: all of them, or — when any is invalid or its slug taken — none. */
export async function importPolls(store: PollStore, list: unknown, now: number, actor: string): Promise<PollRecord[]> {
  if (!Array.isArray(list))
    throw new ImportError([{ index: 0, slug: null, message: 'the file must hold a JSON array of polls' }]);
  const problems: ImportError['problems'] = [];
  const prepared: { index: number; poll: PreparedPoll }[] = [];
  list.forEach((item, index) => {
    try {
      prepared.push({ index, poll: preparePoll(item) });
    } catch (error) {
      if (!(error instanceof PollInputError)) throw error;
      const slug = typeof item?.slug === 'string' ? item.slug : null;
      problems.push({
        index,
        slug,
        message: Object.entries(error.errors)
          .map(([field, sentence]) => `${field}: ${sentence}`)
          .join(' '),
      });
    }
  });
  // Derived slugs must be unique within the file as well as in the database.
  const claimed = new Set(prepared.flatMap(({ poll }) => (poll.slug ? [poll.slug] : [])));
  const batch: NewPoll[] = [];
  for (const { index, poll } of prepared) {
    let slug = poll.slug;
    if (slug && batch.some((b) => b.fields.slug === slug))
      problems.push({ index, slug, message: 'the slug appears twice in the file' });
    if (!slug) {
      slug = await freeSlug(store, slugFromQuestion(poll.fields.question), (candidate) => claimed.has(candidate));
      claimed.add(slug);
    }
    batch.push({ fields: { ...poll.fields, slug }, options: poll.options });
  }
  if (problems.length) throw new ImportError(problems.sort((a, b) => a.index - b.index));
  const created = await store.createPolls(batch, now, { actor, action: 'import' });
  if ('slugTaken' in created) {
    const index = batch.findIndex((b) => b.fields.slug === created.slugTaken);
    throw new ImportError([{ index, slug: created.slugTaken, message: 'a poll with this slug already exists' }]);
  }
  return created;
}
