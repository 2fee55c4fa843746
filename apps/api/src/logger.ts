import { pino, type Logger } from 'pino';

/** Secrets, keys and signatures never reach a log line. */
export const REDACT_PATHS = ['secret', '*.secret', 'api_key', '*.api_key', 'authorization', '*.authorization', 'headers.authorization', 'secret_key', '*.secret_key'];

export function createLogger(level: string, name: string): Logger {
  return pino({ name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}
