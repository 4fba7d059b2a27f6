import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Timestamps come back as Date and may be written as Date or ISO string; all have defaults. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** bigint identity columns come back from pg as strings (they may exceed 2^53). */
type BigId = ColumnType<string, never, never>;
type Json<T = unknown> = ColumnType<T, T | string, T | string>;
/** A JSON column with a default: optional on insert. */
type JsonDefault<T = unknown> = ColumnType<T, T | string | undefined, T | string>;

export type AccountStatus = 'invited' | 'active' | 'deactivated';
export type AgentStatus = 'online' | 'busy' | 'away' | 'offline';
export type PhoneStatus = 'offline' | 'ip_phone' | 'web_phone' | 'mobile';
export type ConversationKind = 'chat' | 'email' | 'voice';
export type ConversationStatus = 'open' | 'queued' | 'assigned' | 'resolved';
export type GroupStrategy = 'round_robin' | 'least_busy' | 'skill_weighted' | 'sticky' | 'manual';
export type MessageStatus = 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed';
export type Capacity = Partial<Record<ConversationKind, number>>;

export interface TenantTable {
  id: Generated<string>;
  slug: string;
  name: string;
  settings: JsonDefault<Record<string, unknown>>;
  /** Whether every password sign-in must pass a second step (TOTP or a recovery code). */
  two_factor_required: Generated<boolean>;
  /** The origin links are built from when the operator set no PUBLIC_URL; null: none recorded. */
  public_url: string | null;
  /** What status an agent starts a sign-in with: the last one they had, online, or away. */
  agent_status_on_sign_in: Generated<SignInStatusPolicy>;
  /**
   * Moves with every change to the routing set-up (rules, router settings, groups, calendars,
   * holidays), by triggers in the same transaction; routers keep the set-up they read per version.
   * int8: read it as text.
   */
  routing_config_version: Generated<string>;
  created_at: Timestamp;
}

export type SignInStatusPolicy = 'keep' | 'online' | 'away';

export interface RoleTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  builtin: Generated<boolean>;
  created_at: Timestamp;
}

export interface RolePermissionTable {
  tenant_id: string;
  role_id: string;
  permission: string;
}

export interface UserTable {
  id: Generated<string>;
  tenant_id: string;
  email: string;
  name: string;
  password_hash: string | null;
  role_id: string;
  account_status: Generated<AccountStatus>;
  agent_status: Generated<AgentStatus>;
  phone_status: Generated<PhoneStatus>;
  capacity: JsonDefault<Capacity>;
  last_assigned_at: NullableTimestamp;
  status_changed_at: Timestamp;
  created_at: Timestamp;
}

export interface GroupTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  strategy: Generated<GroupStrategy>;
  settings: JsonDefault<Record<string, unknown>>;
  created_at: Timestamp;
  /** Business hours of the group (router rules may test them). */
  calendar_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Where a conversation waiting longer than `overflow_after_seconds` moves. */
  overflow_group_id: ColumnType<string | null, string | null | undefined, string | null>;
  overflow_after_seconds: ColumnType<number | null, number | null | undefined, number | null>;
  /** Most conversations waiting; beyond it the customer gets `queue_full_reply`. */
  max_queue_length: ColumnType<number | null, number | null | undefined, number | null>;
  queue_full_reply: ColumnType<string | null, string | null | undefined, string | null>;
  /** An assigned agent who has not answered in this time loses the conversation. */
  no_answer_seconds: ColumnType<number | null, number | null | undefined, number | null>;
  no_answer_set_away: Generated<boolean>;
  /** How far back the sticky strategy looks for the contact's last agent. */
  sticky_days: Generated<number>;
  auto_resolve_after_seconds: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface GroupMemberTable {
  tenant_id: string;
  group_id: string;
  user_id: string;
}

export interface SkillTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
}

export interface AgentSkillTable {
  tenant_id: string;
  user_id: string;
  skill_id: string;
  level: number;
}

