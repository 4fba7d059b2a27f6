// A fake provider's server and its upload reader are the connector SDK's test kit, so a channel
// written outside this repository fakes its provider the same way.
export { formFields, listen, type UploadedFile } from '@switchboard/connector-sdk/testkit';
