/**
 * A keyed lookup whose calls made in the same turn of the event loop are answered by one call of
 * `load` over all their keys: under load, the requests a gateway answers together (their
 * publishes confirmed by one broker frame) cost one statement, and one transaction, instead of
 * one each. Each caller gets the entries of its own keys; a failure fails every caller of that
 * round.
 */
export function coalescedLookup<K, V>(load: (keys: K[]) => Promise<Map<K, V>>): (keys: readonly K[]) => Promise<Map<K, V>> {
  let round: { keys: Set<K>; answer: Promise<Map<K, V>> } | undefined;
  return (keys) => {
    if (keys.length === 0) return Promise.resolve(new Map());
    if (!round) {
      const wanted = new Set<K>();
      const answer = new Promise<Map<K, V>>((resolve, reject) => {
        setImmediate(() => {
          round = undefined;
          load([...wanted]).then(resolve, reject);
        });
      });
      round = { keys: wanted, answer };
    }
    for (const key of keys) round.keys.add(key);
    return round.answer.then((all) => {
      const mine = new Map<K, V>();
      for (const key of keys) if (all.has(key)) mine.set(key, all.get(key)!);
      return mine;
    });
  };
}
