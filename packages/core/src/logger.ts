import { pino, type DestinationStream, type Logger } from 'pino';

/** Secrets, keys and signatures never reach a log line: these paths are censored by pino itself… */
export const REDACT_PATHS = [
  'secret',
  '*.secret',
  'api_key',
  '*.api_key',
  'secret_key',
  '*.secret_key',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
  '*["webhook-signature"]',
  '*.headers["webhook-signature"]',
];

/** …and any key that names a credential, at any depth, whatever header name a provider profile signs with. */
export const SENSITIVE_KEY = /(^|[-_])(secret|secret[-_]?key|signature|token|authorization|password|api[-_]?key|cookie)$/i;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

export function censorSensitiveKeys(value: unknown, depth = 0): unknown {
  if (depth > 6) return value;
  if (Array.isArray(value)) return value.map((item) => censorSensitiveKeys(item, depth + 1));
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, SENSITIVE_KEY.test(key) ? '[redacted]' : censorSensitiveKeys(item, depth + 1)]));
}

export function createLogger(level: string, name: string, destination?: DestinationStream): Logger {
  const options = {
    name,
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    formatters: { log: (object: Record<string, unknown>) => censorSensitiveKeys(object) as Record<string, unknown> },
  };
  return destination ? pino(options, destination) : pino(options);
}
