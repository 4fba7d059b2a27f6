import { describe, expect, it } from 'vitest';
import { ConnectorError, ForbiddenError, UnauthorizedError, ValidationError } from './errors.js';

/** An error class as another copy of the SDK (bundled into a connector package) defines it. */
function foreignCopy(name: string) {
  class Copy extends Error {}
  Object.defineProperty(Copy, Symbol.for('@switchboard/connector-sdk/error'), { value: name });
  return Copy;
}

describe('connector errors', () => {
  it('are recognised when a connector bundles its own copy of the SDK', () => {
    const Unauthorized = foreignCopy('UnauthorizedError');
    const error = new Unauthorized('no signature');
    expect(error instanceof UnauthorizedError).toBe(true);
    expect(error instanceof ForbiddenError).toBe(false);
    expect(new (foreignCopy('ConnectorError'))('down') instanceof ConnectorError).toBe(true);
  });

  it('keep the ordinary check for their own subclasses and for other errors', () => {
    class UnsupportedFile extends ValidationError {}
    expect(new UnsupportedFile('bad file') instanceof ValidationError).toBe(true);
    expect(new ValidationError('bad') instanceof UnsupportedFile).toBe(false);
    expect(new Error('plain') instanceof ValidationError).toBe(false);
    expect(ConnectorError.retryable('later') instanceof ConnectorError).toBe(true);
  });
});
