import pino from 'pino';

/** Structured JSON logs on stderr (one object a line), at LOG_LEVEL. */
export function createLogger(level: string, name: string): pino.Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination(2));
}
