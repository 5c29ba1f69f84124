import { describe, expect, it } from 'vitest';
import { ratingSummary } from '@/lib/rating';
import { ratingLine, ratingNumber, ratingSentence } from '@/lib/rating-words';

const SCALE = [1, 2, 3, 4, 5];

describe('rating words', () => {
  it.each([
    [3.8421, '3.8'],
    [4, '4'],
    [3.5, '3.5'],
    [3.96, '4'],
    [-0.01, '0'],
  ])('%f → %s', (value, words) => expect(ratingNumber(value)).toBe(words));

  it('n = 0: no line, "No ratings yet."', () => {
    const summary = ratingSummary([]);
    expect(ratingLine(summary, 0, SCALE)).toBeNull();
    expect(ratingSentence(summary, 0, SCALE)).toBe('No ratings yet.');
  });

  it('n = 1: no interval, no standard deviation', () => {
    const summary = ratingSummary([{ value: 4, votes: 1 }]);
    expect(ratingLine(summary, 1, SCALE)).toBe('Mean 4 · Median 4 · n = 1');
    expect(ratingSentence(summary, 1, SCALE)).toBe(
      'The average rating is 4 on the scale from 1 to 5. The middle rating is 4. With a single rating there is no margin of error yet.',
    );
  });

  it('hand-worked: 2, 4, 4, 5, 5 → mean 4, sd 1.22, t(4) = 2.776 → 2.48–5.52, shown within the scale as 2.5–5', () => {
    // mean 20/5 = 4; squares 4+0+0+1+1 = 6; sd √(6/4) = 1.2247; half 2.7764 × 1.2247/√5 = 1.5207
    const summary = ratingSummary([
      { value: 2, votes: 1 },
      { value: 4, votes: 2 },
      { value: 5, votes: 2 },
    ]);
    expect(ratingLine(summary, 5, SCALE)).toBe(
      'Mean 4 (95% interval 2.5–5) · Median 4 · Standard deviation 1.2 · n = 5',
    );
    expect(ratingSentence(summary, 5, SCALE)).toBe(
      'The average rating is 4 on the scale from 1 to 5. Allowing for chance, the average among all peers is probably between 2.5 and 5. The middle rating is 4.',
    );
  });

  it('a tight interval reads "about"', () => {
    const summary = ratingSummary([
      { value: 4, votes: 200 },
      { value: 5, votes: 1 },
    ]);
    expect(ratingSentence(summary, 201, SCALE)).toContain('probably about 4.');
  });
});

describe('the headline of a rating poll', () => {
  it('gives the average, not the most chosen point', async () => {
    const { resultsHeadline } = await import('@/lib/headline');
    const counts = [52, 37].map((votes, i) => ({ value: 4 + i, votes }));
    const options = counts.map((c) => ({
      key: String(c.value),
      label: String(c.value),
      votes: c.votes,
      share: c.votes / 89,
    }));
    expect(resultsHeadline({ type: 'rating', totalResponses: 89, options, rating: ratingSummary(counts) }).text).toBe(
      'The average rating is 4.4, from 89 responses.',
    );
    expect(resultsHeadline({ type: 'rating', totalResponses: 0, options, rating: ratingSummary([]) }).text).toBe(
      'No responses yet.',
    );
  });
});
