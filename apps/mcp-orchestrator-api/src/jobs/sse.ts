// Incremental parser for the `text/event-stream` framing used by OpenAI-compatible streaming:
// events are separated by a blank line; only `data:` fields matter here.
export class SseParser {
  private buffer = '';

  /** Feeds a decoded chunk; returns the data payloads of the events it completed. */
  push(chunk: string): string[] {
    this.buffer += chunk;
    const events: string[] = [];
    for (;;) {
      const match = /\r?\n\r?\n/.exec(this.buffer);
      if (!match) break;
      const raw = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const data = raw
        .split(/\r?\n/)
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, ''));
      if (data.length) events.push(data.join('\n'));
    }
    return events;
  }
}
