/** Shapes the console API answers with, as the app uses them. */
import type { ConversationStatus } from './domain.js';
import type { Body, Query, Schemas } from './schema.js';

export type UserView = Schemas['UserView'];

export type TenantRef = Schemas['TenantRef'];

/** GET /session: the signed-in user, what they may do, and the token to send on changes. */
export type Session = Schemas['Session'];

export type CompanyAddress = Schemas['CompanyAddress'];

export type TwoFactorState = Schemas['TwoFactorState'];

/** A new two-factor secret, shown once: for the authenticator app to scan or to type in. */
export interface TwoFactorEnrolment {
  secret: string;
  otpauthUrl: string;
  qrSvg: string;
}

/** The password step: a session, or the challenge for the second step (a code, or setting one up). */
export type SignInAnswer = { user: UserView; csrfToken: string } | { twoFactor: 'code' | 'enrol'; challenge: string };

export interface SignUpAnswer {
  tenant: TenantRef;
  /** Where the company's people sign in from now on. */
  url: string;
  user: UserView;
  csrfToken: string;
}

/** A conversation as the list and the conversation pane show it. */
export type ConversationView = Schemas['ConversationView'];

export type ConversationPage = Schemas['ConversationPage'];

export type ConversationDetail = Schemas['ConversationDetail'];

export type ConversationQuery = Query<'/api/conversations', 'get'>;

/** A reply; the same clientId twice sends once, so a retry after a lost answer is safe. */
export type ReplyInput = Body<'/api/conversations/{id}/messages', 'post'>;

export interface ContactDetail {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  identities: { id: string; channelId: string; channelType: string; externalId: string; displayName: string | null }[];
  conversations: { id: string; status: ConversationStatus; channelId: string; createdAt: string }[];
}

/** One step of a macro. */
export type MacroAction = Schemas['MacroAction'];

export type Macro = Schemas['Macro'];

/** A reply waiting to be sent later. */
export type ScheduledMessage = Schemas['ScheduledMessage'];

export type CannedResponse = Schemas['CannedResponse'];

export type GroupStrategy = 'round_robin' | 'least_busy' | 'skill_weighted' | 'sticky' | 'manual';

export interface GroupView {
  id: string;
  name: string;
  strategy: GroupStrategy;
  memberIds: string[];
  /** The business hours the group keeps; null when it is always open. */
  calendarId?: string | null;
}

export type RoleView = Schemas['RoleView'];

export interface ApiTokenView {
  id: string;
  name: string;
  scopes: string[];
  userId: string;
  createdAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface AuditEntry {
  id: string;
  actor: { type: 'user' | 'api_token' | 'system'; id: string | null };
  action: string;
  target: { type: string; id: string | null };
  details: Record<string, unknown>;
  at: string;
}

/** What a routing rule matches on and what it does, as POST /routing-rules takes them. */
export type RuleCondition = Body<'/api/routing-rules', 'post'>['conditions'][number];
export type RuleActions = Body<'/api/routing-rules', 'post'>['actions'];

/** A permission a role or an API token may hold. */
export type Permission = Schemas['Permission'];

export interface RoutingRuleView {
  id: string;
  name: string;
  position: number;
  enabled: boolean;
  conditions: RuleCondition[];
  actions: RuleActions;
}

/** A file kept for a reply (POST /conversations/:id/attachments). */
export interface StoredAttachment {
  id: string;
  name: string;
  mimeType: string;
  size: number;
  /** Seconds, for a voice message. */
  duration?: number;
}

/** An installed connector, with the JSON Schema of its settings. */
export interface ChannelTypeView {
  type: string;
  displayName: string;
  description: string | null;
  /** The description in Chinese, where the connector gives one. */
  descriptionZh?: string | null;
  capabilities: Record<string, unknown>;
  /** Whether the connector can log in to the provider to check a channel's settings. */
  connectionTest: boolean;
  settings: unknown;
  secretFields: string[];
  /** Setting → the secrets sent to where it points; changing it needs those secrets again. */
  endpoints: Record<string, string[]>;
  /** Each setting's label and hint in English and Chinese, as the connector declares them. */
  labels?: Record<string, SettingLabel>;
}

export interface SettingLabel {
  en: string;
  zh: string;
  hintEn?: string;
  hintZh?: string;
}

/** What a channel's mailbox loop, webhook set-up or sends last found. */
export interface ChannelHealthView {
  status: 'ok' | 'error';
  source: 'receive' | 'send' | 'webhook';
  error: string | null;
  errorAt: string | null;
  updatedAt: string;
}

/** What a channel's connection test found: one line per thing checked (the provider's words). */
export interface ConnectionTestView {
  ok: boolean;
  checks: { name: string; ok: boolean; detail: string }[];
}

/** A channel as an admin sees it: settings without secrets, which secrets are set, its addresses. */
export interface ChannelView {
  id: string;
  type: string;
  name: string;
  enabled: boolean;
  config: Record<string, unknown>;
  secrets: Record<string, { set: boolean }>;
  webhookUrl: string;
  publicKey: string | null;
  /** null while nothing ever failed. */
  health?: ChannelHealthView | null;
  createdAt: string;
  updatedAt: string;
}

/** What a channel's loop last reported: a bot waiting for its QR code to be scanned, logged in, out, or failing. */
export interface ChannelStateView {
  state: 'starting' | 'waiting_for_scan' | 'logged_in' | 'logged_out' | 'error' | 'stopped';
  detail?: string;
  account?: string;
  qrCode?: string;
  /** The login QR code drawn as SVG (rectangles only), while waiting for a scan. */
  qrSvg?: string;
  holder: string | null;
  updatedAt: string;
}

/** A business-hours calendar: weekly hours (Sunday first) in its time zone, and holidays. */
export interface CalendarView {
  id: string;
  name: string;
  timeZone: string;
  weeklyHours: [string, string][][];
  holidays: { day: string; name: string }[];
}

/** Single sign-on settings; secrets show only whether they are stored. */
export interface SsoView {
  enabled: boolean;
  loginUrl: string | null;
  logoutUrl: string | null;
  secretSet: boolean;
  signInEndpoint: string;
  signOutEndpoint: string;
  oidc: { enabled: boolean; issuer: string | null; clientId: string | null; clientSecretSet: boolean; redirectUri: string };
}
