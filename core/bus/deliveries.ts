/**
 * How many messages the broker handed to this process's consumers, by queue (the name without
 * the namespace). Served on /metrics as `switchboard_bus_deliveries_total`: the benchmarks divide
 * it by the messages sent to count what each message costs the broker.
 */
const counts = new Map<string, number>();

export function countDelivery(queue: string): void {
  counts.set(queue, (counts.get(queue) ?? 0) + 1);
}

export function deliveriesByQueue(): ReadonlyMap<string, number> {
  return counts;
}
