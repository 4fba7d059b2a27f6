import type { Principal } from '../../../core/auth/permissions.js';
import type { Db } from '../../../core/db/database.js';
import type { SearchHit, SearchKind } from './search.js';

/** Search hits from other parts of the product (tickets, once they exist). */
export async function extraSearchSources(_db: Db, _principal: Principal, _q: string, _kinds: ReadonlySet<SearchKind>, _limit: number): Promise<SearchHit[]> {
  return [];
}
