/**
 * The shapes the console API answers with, as zod schemas for the API description. Each is named
 * (`.meta({ id })`), so the OpenAPI document lists it once under components.schemas and the web
 * app's generated types (npm run gen:api) keep the name. The checks at the bottom tie each schema
 * to the type the server builds, so the description cannot drift from the answers.
 */
import type { Context as HonoContext } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { PERMISSION_NAMES, type Permission } from '../../../core/auth/permissions.js';
import type { AgentStatus, ConversationStatus, GroupStrategy, MacroAction, MessageStatus, PhoneStatus } from '../../../core/db/schema.js';
import type { AgentInfo } from '../../../router/actions.js';
import type { ScheduledReplyView } from '../../../core/conversations/scheduled-replies.js';
import type { ConversationSnapshot, MessageView } from '../../../core/domain/events.js';
import { contentPartSchema, type ContentPart } from '../../../core/domain/messages.js';
import type { UserView } from '../views.js';
import type { TenantRef } from '../tenancy.js';

const at = z.string().describe('an instant, ISO 8601 (UTC)');

/** A permission of the catalog (core/auth/permissions.ts): what roles and API tokens hold. */
export const permissionSchema = z.enum(PERMISSION_NAMES as [Permission, ...Permission[]]).meta({ id: 'Permission' });

export const agentStatusSchema = z.enum(['online', 'busy', 'away', 'offline']).meta({ id: 'AgentStatus' });
export const conversationStatusSchema = z.enum(['open', 'queued', 'assigned', 'resolved']).meta({ id: 'ConversationStatus' });
export const messageStatusSchema = z.enum(['received', 'queued', 'sent', 'delivered', 'read', 'failed']).meta({ id: 'MessageStatus' });
export const conversationKindSchema = z.enum(['chat', 'email', 'voice']).meta({ id: 'ConversationKind' });
export const contentPartAnswer = contentPartSchema.meta({ id: 'ContentPart' });

/** A conversation as events carry it: enough to decide who may see it. */
export const conversationSnapshotSchema = z
  .object({
    id: z.string(),
    channelId: z.string(),
    contactId: z.string(),
    status: conversationStatusSchema,
    groupId: z.string().nullable(),
    assigneeId: z.string().nullable(),
    priority: z.number(),
  })
  .meta({ id: 'ConversationSnapshot' });

export const messageViewSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    direction: z.enum(['in', 'out']),
    senderType: z.enum(['contact', 'agent', 'system', 'bot']),
    senderId: z.string().nullable(),
    private: z.boolean(),
    parts: z.array(contentPartAnswer),
    status: messageStatusSchema,
    gatewayId: z.string().optional().describe('a customer’s message: the id the gateway answered when it accepted it'),
    error: z.string().optional().describe('a failed outbound message: why, as the provider or receiver answered'),
    errorCode: z.string().nullable().optional(),
    createdAt: at,
    about: z.literal('survey').optional().describe('what the platform sent on its own: the satisfaction survey'),
  })
  .meta({ id: 'MessageView' });

/** A conversation as the list and the conversation pane show it. */
export const conversationViewSchema = z
  .object({
    id: z.string(),
    status: conversationStatusSchema,
    kind: conversationKindSchema,
    channel: z.object({ id: z.string(), type: z.string(), name: z.string() }),
    contact: z.object({ id: z.string(), name: z.string().nullable() }),
    groupId: z.string().nullable(),
    assigneeId: z.string().nullable(),
    priority: z.number(),
    subject: z.string().nullable(),
    createdAt: at,
    lastMessageAt: at.nullable(),
    lastMessage: z
      .object({
        direction: z.enum(['in', 'out']),
        senderType: z.string(),
        parts: z.array(contentPartAnswer),
        createdAt: at,
        about: z.literal('survey').optional(),
      })
      .nullable()
      .describe('the last message anyone but a note wrote, its parts cut down for the list line'),
    waitingSince: at.nullable().describe('since when the customer waits for an answer (their first message after the last reply)'),
  })
  .meta({ id: 'ConversationView' });

export const conversationPageSchema = z
  .object({ conversations: z.array(conversationViewSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'ConversationPage' });

export const conversationDetailSchema = z
  .object({
    conversation: conversationViewSchema,
    messages: z.array(messageViewSchema),
    olderBefore: z.string().nullable().describe('pass as `before` to read older messages; null when there are none'),
  })
  .meta({ id: 'ConversationDetail' });

/** What a change to a conversation answers: the conversation as it is now. */
export const conversationChangedSchema = z.object({ conversation: conversationSnapshotSchema });

export const userViewSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    roleId: z.string(),
    groupIds: z.array(z.string()),
    accountStatus: z.enum(['invited', 'active', 'deactivated']),
    agentStatus: agentStatusSchema,
    capacity: z.object({ chat: z.number().optional(), email: z.number().optional(), voice: z.number().optional() }).describe('how many of each kind at once'),
    twoFactor: z.boolean().describe('whether the user signs in with a second step (TOTP)'),
    createdAt: at,
  })
  .meta({ id: 'UserView' });

