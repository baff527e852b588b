/**
 * A real OpenID Connect provider (panva's oidc-provider) for the SSO specs, started by playwright.config.ts beside
 * Vigil. Its login page stands in for a company IdP's: the spec types who signs in, which groups the IdP asserts,
 * whether the IdP did MFA (`amr`), and how long ago the IdP session's sign-in happened (`auth_time`).
 * Consent is implied for this one first-party client.
 */
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { oidcClientId, oidcClientSecret, oidcIssuer, oidcPort } from './oidc-settings';

/** What the IdP knows of each person, as the login form last set it. */
const people = new Map<string, { groups: string[] }>();

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Example IdP</title></head>
<body style="font-family: sans-serif; max-width: 28rem; margin: 3rem auto">${body}</body></html>`;
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) body += (chunk as Buffer).toString('utf8');
  return new URLSearchParams(body);
}

export function startIdp(vigilUrl: string): http.Server {
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const configuration: Configuration = {
    clients: [
      {
        client_id: oidcClientId,
        client_secret: oidcClientSecret,
        redirect_uris: [`${vigilUrl}/api/auth/callback/oidc`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        require_auth_time: true,
      },
    ],
    jwks: { keys: [{ ...signingKey, use: 'sig', kid: 'e2e' }] as never },
    cookies: { keys: ['e2e-idp-cookie-key-0123456789'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    // `amr` in every ID token, as Keycloak, Entra ID and Okta send it (oidc-provider's default asks for it).
    claims: {
      openid: ['sub', 'amr'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
    },
    // The scope-requested claims in the ID token itself (next-auth reads the ID token's claims).
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount(_ctx, sub) {
      return {
        accountId: sub,
        claims: () => ({
          sub,
          email: sub,
          email_verified: true,
          name: sub.split('@')[0],
          groups: people.get(sub)?.groups ?? [],
        }),
      };
    },
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { client, session, provider } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) {
        const found = await provider.Grant.find(grantId);
        if (found) return found;
      }
      const grant = new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(oidcIssuer, configuration);
  const callback = provider.callback();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', oidcIssuer);
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(url.pathname);
    if (!match) {
      void callback(req, res);
      return;
    }
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        if (req.method === 'POST' && match[2]) {
          const form = await readForm(req);
          const email = (form.get('email') ?? '').trim().toLowerCase();
          const groups = (form.get('groups') ?? '')
            .split(',')
            .map((g) => g.trim())
            .filter(Boolean);
          people.set(email, { groups });
          const minutesAgo = Number(form.get('minutesAgo') ?? '0') || 0;
          await provider.interactionFinished(
            req,
            res,
            {
              login: {
                accountId: email,
                amr: form.get('mfa') === 'on' ? ['pwd', 'mfa'] : ['pwd'],
                ts: Math.floor(Date.now() / 1000) - minutesAgo * 60,
              },
            },
            { mergeWithLastSubmission: false },
          );
          return;
        }
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
          page(`<h1>Example IdP</h1><p>Sign in to continue to Vigil (${escape(details.prompt.name)}).</p>
<form method="post" action="/interaction/${escape(details.uid)}/login">
  <p><label>Work e-mail <input name="email" type="email" required></label></p>
  <p><label>Groups <input name="groups" value=""></label></p>
  <p><label><input name="mfa" type="checkbox"> Signed in with MFA</label></p>
  <p><label>Signed in minutes ago <input name="minutesAgo" type="number" value="0"></label></p>
  <p><button type="submit">Continue</button></p>
</form>`),
        );
      } catch (error) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`IdP error: ${String(error)}`);
      }
    })();
  });
  return server.listen(oidcPort, '127.0.0.1');
}

// Run directly (playwright.config.ts's second web server): serve until stopped.
if (process.argv[1]?.endsWith('oidc-idp.ts')) {
  const vigilUrl = process.env.E2E_VIGIL_URL ?? 'http://localhost:3100';
  startIdp(vigilUrl).on('listening', () => console.log(`test IdP on ${oidcIssuer}`));
}
