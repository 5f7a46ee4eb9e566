// One pino root logger for the process: JSON lines, or pretty in a terminal; components take children of it.

import pino, { type Logger } from 'pino';

export function createLogger(level = process.env.RIKSCHA_LOG_LEVEL ?? 'info'): Logger {
  const pretty = process.stdout.isTTY && process.env.RIKSCHA_LOG_FORMAT !== 'json';
  return pino({
    level,
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } }
      : {}),
  });
}
