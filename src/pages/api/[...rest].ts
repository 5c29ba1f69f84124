import { apiRoute } from '@/http/responses';
import { PollError } from '@/lib/errors';

/** Unknown API paths answer in the API's own error format, not with the HTML 404 page. */
export const ALL = apiRoute(async () => {
  throw new PollError('not_found', 'There is no API endpoint at this path.');
});
