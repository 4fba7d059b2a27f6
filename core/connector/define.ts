import type { Hono } from 'hono';
import type { z } from 'zod';
import {
  defineConnector as defineSdkConnector,
  type ChannelContext as SdkChannelContext,
  type ConnectorDefinition as SdkConnectorDefinition,
  type EventForwarding as SdkEventForwarding,
  type HttpInbound as SdkHttpInbound,
  type HttpRoute as SdkHttpRoute,
  type PullContext as SdkPullContext,
  type PullInbound as SdkPullInbound,
  type VoiceControl as SdkVoiceControl,
} from '@switchboard/connector-sdk';
import type { Bus } from '../bus/bus.js';
import type { Config } from '../config/config.js';
import type { InboundMessage } from '../domain/messages.js';
import type { Logger } from '../log/logger.js';
import type { OutboundClient } from '../net/outbound.js';
import type { EventReads } from './event-reads.js';
import type { ConnectorPlatform } from './platform.js';

// The definition API is the connector SDK's (packages/connector-sdk): a channel written outside
// this repository uses the same one. This file adds what the platform lends its own connectors.
export {
  appearanceOf,
  configJsonSchema,
  describeConnector,
  iconDataUrl,
  isSecretField,
  secret,
  secretFields,
  settingLabel,
  type Capabilities,
  type ChannelAttachments,
  type ChannelDeliveries,
  type ChannelEvent,
  type ChannelInfo,
  type ChannelStore,
  type ConnectionTest,
  type ConnectorAppearance,
  type HookOutcome,
  type HookResponse,
  type RawRequest,
  type SendReceipt,
  type SettingLabel,
} from '@switchboard/connector-sdk';

/**
 * What the built-in connectors get beyond the SDK's narrow context: `platform`, the named,
 * channel-scoped capabilities (see platform.ts), with the tables a connector keeps of its own
 * (platform-tables.ts) and, for a phone channel, the call center (call-center-port.ts). Not the
 * database: a connector outside this repository has none of it, and neither does one of ours.
 */
export interface PlatformAccess {
  /** What the connector may read of the platform's records and change, for its own channel. */
  platform: ConnectorPlatform;
  bus: Bus;
  logger: Logger;
  /** Where this installation keeps files (attachments under `attachments/`). */
  dataDir: string;
  /** The installation's secret key, for signing tokens (never logged). */
  secretKey: Buffer;
  inboundShards: number;
  outbound: OutboundClient;
}

export type ChannelContext<C, X extends PlatformAccess = PlatformAccess> = SdkChannelContext<C> & X;
export type PullContext<C, X extends PlatformAccess = PlatformAccess> = SdkPullContext<C, X>;
export type HttpRoute<C, X extends PlatformAccess = PlatformAccess> = SdkHttpRoute<C, X>;
export type HttpInbound<C, X extends PlatformAccess = PlatformAccess> = SdkHttpInbound<C, X>;
export type PullInbound<C, X extends PlatformAccess = PlatformAccess> = SdkPullInbound<C, X>;
export type EventForwarding<C, X extends PlatformAccess = PlatformAccess> = SdkEventForwarding<C, X>;
export type VoiceControl<C, X extends PlatformAccess = PlatformAccess> = SdkVoiceControl<C, X>;

/** Extra HTTP endpoints a browser-facing connector serves (the web chat's `/widget/*`). */
export interface PublicMount {
  prefix: string;
  create(runtime: ConnectorRuntime): Hono | Promise<Hono>;
}

/** What the platform lends a connector's public endpoints. */
export interface ConnectorRuntime {
  /** What a process-wide service (the web chat's socket hub) may read to pass events on. */
  eventReads: EventReads;
  bus: Bus;
  logger: Logger;
  config: Config;
  /** Finds a channel of this connector by its public key and opens its configuration. */
  channelByPublicKey(publicKey: string): Promise<ChannelContext<any> | undefined>;
  /** Publishes normalized messages to the inbound shards; resolves after the broker's confirm. */
  publishInbound(ctx: ChannelContext<any>, messages: InboundMessage[]): Promise<void>;
  /** Normalizes payloads with the channel's connector, checks them, publishes with a confirm. */
  accept(ctx: ChannelContext<any>, payloads: unknown[]): Promise<InboundMessage[]>;
  /** Tells the outbox relay there is something to publish. */
  pokeOutbox(): void;
}

/** A built-in connector: the SDK's definition, with the platform's context and public mounts. */
export interface ConnectorDefinition<S extends z.ZodObject = z.ZodObject, X extends PlatformAccess = PlatformAccess>
  extends Omit<SdkConnectorDefinition<S, X>, 'mounts'> {
  mounts?: readonly PublicMount[];
}

/** Any installed connector: built in, or a package named in CONNECTORS (which sees only the SDK's context). */
export type AnyConnector = ConnectorDefinition<z.ZodObject>;

/** Declares a built-in connector (checked like any other, see the SDK's `defineConnector`). */
export function defineConnector<S extends z.ZodObject>(definition: ConnectorDefinition<S>): ConnectorDefinition<S> {
  defineSdkConnector(definition as SdkConnectorDefinition<S, PlatformAccess>);
  return definition;
}
