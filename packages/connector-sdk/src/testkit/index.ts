export { describeConformance, type ConformanceSubject, type SendTarget, type SendFailureCase, type Credentials } from './conformance.js';
export { openMemoryHost, type Harness, type MemoryHost } from './host.js';
export { webhookReceiver, type WebhookReceiver, type ReceivedRequest } from './receiver.js';
export { listen, formFields, type UploadedFile } from './fake-provider.js';
