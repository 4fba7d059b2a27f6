import { createContext, useContext, type ReactNode } from 'react';
import { authApi, type AuthApi } from '../api/auth.js';
import { ApiClient } from '../api/client.js';
import { contactsApi, type ContactsApi } from '../api/contacts.js';
import { conversationsApi, type ConversationsApi } from '../api/conversations.js';
import type { TenantLocation } from '../api/tenant.js';

export interface Api {
  client: ApiClient;
  auth: AuthApi;
  conversations: ConversationsApi;
  contacts: ContactsApi;
  tenant: TenantLocation;
}

const ApiContext = createContext<Api | null>(null);

export function createApi(tenant: TenantLocation): Api {
  const client = new ApiClient({ basePath: tenant.basePath, tenantSlug: tenant.slug });
  return { client, auth: authApi(client), conversations: conversationsApi(client), contacts: contactsApi(client), tenant };
}

export function ApiProvider({ api, children }: { api: Api; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}
