import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The first of these places that exists, else the first. A file read at run time sits at one
 * place relative to the sources and at another relative to the server bundle in `dist/`.
 */
export function firstExistingPath(...candidates: [URL, ...URL[]]): string {
  const paths = candidates.map((url) => fileURLToPath(url));
  return paths.find((path) => existsSync(path)) ?? paths[0]!;
}
