declare module 'oauth-sign' {
  /** HMAC-SHA1 OAuth 1.0a signature (base64) of a request's method, base URI and parameters. */
  export function hmacsign(httpMethod: string, baseUri: string, params: Record<string, string>, consumerSecret: string, tokenSecret?: string): string;
  const oauthSign: { hmacsign: typeof hmacsign };
  export default oauthSign;
}
