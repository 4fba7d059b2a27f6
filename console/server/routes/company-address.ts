import { z } from 'zod';
import { originSchema } from '../../../core/tenancy/address.js';
import { route, type AnyRoute } from '../api/route.js';
import { audit } from '../audit.js';
import { assertHoldsWhatEveryoneHolds } from '../auth/grants.js';
import { companyAddressView } from '../tenancy.js';
import { answer, companyAddressSchema } from '../api/answers.js';

/** The company's address: where its invitation, reset and survey links and the web chat tag point. */
export function companyAddressRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/company-address',
      tag: 'account',
      summary: "The address the company's links are built from, and who set it (operator: PUBLIC_URL, company, default)",
      access: { signedIn: true },
      responds: companyAddressSchema,
      handler: async ({ c, ctx, tenant }) => answer(c, companyAddressSchema, await companyAddressView(ctx.database.db, ctx.config, tenant.id)),
    }),
    route({
      method: 'put',
      path: '/company-address',
      tag: 'account',
      summary: "Change the company's address; when the operator set PUBLIC_URL, that one stays in use",
      access: { permission: 'admin.channels' },
      body: z.object({ url: originSchema }),
      example: { url: 'https://support.example.com' },
      responds: companyAddressSchema,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const db = ctx.database.db;
        // Reset and invitation links carry tokens: whoever points them elsewhere could sign in as anyone.
        await assertHoldsWhatEveryoneHolds(db, auth.principal, 'the address receives every reset and invitation link');
        await db.transaction().execute(async (trx) => {
          await trx.updateTable('tenants').set({ public_url: body.url }).where('id', '=', tenant.id).execute();
          await audit(trx, auth, 'company.address_updated', { type: 'tenant', id: tenant.id }, { url: body.url });
        });
        return answer(c, companyAddressSchema, await companyAddressView(db, ctx.config, tenant.id));
      },
    }),
  ];
}
