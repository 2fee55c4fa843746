import { readFile } from 'node:fs/promises';
import { UsageError } from './errors.js';
import { readAll, type CliIo } from './io.js';

/** The JSON in a flag's value, or a usage error naming the flag. */
export function parseJsonFlag(flag: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--${flag} is not JSON: ${(error as Error).message}`);
  }
}

/** A JSON document from a file, or from stdin for `-`. */
export async function readJsonSource(flag: string, source: string, io: CliIo): Promise<unknown> {
  let text: string;
  try {
    text = source === '-' ? await readAll(io.stdin) : await readFile(source, 'utf8');
  } catch (error) {
    throw new UsageError(`--${flag} ${source}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  return parseJsonFlag(flag, text);
}
