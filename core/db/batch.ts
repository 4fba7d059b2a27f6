/**
 * Gathers the calls made while a write is being prepared into one write. The first call of a
 * batch schedules the flush for after the current I/O callbacks; every call made until then joins
 * it. Each caller's promise settles with the write that carried its item, so a caller still
 * learns whether its own item was stored, and nothing is answered before it was.
 */
export function batched<T>(write: (items: T[]) => Promise<void>, maxItems = 500): (item: T) => Promise<void> {
  let pending: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  const flush = () => {
    const taken = pending;
    pending = [];
    for (let i = 0; i < taken.length; i += maxItems) {
      const chunk = taken.slice(i, i + maxItems);
      write(chunk.map((entry) => entry.item)).then(
        () => {
          for (const entry of chunk) entry.resolve();
        },
        (error: unknown) => {
          for (const entry of chunk) entry.reject(error);
        },
      );
    }
  };
  return (item) =>
    new Promise<void>((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ item, resolve, reject });
    });
}
