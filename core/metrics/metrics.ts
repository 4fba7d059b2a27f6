import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { deliveriesByQueue } from '../bus/deliveries.js';

/** One registry per process, served at /metrics. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchboard_' });
  // A gauge that only grows (read from the bus's own count when scraped), so it needs no handle
  // on the bus; Prometheus treats it like a counter through its `_total` name.
  new Gauge({
    name: 'switchboard_bus_deliveries_total',
    help: 'Messages the broker delivered to this process, by queue',
    labelNames: ['queue'] as const,
    registers: [registry],
    collect() {
      for (const [queue, n] of deliveriesByQueue()) this.set({ queue }, n);
    },
  });
  return {
    registry,
    httpRequests: new Counter({
      name: 'switchboard_http_requests_total',
      help: 'HTTP requests answered, by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'switchboard_http_request_duration_seconds',
      help: 'Time to answer an HTTP request',
      labelNames: ['method', 'route'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    routingDecision: new Histogram({
      name: 'switchboard_routing_decision_seconds',
      help: 'Time to route one new or reopened conversation inside its batch: rules, candidates, pick, and the assignment or queueing written',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
