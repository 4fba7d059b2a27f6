export { ConnectorError, errorForNetwork, errorForStatus } from '@switchboard/connector-sdk';
