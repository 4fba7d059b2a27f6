import { describe, expect, it } from 'vitest';
import { tenantLocation } from './tenant.js';

describe('tenantLocation', () => {
  it('reads the company from the /t/<slug> path form', () => {
    expect(tenantLocation('/t/acme')).toEqual({ slug: 'acme', basePath: '/t/acme' });
    expect(tenantLocation('/t/acme-2/conversations/9')).toEqual({ slug: 'acme-2', basePath: '/t/acme-2' });
  });
  it('leaves the company to the host otherwise', () => {
    expect(tenantLocation('/')).toEqual({ slug: undefined, basePath: '' });
    expect(tenantLocation('/sign-in')).toEqual({ slug: undefined, basePath: '' });
    expect(tenantLocation('/tx/acme')).toEqual({ slug: undefined, basePath: '' });
    expect(tenantLocation('/t/ACME')).toEqual({ slug: undefined, basePath: '' });
  });
});
