import { createContext, useContext, type ReactNode } from 'react';
import { authApi, type AuthApi } from '../api/auth.js';
import { ApiClient } from '../api/client.js';
import type { TenantLocation } from '../api/tenant.js';

export interface Api {
  client: ApiClient;
  auth: AuthApi;
  tenant: TenantLocation;
}

const ApiContext = createContext<Api | null>(null);

export function createApi(tenant: TenantLocation): Api {
  const client = new ApiClient({ basePath: tenant.basePath, tenantSlug: tenant.slug });
  return { client, auth: authApi(client), tenant };
}

export function ApiProvider({ api, children }: { api: Api; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}
