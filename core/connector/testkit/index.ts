export { describeConformance, type ConformanceSubject, type SendTarget, type SendFailureCase, type Credentials } from './conformance.js';
export { openHarness, embeddedServices, channelContext, type Harness, type Services } from './harness.js';
export { webhookReceiver, type WebhookReceiver } from '@switchboard/connector-sdk/testkit';
