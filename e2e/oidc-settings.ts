/** Where the SSO specs' OIDC provider (e2e/oidc-idp.ts) listens, and Vigil's client registration with it. */
export const oidcPort = Number(process.env.E2E_OIDC_PORT ?? 3190);
export const oidcIssuer = `http://127.0.0.1:${oidcPort}`;
export const oidcClientId = 'vigil-e2e';
export const oidcClientSecret = 'vigil-e2e-client-secret-0123456789abcdef';
