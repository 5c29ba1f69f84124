/**
 * A form with a file (multipart/form-data), for the admin's import page: its text fields and the
 * text of each uploaded file. `readFormBody` keeps text fields only, as every other form needs.
 */
import { PollError } from '@/lib/errors';
import { readBodyText } from './read-body';

/** Fields and files (name → text) of a posted form; an urlencoded form has no files. */
export async function readUploadForm(
  request: Request,
  limit: number,
): Promise<{ fields: URLSearchParams; files: Map<string, string> }> {
  const type = request.headers.get('content-type') ?? '';
  const files = new Map<string, string>();
  if (/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) {
    return { fields: new URLSearchParams(await readBodyText(request, limit)), files };
  }
  if (!/^multipart\/form-data\s*;/i.test(type)) {
    throw new PollError('unsupported_media_type', 'Send the form as multipart/form-data.');
  }
  const text = await readBodyText(request, limit);
  let form: FormData;
  try {
    form = await new Response(text, { headers: { 'Content-Type': type } }).formData();
  } catch {
    throw new PollError('invalid_body', 'The form data could not be read.');
  }
  const fields = new URLSearchParams();
  for (const [name, value] of form) {
    if (typeof value === 'string') fields.append(name, value);
    else if (!files.has(name) && value.size > 0) files.set(name, await value.text());
  }
  return { fields, files };
}
