import { createHmac } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

/** A key of its own for survey links, derived from the installation's secret. */
const surveyKey = (secret: Buffer) => createHmac('sha256', secret).update('switchboard csat survey links').digest();

const AUDIENCE = 'switchboard:csat';

/** A signed link token naming the company and conversation a survey is about; good for 30 days. */
export async function surveyToken(secret: Buffer, tenantId: string, conversationId: string): Promise<string> {
  return new SignJWT({ t: tenantId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(conversationId)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('30d')
    .sign(surveyKey(secret));
}

/** The company and conversation of a token, or undefined when it is forged, altered or expired. */
export async function readSurveyToken(secret: Buffer, token: string): Promise<{ tenantId: string; conversationId: string } | undefined> {
  try {
    const { payload } = await jwtVerify(token, surveyKey(secret), { audience: AUDIENCE, algorithms: ['HS256'] });
    if (typeof payload.t !== 'string' || typeof payload.sub !== 'string') return undefined;
    return { tenantId: payload.t, conversationId: payload.sub };
  } catch {
    return undefined;
  }
}
