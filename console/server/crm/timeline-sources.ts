import type { Principal } from '../../../core/auth/permissions.js';
import type { Db } from '../../../core/db/database.js';
import type { TimelineItem } from './timeline.js';

/** Timeline entries from other parts of the product (tickets, once they exist). */
export async function extraTimelineSources(_db: Db, _principal: Principal, _contactId: string, _limit: number): Promise<TimelineItem[]> {
  return [];
}
