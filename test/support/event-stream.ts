/** A Server-Sent Events client for tests: collects the `results` events of a live-results stream. */

/** Reads `event: results` payloads from an open stream as they arrive. */
export async function openStream(url: string) {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal, headers: { accept: 'text/event-stream' } });
  // The payload is Results JSON; tests check its shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const events: any[] = [];
  let raw = '';
  const reading = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body!) {
        raw += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = raw.indexOf('\n\n')) >= 0) {
          const block = raw.slice(0, end);
          raw = raw.slice(end + 2);
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (block.includes('event: results') && data) events.push(JSON.parse(data.slice(6)));
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    response,
    events,
    ended: reading,
    close: () => controller.abort(),
    async next(count: number, timeoutMs = 2000) {
      const until = Date.now() + timeoutMs;
      while (events.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      return events.length >= count;
    },
  };
}
