export { webhookReceiver, type WebhookReceiver, type ReceivedRequest } from '@switchboard/connector-sdk/testkit';
