import { describe, expect, it } from 'vitest';
import { permissionLabel } from './permissions.js';

// That every permission of the catalog has words in both languages is checked by the compiler:
// the labels are a Record over the API's Permission type (generated from the OpenAPI document).
describe('permission labels', () => {
  it('name a permission in both languages', () => {
    expect(permissionLabel('tickets.view', 'en', '')).toBe('See tickets');
    expect(permissionLabel('tickets.view', 'zh', '')).toBe('查看工单');
  });
  it('fall back to the server’s description for a permission this version does not know', () => {
    expect(permissionLabel('reports.export', 'zh', 'export reports')).toBe('export reports');
  });
});
