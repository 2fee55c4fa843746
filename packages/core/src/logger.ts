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
  // Broker destinations' addresses may hold credentials (docs/delivery.md, "Broker destinations").
  'destination.url',
  '*.destination.url',
  'destination.servers',
  '*.destination.servers',
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

/**
 * pino's error serializer, less the arguments of a failed Redis command: ioredis attaches the command to its errors,
 * and for a BullMQ script its arguments are the whole Lua source (about 10 KB a line), besides payloads.
 */
export function serializeError(error: Error): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  const command = serialized.command as { name?: unknown } | undefined;
  if (command && typeof command === 'object') serialized.command = { name: command.name };
  return serialized;
}

export function createLogger(level: string, name: string, destination?: DestinationStream): Logger {
  const options = {
    name,
    level,
    serializers: { err: serializeError },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    formatters: { log: (object: Record<string, unknown>) => censorSensitiveKeys(object) as Record<string, unknown> },
  };
  return destination ? pino(options, destination) : pino(options);
}
