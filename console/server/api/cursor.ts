import { z } from 'zod';
import { ValidationError } from '../../../core/errors.js';

/** Opaque keyset cursors: the sort key and id of the last row seen, base64url JSON. */
export function encodeCursor(key: string, id: string): string {
  return Buffer.from(JSON.stringify([key, id])).toString('base64url');
}

const shape = z.tuple([z.string().max(100), z.string().max(100)]);

export function decodeCursor(cursor: string | undefined): { key: string; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const [key, id] = shape.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { key, id };
  } catch {
    throw new ValidationError('bad cursor', [{ field: 'cursor', message: 'not a cursor this API gave out' }]);
  }
}

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(400).optional(),
};
