import type { LoggerService } from '@nestjs/common';
import { trace } from '@opentelemetry/api';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;

/**
 * One JSON object per line on stdout, with the active trace id when there is one, so logs and
 * traces join up. Implements Nest's LoggerService so framework messages come out the same way.
 */
export class JsonLogger implements LoggerService {
  private readonly threshold: number;

  constructor(
    private readonly app: string,
    level: LogLevel = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line),
  ) {
    this.threshold = LEVELS[level];
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }

  private emit(level: LogLevel, message: unknown, rest: unknown[]): void {
    if (LEVELS[level] < this.threshold) return;
    // Nest passes the context (class name) as the last string argument.
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const record: Record<string, unknown> = { time: new Date().toISOString(), level, app: this.app };
    if (context) record.context = context;
    if (message instanceof Error) {
      record.msg = message.message;
      record.err = { name: message.name, stack: message.stack };
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(record, message);
    } else {
      record.msg = String(message);
    }
    for (const extra of rest) {
      if (typeof extra === 'string' && extra.includes('\n    at ')) record.stack = extra;
      else if (extra instanceof Error) record.err = { name: extra.name, message: extra.message, stack: extra.stack };
      else if (extra !== undefined) record.extra = extra;
    }
    const span = trace.getActiveSpan()?.spanContext();
    if (span && span.traceId !== '00000000000000000000000000000000') {
      record.traceId = span.traceId;
      record.spanId = span.spanId;
    }
    this.write(`${JSON.stringify(record)}\n`);
  }
}
