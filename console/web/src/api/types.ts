/** Shapes the console API answers with, as the app uses them. */
import type { AgentStatus } from './domain.js';

export interface UserView {
  id: string;
  email: string;
  name: string;
  roleId: string;
  groupIds: string[];
  accountStatus: 'invited' | 'active' | 'deactivated';
  agentStatus: AgentStatus;
  createdAt: string;
}

export interface TenantRef {
  id: string;
  slug: string;
  name: string;
}

/** GET /session: the signed-in user, what they may do, and the token to send on changes. */
export interface Session {
  user: UserView;
  tenant: TenantRef;
  permissions: string[];
  csrfToken: string;
  via: 'session' | 'token';
}

export interface SignUpAnswer {
  tenant: TenantRef;
  /** Where the company's people sign in from now on. */
  url: string;
  user: UserView;
  csrfToken: string;
}
