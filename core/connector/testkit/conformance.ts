import {
  describeConformance as describeKit,
  type ConformanceSubject as KitSubject,
  type Credentials,
  type SendFailureCase as KitSendFailureCase,
  type SendTarget as KitSendTarget,
} from '@switchboard/connector-sdk/testkit';
import type { AnyConnector } from '../define.js';
import { openHarness, type Harness, type Services } from './harness.js';

export type { Credentials };
export type SendTarget = KitSendTarget<Harness>;
export type SendFailureCase = KitSendFailureCase<Harness>;

/** The SDK's conformance subject, run on this platform: `services` picks the database and bus. */
export interface ConformanceSubject extends Omit<KitSubject<Harness>, 'open' | 'connector'> {
  connector: AnyConnector;
  services: () => Promise<Services>;
}

/**
 * The SDK's conformance checks on the real gateway, database and bus: what every built-in
 * connector passes. A connector outside this repository runs the same checks with the SDK alone.
 */
export function describeConformance(subject: ConformanceSubject): void {
  const { services, ...rest } = subject;
  describeKit<Harness>({ ...rest, open: (connector, settings) => openHarness(connector as AnyConnector, settings, services) });
}