export interface ChannelTable {
  id: Generated<string>;
  tenant_id: string;
  type: string;
  name: string;
  config: JsonDefault<Record<string, unknown>>;
  /** AES-256-GCM sealed JSON of the secret config fields; see core/crypto/secrets.ts. */
  secrets: string | null;
  /** The public handle of a browser-facing channel (the web chat's script tag); null for others. */
  public_key: ColumnType<string | null, string | null | undefined, string | null>;
  enabled: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ContactTable {
  id: Generated<string>;
  tenant_id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  attributes: JsonDefault<Record<string, unknown>>;
  tags: Generated<string[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** The contact's company (migrations/0012_crm.ts); the companies themselves are the CRM's (crm/schema.ts). */
  company_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Set on a contact merged into another; it stays (hidden) so the merge can be undone. */
  merged_into_id: ColumnType<string | null, string | null | undefined, string | null>;
  merged_at: NullableTimestamp;
  /**
   * The phone / e-mail was entered or confirmed by the company, or reported by a channel that
   * proves it (migrations/0023_contact_verified.ts); false for what a visitor typed. Only these
   * let a new sender land on an existing contact (core/contacts/verified-match.ts).
   */
  phone_verified: Generated<boolean>;
  email_verified: Generated<boolean>;
}

export interface ContactIdentityTable {
  id: Generated<string>;
  tenant_id: string;
  contact_id: string;
  channel_id: string;
  external_id: string;
  display_name: string | null;
  created_at: Timestamp;
}

export interface ConversationTable {
  id: Generated<string>;
  tenant_id: string;
  channel_id: string;
  contact_id: string;
  kind: Generated<ConversationKind>;
  thread_key: Generated<string>;
  status: Generated<ConversationStatus>;
  group_id: string | null;
  assignee_id: string | null;
  priority: Generated<number>;
  subject: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_message_at: NullableTimestamp;
  queued_at: NullableTimestamp;
  assigned_at: NullableTimestamp;
  first_response_at: NullableTimestamp;
  resolved_at: NullableTimestamp;
  /** What a routing rule asked for: `[{ skillId, minLevel }]`. */
  required_skills: JsonDefault<RequiredSkill[]>;
  /** A specific agent a routing rule named; tried before the group's strategy. */
  preferred_agent_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface RequiredSkill {
  skillId: string;
  minLevel: number;
}

export interface MessageTable {
  id: BigId;
  tenant_id: string;
  conversation_id: string;
  channel_id: string;
  direction: 'in' | 'out';
  sender_type: 'contact' | 'agent' | 'system' | 'bot';
  sender_id: string | null;
  external_id: string | null;
  client_id: string | null;
  private: Generated<boolean>;
  content: Json<unknown[]>;
  status: Generated<MessageStatus>;
  error: string | null;
  /** The provider's code for a failed send (an HTTP status, the provider's own error code). */
  error_code: ColumnType<string | null, string | null | undefined, string | null>;
  /** The id the channel's provider gave an outbound message. */
  provider_message_id: ColumnType<string | null, string | null | undefined, string | null>;
  sent_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface OutboxTable {
  id: BigId;
  tenant_id: string | null;
  exchange: ColumnType<'events' | 'outbound' | 'inbound', 'events' | 'outbound' | 'inbound' | undefined, never>;
  /** Set for messages to another exchange; events route by `<tenant>.<kind>`. */
  routing_key: string | null;
  kind: string;
  payload: Json<Record<string, unknown>>;
  created_at: Timestamp;
  published_at: NullableTimestamp;
}

export interface JobTable {
  id: BigId;
  tenant_id: string | null;
  kind: string;
  key: string | null;
  run_at: ColumnType<Date, Date | string, Date | string>;
  payload: JsonDefault<Record<string, unknown>>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Timestamp;
}

export interface BusinessCalendarTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  /** IANA zone, e.g. `Asia/Shanghai`. */
  time_zone: string;
  /** Seven lists (Sunday first) of `[start, end]` local times `HH:MM`; end may be `24:00`. */
  weekly_hours: JsonDefault<[string, string][][]>;
  created_at: Timestamp;
}

export interface CalendarHolidayTable {
  tenant_id: string;
  calendar_id: string;
  /** A local date in the calendar's zone, `YYYY-MM-DD`. */
  day: ColumnType<string, string, string>;
  name: Generated<string>;
}

export interface RouterSettingsTable {
  tenant_id: string;
  /** A message within this time after a conversation was resolved reopens it. */
  reopen_window_seconds: Generated<number>;
  /** Where conversations go when no routing rule matches. */
  default_group_id: string | null;
}

export interface RoutingRuleTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  /** Lower first; the first rule that matches wins. */
  position: number;
  enabled: Generated<boolean>;
  conditions: JsonDefault<unknown[]>;
  actions: JsonDefault<Record<string, unknown>>;
  created_at: Timestamp;
}

export interface AssignmentLogTable {
  id: BigId;
  tenant_id: string;
  conversation_id: string;
  agent_id: string;
  kind: ConversationKind;
  action: 'assign' | 'release';
  reason: string;
  /** The agent's open conversations of this kind after the change, and the capacity then. */
  load_after: number;
  capacity: number;
  at: Timestamp;
}

/**
 * An agent's conversations of one kind assigned now. Kept by triggers on `conversations`
 * (migrations/0009_perf_agent_load.ts) in the transaction that changes them: never written by code.
 */
export interface AgentLoadTable {
  tenant_id: string;
  user_id: string;
  kind: ConversationKind;
  assigned: ColumnType<number, never, never>;
}

/** A signed-in browser. `id` is the SHA-256 of the cookie's token: a database leak opens no session. */
export interface SessionTable {
  id: string;
  tenant_id: string;
  user_id: string;
  csrf_token: string;
  via: ColumnType<'password' | 'sso', 'password' | 'sso' | undefined, never>;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

export interface ApiTokenTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  name: string;
  token_hash: string;
  scopes: string[];
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface UserTokenTable {
  token_hash: string;
  tenant_id: string;
  user_id: string;
  purpose: 'activation' | 'reset';
  created_at: Timestamp;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  used_at: NullableTimestamp;
}

/** One row per account-and-address pair (`pair:…`) and per address (`ip:…`): see auth/throttle.ts. */
export interface SignInDelayTable {
  key: string;
  failures: number;
  retry_at: Date;
  last_at: Date;
}

export interface UserTwoFactorTable {
  tenant_id: string;
  user_id: string;
  /** The TOTP secret, sealed with SECRET_KEY (core/crypto/secrets.ts); never returned after enrolment. */
  secret: string;
  /** null while the enrolment waits for its first code. */
  enabled_at: NullableTimestamp;
  /** The last TOTP time step accepted: a code of that step or an earlier one is refused. */
  last_step: ColumnType<string | null, number | null | undefined, number | null>;
  created_at: Timestamp;
}

export interface TwoFactorRecoveryCodeTable {
  tenant_id: string;
  user_id: string;
  code_hash: string;
  used_at: NullableTimestamp;
}

export interface SignInChallengeTable {
  token_hash: string;
  tenant_id: string;
  user_id: string;
  kind: 'code' | 'enrol';
  expires_at: Date;
}

export interface SsoSettingsTable {
  tenant_id: string;
  enabled: Generated<boolean>;
  login_url: string | null;
  logout_url: string | null;
  /** Sealed with SECRET_KEY (core/crypto/secrets.ts); never returned. */
  secret: string | null;
  updated_at: Timestamp;
  oidc_enabled: Generated<boolean>;
  oidc_issuer: string | null;
  oidc_client_id: string | null;
  /** Sealed like `secret`. */
  oidc_client_secret: string | null;
  /** The provider's endpoints, read when the settings were saved: sign-in never fetches the issuer. */
  oidc_discovery: ColumnType<OidcDiscovery | null, string | null | undefined, string | null>;
}

export interface OidcDiscovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

export interface SsoUsedTokenTable {
  tenant_id: string;
  jti: string;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

export interface AuditLogTable {
  id: BigId;
  tenant_id: string;
  actor_id: string | null;
  actor_type: ColumnType<'user' | 'api_token' | 'system', 'user' | 'api_token' | 'system' | undefined, never>;
  action: string;
  target_type: string;
  target_id: string | null;
  details: JsonDefault<Record<string, unknown>>;
  created_at: Timestamp;
}

export interface MentionTable {
  tenant_id: string;
  message_id: string;
  conversation_id: string;
  user_id: string;
  created_at: Timestamp;
  read_at: NullableTimestamp;
}

export interface CannedResponseTable {
  id: Generated<string>;
  tenant_id: string;
  shortcut: string;
  title: string;
  body: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One step of a macro, in the order the macro runs them (console/server/routes/macros.ts). */
export type MacroAction =
  | { type: 'reply'; text: string }
  | { type: 'note'; text: string }
  | { type: 'add_tag'; tag: string }
  | { type: 'assign_agent'; agentId: string }
  | { type: 'assign_group'; groupId: string }
  | { type: 'resolve' }
  | { type: 'set_priority'; priority: number };

export interface MacroTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  actions: JsonDefault<MacroAction[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type CustomFieldType = 'text' | 'number' | 'boolean' | 'date' | 'select';

export interface CustomFieldTable {
  id: Generated<string>;
  tenant_id: string;
  key: string;
  label: string;
  type: CustomFieldType;
  options: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Timestamp;
}

export interface ChannelApiKeyTable {
  id: Generated<string>;
  tenant_id: string;
  channel_id: string;
  /** The first characters of the key, shown so an admin can tell keys apart. */
  prefix: string;
  /** sha256 of the key, hex; the key itself is shown once and never stored. */
  key_hash: string;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface AttachmentTable {
  id: Generated<string>;
  tenant_id: string;
  channel_id: string;
  /** Who stored it: a visitor's or contact's external id, or `agent:<id>`. */
  owner: string;
  name: string;
  mime_type: string;
  size: ColumnType<string, number | string, number | string>;
  sha256: string;
  /** Relative to DATA_DIR. */
  storage_path: string;
  /** The provider's name for this file (message id and part), when it has one: kept once per channel. */
  source_key: ColumnType<string | null, string | null | undefined, string | null>;
  /** How long a recording plays, when known (voice messages). */
  duration_ms: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: Timestamp;
}

/** What a channel's loop last reported about itself; see migrations/0016_channel_states.ts. */
export interface ChannelStateTable {
  channel_id: string;
  tenant_id: string;
  state: string;
  detail: string | null;
  account: string | null;
  qr_code: string | null;
  holder: string | null;
  updated_at: Timestamp;
}

/** A connector's own state per channel, by key (`ctx.state`); see migrations/0027_channel_data.ts. */
export interface ChannelDataTable {
  channel_id: string;
  tenant_id: string;
  key: string;
  value: Json;
  updated_at: Timestamp;
}

/** How a channel is doing as the platform sees it; see migrations/0022_channel_health.ts. */
export interface ChannelHealthTable {
  channel_id: string;
  tenant_id: string;
  status: 'ok' | 'error';
  source: string;
  error: string | null;
  error_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface WidgetVisitorTable {
  id: Generated<string>;
  tenant_id: string;
  channel_id: string;
  /** sha256 of the opaque visitor token, hex. */
  token_hash: string;
  /** The visitor's identity on the channel: `v:<uuid>` when anonymous, `u:<user id>` once identified. */
  external_id: string;
  identified: Generated<boolean>;
  profile: JsonDefault<Record<string, unknown>>;
  created_at: Timestamp;
  last_seen_at: Timestamp;
}

export interface WebhookDeliveryTable {
  id: BigId;
  tenant_id: string;
  channel_id: string;
  /** Stable across attempts; the receiver dedupes on it. */
  delivery_id: string;
  message_id: string | null;
  attempt: number;
  url: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  created_at: Timestamp;
}

export interface CompanyWebhookTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  url: string;
  events: string[];
  /** Sealed with the instance's key; opened only to sign. */
  secret: string;
  enabled: Generated<boolean>;
  /** Failed attempts in a row; past the limit the webhook is disabled. */
  failure_streak: Generated<number>;
  disabled_reason: string | null;
  disabled_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type CompanyWebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface CompanyWebhookDeliveryTable {
  id: BigId;
  tenant_id: string;
  webhook_id: string;
  /** The outbox row of the event: one delivery per webhook and event. */
  event_id: string;
  kind: string;
  /** The JSON body, the same on every attempt. */
  body: string;
  status: Generated<CompanyWebhookDeliveryStatus>;
  attempts: Generated<number>;
  /** Attempts made before the last replay: a replay gets the full number of attempts again. */
  attempts_before_replay: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Timestamp;
  delivered_at: NullableTimestamp;
}

export interface CompanyWebhookAttemptTable {
  id: BigId;
  delivery_id: string;
  attempt: number;
  status_code: number | null;
  error: string | null;
  /** The start of the receiver's answer. */
  response: string | null;
  duration_ms: number;
  created_at: Timestamp;
}

export interface PullCursorTable {
  channel_id: string;
  tenant_id: string;
  cursor: JsonDefault<Record<string, unknown>>;
  holder: string | null;
  updated_at: Timestamp;
}

/** One access token per WeChat channel for the whole cluster; see migrations/0006_wechat.ts. */
export interface WechatAccessTokenTable {
  channel_id: string;
  tenant_id: string;
  /** Sealed under SECRET_KEY, bound to the tenant and channel. */
  sealed_token: string;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  refreshed_at: Timestamp;
  refresh_count: Generated<number>;
}

/** A follower's customer-service reply window: opened by their last message, with the replies sent in it. */
export interface WechatReplyWindowTable {
  channel_id: string;
  tenant_id: string;
  open_id: string;
  opened_at: ColumnType<Date, Date | string, Date | string>;
  sent: Generated<number>;
}

export interface WechatWelcomeTable {
  channel_id: string;
  tenant_id: string;
  event_key: string;
  created_at: Timestamp;
}

/** WeCom customer service's sync_msg cursor per customer-service account. */
export interface WecomKfCursorTable {
  channel_id: string;
  tenant_id: string;
  open_kfid: string;
  cursor: string;
  updated_at: Timestamp;
}

/** An open console WebSocket; see migrations/0003_console_presence.ts. */
export interface AgentConnectionTable {
  id: string;
  tenant_id: string;
  user_id: string;
  node_id: string;
  connected_at: Timestamp;
  last_heartbeat_at: Timestamp;
}

export interface AgentPresenceTable {
  tenant_id: string;
  user_id: string;
  away_by_presence: Generated<boolean>;
}

// The call center's tables that the router, the reports and the CRM use too; the call center's
// own (call tasks) are in callcenter/schema.ts.

/** A phone menu (IVR); `definition` is checked by callcenter/ivr.ts before it is saved. */
export interface IvrFlowTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  definition: Json<Record<string, unknown>>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Where an agent's phone rings for each phone status, and their after-call work time. */
export interface VoiceEndpointTable {
  tenant_id: string;
  user_id: string;
  sip: string | null;
  webrtc: string | null;
  mobile: string | null;
  wrap_up_seconds: Generated<number>;
  updated_at: Timestamp;
}

export type CallState = 'ivr' | 'queued' | 'ringing' | 'answered' | 'ended';

/** One call on a voice channel; its conversation has the same channel and `thread_key = provider_call_id`. */
export interface CallTable {
  id: Generated<string>;
  tenant_id: string;
  channel_id: string;
  provider_call_id: string;
  direction: 'in' | 'out';
  from_number: string;
  to_number: string;
  state: Generated<CallState>;
  ivr_flow_id: string | null;
  ivr_menu: string | null;
  ivr_retries: Generated<number>;
  group_id: string | null;
  /** The agent ringing or on the call (the last one, once it ended). */
  agent_id: string | null;
  /** The provider's id of the agent's leg (ARI channel, Twilio child call). */
  agent_leg_id: string | null;
  bridge_id: string | null;
  started_at: Timestamp;
  queued_at: NullableTimestamp;
  ringing_at: NullableTimestamp;
  answered_at: NullableTimestamp;
  ended_at: NullableTimestamp;
  wait_seconds: number | null;
  talk_seconds: number | null;
  recording_ref: string | null;
  /** answered, abandoned_ivr, abandoned_queue, abandoned_ringing, voicemail, hangup_ivr, no_answer, busy, failed */
  disposition: string | null;
  cause: string | null;
}

export interface CallEventTable {
  id: BigId;
  tenant_id: string;
  call_id: string;
  kind: string;
  detail: JsonDefault<Record<string, unknown>>;
  at: Timestamp;
}

/** A callback an agent plans for a customer (回访计划); a job `voice.callback_due` reminds the agent when it is due. */
export interface CallbackPlanTable {
  id: Generated<string>;
  tenant_id: string;
  contact_id: string;
  phone: string;
  agent_id: string;
  due_at: ColumnType<Date, Date | string, Date | string>;
  note: Generated<string>;
  status: Generated<'planned' | 'done' | 'cancelled'>;
  result: string | null;
  call_id: string | null;
  created_by: string | null;
  reminded_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A business record (业务记录) written on a call (or any conversation): a subject, the tenant's custom fields, a text. */
export interface BusinessRecordTable {
  id: Generated<string>;
  tenant_id: string;
  conversation_id: string;
  call_id: string | null;
  contact_id: string;
  subject: string;
  fields: JsonDefault<Record<string, unknown>>;
  body: Generated<string>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface Database {
  tenants: TenantTable;
  roles: RoleTable;
  role_permissions: RolePermissionTable;
  users: UserTable;
  groups: GroupTable;
  group_members: GroupMemberTable;
  skills: SkillTable;
  agent_skills: AgentSkillTable;
  channels: ChannelTable;
  contacts: ContactTable;
  contact_identities: ContactIdentityTable;
  conversations: ConversationTable;
  messages: MessageTable;
  outbox: OutboxTable;
  jobs: JobTable;
  channel_api_keys: ChannelApiKeyTable;
  attachments: AttachmentTable;
  widget_visitors: WidgetVisitorTable;
  webhook_deliveries: WebhookDeliveryTable;
  company_webhooks: CompanyWebhookTable;
  company_webhook_deliveries: CompanyWebhookDeliveryTable;
  company_webhook_attempts: CompanyWebhookAttemptTable;
  pull_cursors: PullCursorTable;
  channel_states: ChannelStateTable;
  channel_health: ChannelHealthTable;
  channel_data: ChannelDataTable;
  wechat_access_tokens: WechatAccessTokenTable;
  wechat_reply_windows: WechatReplyWindowTable;
  wechat_welcomes: WechatWelcomeTable;
  wecom_kf_cursors: WecomKfCursorTable;
  business_calendars: BusinessCalendarTable;
  calendar_holidays: CalendarHolidayTable;
  router_settings: RouterSettingsTable;
  routing_rules: RoutingRuleTable;
  assignment_log: AssignmentLogTable;
  agent_load: AgentLoadTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  user_tokens: UserTokenTable;
  sign_in_delays: SignInDelayTable;
  user_two_factor: UserTwoFactorTable;
  two_factor_recovery_codes: TwoFactorRecoveryCodeTable;
  sign_in_challenges: SignInChallengeTable;
  sso_settings: SsoSettingsTable;
  sso_used_tokens: SsoUsedTokenTable;
  audit_log: AuditLogTable;
  mentions: MentionTable;
  canned_responses: CannedResponseTable;
  macros: MacroTable;
  custom_fields: CustomFieldTable;
  agent_connections: AgentConnectionTable;
  agent_presence: AgentPresenceTable;
  ivr_flows: IvrFlowTable;
  voice_endpoints: VoiceEndpointTable;
  calls: CallTable;
  call_events: CallEventTable;
  callback_plans: CallbackPlanTable;
  business_records: BusinessRecordTable;
}

export type Tenant = Selectable<TenantTable>;
export type User = Selectable<UserTable>;
export type Group = Selectable<GroupTable>;
export type Channel = Selectable<ChannelTable>;
export type Contact = Selectable<ContactTable>;
export type Conversation = Selectable<ConversationTable>;
export type Message = Selectable<MessageTable>;
export type NewMessage = Insertable<MessageTable>;
export type ConversationUpdate = Updateable<ConversationTable>;
export type Call = Selectable<CallTable>;
import './schema-retention.js';
