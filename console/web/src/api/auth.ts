import type { ApiClient } from './client.js';
import type { Session, SignUpAnswer, UserView } from './types.js';

/** Accounts and sessions. */
export function authApi(client: ApiClient) {
  return {
    session: () => client.get<Session>('/session'),
    /** Opens a session (the cookie); read it back with `session()`. */
    signIn: (body: { email: string; password: string }) => client.post<{ user: UserView; csrfToken: string }>('/session', body),
    signOut: () => client.delete<{ signedOut: true; logoutUrl: string | null }>('/session'),
    signUp: (body: { companyName: string; slug: string; name: string; email: string; password: string }) =>
      client.post<SignUpAnswer>('/signup', body, { tenantless: true }),
    activate: (body: { token: string; password: string }) => client.post<{ activated: true; user: UserView }>('/activation', body),
    requestReset: (body: { email: string }) => client.post<{ accepted: true }>('/password-reset', body),
    confirmReset: (body: { token: string; password: string }) => client.post<{ reset: true }>('/password-reset/confirm', body),
  };
}
export type AuthApi = ReturnType<typeof authApi>;