export const tenantRefSchema = z.object({ id: z.string(), slug: z.string(), name: z.string() }).meta({ id: 'TenantRef' });

export const twoFactorStateSchema = z
  .object({ enabled: z.boolean(), required: z.boolean().describe('the company requires it of every password sign-in'), recoveryCodesLeft: z.number() })
  .meta({ id: 'TwoFactorState' });

export const companyAddressSchema = z
  .object({ url: z.string(), setBy: z.enum(['operator', 'company', 'default']), recorded: z.string().nullable() })
  .meta({ id: 'CompanyAddress' });

export const roleViewSchema = z
  .object({ id: z.string(), name: z.string(), builtin: z.boolean(), permissions: z.array(permissionSchema) })
  .meta({ id: 'RoleView' });

/** GET /session: the signed-in user, what they may do, and the token to send on changes. */
export const sessionSchema = z
  .object({
    user: userViewSchema,
    csrfToken: z.string(),
    tenant: tenantRefSchema,
    permissions: z.array(permissionSchema),
    via: z.enum(['session', 'token']),
    twoFactor: twoFactorStateSchema,
    address: companyAddressSchema,
  })
  .meta({ id: 'Session' });

export const cannedResponseSchema = z.object({ id: z.string(), shortcut: z.string(), title: z.string(), body: z.string() }).meta({ id: 'CannedResponse' });

/** A reply waiting to be sent later. */
export const scheduledMessageSchema = z
  .object({ id: z.string(), text: z.string(), sendAt: at, agentId: z.string(), scheduledAt: at })
  .meta({ id: 'ScheduledMessage' });

/** One step of a macro. */
export const macroActionSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('reply'), text: z.string() }),
    z.object({ type: z.literal('note'), text: z.string() }),
    z.object({ type: z.literal('add_tag'), tag: z.string() }),
    z.object({ type: z.literal('assign_agent'), agentId: z.string() }),
    z.object({ type: z.literal('assign_group'), groupId: z.string() }),
    z.object({ type: z.literal('resolve') }),
    z.object({ type: z.literal('set_priority'), priority: z.number() }),
  ])
  .meta({ id: 'MacroAction' });

export const macroSchema = z.object({ id: z.string(), name: z.string(), actions: z.array(macroActionSchema) }).meta({ id: 'Macro' });

export const groupStrategySchema = z.enum(['round_robin', 'least_busy', 'skill_weighted', 'sticky', 'manual']).meta({ id: 'GroupStrategy' });

/** An agent group: how it queues and assigns, and who is in it. */
export const groupViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    strategy: groupStrategySchema,
    calendarId: z.string().nullable().describe('the business hours the group keeps; null when it is always open'),
    overflowGroupId: z.string().nullable(),
    overflowAfterSeconds: z.number().nullable(),
    maxQueueLength: z.number().nullable(),
    queueFullReply: z.string().nullable(),
    noAnswerSeconds: z.number().nullable(),
    noAnswerSetAway: z.boolean(),
    stickyDays: z.number(),
    autoResolveAfterSeconds: z.number().nullable(),
    memberIds: z.array(z.string()),
  })
  .meta({ id: 'GroupView' });

export const phoneStatusSchema = z.enum(['offline', 'ip_phone', 'web_phone', 'mobile']).meta({ id: 'PhoneStatus' });

/** An agent's availability after a change of status or capacity. */
export const agentInfoSchema = z
  .object({
    id: z.string(),
    status: agentStatusSchema,
    phoneStatus: phoneStatusSchema,
    capacity: z.object({ chat: z.number().optional(), email: z.number().optional(), voice: z.number().optional() }),
  })
  .meta({ id: 'AgentInfo' });

// The schemas describe exactly what the server builds (a compile error names the one that drifted).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <_ extends true>() => undefined;
same<Same<z.infer<typeof agentStatusSchema>, AgentStatus>>();
same<Same<z.infer<typeof conversationStatusSchema>, ConversationStatus>>();
same<Same<z.infer<typeof messageStatusSchema>, MessageStatus>>();
same<Same<z.infer<typeof contentPartAnswer>, ContentPart>>();
same<Same<z.infer<typeof conversationSnapshotSchema>, ConversationSnapshot>>();
same<Same<z.infer<typeof messageViewSchema>, MessageView>>();
same<Same<z.infer<typeof userViewSchema>, UserView>>();
same<Same<z.infer<typeof tenantRefSchema>, TenantRef>>();
same<Same<z.infer<typeof scheduledMessageSchema>, ScheduledReplyView>>();
same<Same<z.infer<typeof macroActionSchema>, MacroAction>>();
same<Same<z.infer<typeof groupStrategySchema>, GroupStrategy>>();
same<Same<z.infer<typeof phoneStatusSchema>, PhoneStatus>>();
same<Same<z.infer<typeof agentInfoSchema>, AgentInfo>>();

/** `c.json` of an answer its schema describes: the compiler checks the value against the description. */
export const answer = <S extends z.ZodType>(c: HonoContext, _schema: S, value: z.infer<S>, status?: ContentfulStatusCode): Response =>
  c.json(value as never, status);
