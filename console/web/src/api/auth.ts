import type { ApiClient } from './client.js';
import type { Answer } from './schema.js';
import type { CompanyAddress, SignInAnswer, SignUpAnswer, TwoFactorEnrolment, TwoFactorState } from './types.js';

/** Accounts and sessions. */
export function authApi(client: ApiClient) {
  return {
    /**
     * Whether the address names a company, whether it signs in through its own site, and the
     * session if any: always 200, so a signed-out page logs no failed request.
     */
    sessionState: () => client.get<Answer<'/api/session/state', 'get'>>('/session/state'),
    /** Opens a session (the cookie); read it back with `session()`. */
    signIn: (body: { email: string; password: string }) => client.post<SignInAnswer>('/session', body),
    /** The second step: the challenge the password step answered and a code, or a recovery code. */
    signInWithCode: (body: { challenge: string; code?: string; recoveryCode?: string }) =>
      client.post<Answer<'/api/session/two-factor', 'post'>>('/session/two-factor', body),
    /** The company requires two-factor sign-in and the user has none: set it up during sign-in. */
    enrolAtSignIn: (body: { challenge: string }) => client.post<TwoFactorEnrolment>('/session/two-factor/enrolment', body),
    confirmEnrolmentAtSignIn: (body: { challenge: string; code: string }) =>
      client.post<Answer<'/api/session/two-factor/enrolment/confirm', 'post'>>('/session/two-factor/enrolment/confirm', body),
    twoFactor: () => client.get<TwoFactorState>('/me/two-factor'),
    startEnrolment: () => client.post<TwoFactorEnrolment>('/me/two-factor/enrolment', {}),
    confirmEnrolment: (body: { code: string }) => client.post<Answer<'/api/me/two-factor/enrolment/confirm', 'post'>>('/me/two-factor/enrolment/confirm', body),
    newRecoveryCodes: (body: { code: string }) => client.post<Answer<'/api/me/two-factor/recovery-codes', 'post'>>('/me/two-factor/recovery-codes', body),
    disableTwoFactor: (body: { code?: string; recoveryCode?: string }) =>
      client.post<Answer<'/api/me/two-factor/disable', 'post'>>('/me/two-factor/disable', body),
    signOut: () => client.delete<Answer<'/api/session', 'delete'>>('/session'),
    /** Whether a new company can be created on this installation (the SIGNUP setting). */
    signUpOpen: () => client.request<Answer<'/api/signup', 'get'>>('GET', '/signup', undefined, { tenantless: true }),
    signUp: (body: { companyName: string; slug: string; name: string; email: string; password: string; publicUrl?: string }) =>
      client.post<SignUpAnswer>('/signup', body, { tenantless: true }),
    /** Changes where the company's links point (invitations, resets, surveys, the web chat tag). */
    setCompanyAddress: (url: string) => client.put<CompanyAddress>('/company-address', { url }),
    activate: (body: { token: string; password: string }) => client.post<Answer<'/api/activation', 'post'>>('/activation', body),
    requestReset: (body: { email: string }) => client.post<Answer<'/api/password-reset', 'post'>>('/password-reset', body),
    /** Where the browser starts single sign-on; the server sends it on to the company's login page. */
    ssoStartUrl: (returnTo = '/') => `${client.url('/sso/start')}?return_to=${encodeURIComponent(returnTo)}`,
    confirmReset: (body: { token: string; password: string }) => client.post<Answer<'/api/password-reset/confirm', 'post'>>('/password-reset/confirm', body),
  };
}
export type AuthApi = ReturnType<typeof authApi>;
