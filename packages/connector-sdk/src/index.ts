/**
 * @switchboard/connector-sdk: everything a channel needs to plug into Switchboard. A connector is
 * a package whose default export is `defineConnector({...})`; the platform loads it from
 * `CONNECTORS`. The conformance kit is in `@switchboard/connector-sdk/testkit`.
 */
export * from './define.js';
export * from './errors.js';
export * from './messages.js';
export * from './signatures.js';
export * from './storable-text.js';
