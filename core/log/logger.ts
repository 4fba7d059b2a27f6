import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** Keys whose values never reach a log line, wherever they sit in the logged object. */
export const REDACTED_KEYS = [
  'password',
  'passwordHash',
  'secret',
  'secrets',
  'token',
  'accessToken',
  'apiKey',
  'authorization',
  'cookie',
  'secretKey',
  'appSecret',
  'encodingAesKey',
];

const redactPaths = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'switchboard' },
      redact: { paths: redactPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
