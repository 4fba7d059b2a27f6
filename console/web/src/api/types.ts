/** Shapes the console API answers with, as the app uses them. */
import type { Body, Query, Schemas } from './schema.js';

export type UserView = Schemas['UserView'];

export type TenantRef = Schemas['TenantRef'];

/** GET /session: the signed-in user, what they may do, and the token to send on changes. */
export type Session = Schemas['Session'];

export type CompanyAddress = Schemas['CompanyAddress'];

export type TwoFactorState = Schemas['TwoFactorState'];

/** A new two-factor secret, shown once: for the authenticator app to scan or to type in. */
export type TwoFactorEnrolment = Schemas['TwoFactorEnrolment'];

/** The password step: a session, or the challenge for the second step (a code, or setting one up). */
export type SignInAnswer = Schemas['SignInAnswer'];

export type SignUpAnswer = Schemas['SignUpAnswer'];

/** A conversation as the list and the conversation pane show it. */
export type ConversationView = Schemas['ConversationView'];

export type ConversationPage = Schemas['ConversationPage'];

export type ConversationDetail = Schemas['ConversationDetail'];

export type ConversationQuery = Query<'/api/conversations', 'get'>;

/** A reply; the same clientId twice sends once, so a retry after a lost answer is safe. */
export type ReplyInput = Body<'/api/conversations/{id}/messages', 'post'>;

export type ContactDetail = Schemas['ContactDetail'];

/** One step of a macro. */
export type MacroAction = Schemas['MacroAction'];

export type Macro = Schemas['Macro'];

/** A reply waiting to be sent later. */
export type ScheduledMessage = Schemas['ScheduledMessage'];

export type CannedResponse = Schemas['CannedResponse'];

export type GroupStrategy = Schemas['GroupStrategy'];

export type GroupView = Schemas['GroupView'];

export type RoleView = Schemas['RoleView'];

export type ApiTokenView = Schemas['ApiTokenView'];

export type AuditEntry = Schemas['AuditEntry'];

/** What a routing rule matches on and what it does, as POST /routing-rules takes them. */
export type RuleCondition = Body<'/api/routing-rules', 'post'>['conditions'][number];
export type RuleActions = Body<'/api/routing-rules', 'post'>['actions'];

/** A permission a role or an API token may hold. */
export type Permission = Schemas['Permission'];

export type RoutingRuleView = Schemas['RoutingRuleView'];

/** A file kept for a reply (POST /conversations/:id/attachments). */
export type StoredAttachment = Schemas['StoredAttachment'];

/** An installed connector, with the JSON Schema of its settings. */
export type ChannelTypeView = Schemas['ChannelTypeView'];

/** What a connection test found: one line per thing checked (the provider's words). */
export type ConnectionTestView = Schemas['ConnectionTestView'];

/** A channel as an admin sees it: settings without secrets, which secrets are set, its addresses. */
export type ChannelView = Schemas['ChannelView'];

/** What a channel's loop last reported: a bot waiting for its QR code to be scanned, logged in, out, or failing. */
export type ChannelStateView = Exclude<Schemas['ChannelStateView'], { state: null }>;

/** A business-hours calendar: weekly hours (Sunday first) in its time zone, and holidays. */
export type CalendarView = Schemas['CalendarView'];

/** Single sign-on settings; secrets show only whether they are stored. */
export type SsoView = Schemas['SsoView'];
