import { describe, expect, it } from 'vitest';
import { PERMISSION_NAMES } from '../../../../core/auth/permissions.js';
import { permissionLabel } from './permissions.js';

describe('permission labels', () => {
  it('name every permission of the catalog in both languages', () => {
    const missing = PERMISSION_NAMES.filter((name) => permissionLabel(name, 'en', '') === '' || permissionLabel(name, 'zh', '') === '');
    expect(missing).toEqual([]);
  });
  it('fall back to the server’s description for a permission this version does not know', () => {
    expect(permissionLabel('reports.export', 'zh', 'export reports')).toBe('export reports');
  });
});
