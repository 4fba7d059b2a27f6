/** What routing rules look at for one inbound message. */
export interface RoutingFacts {
  channel: { id: string; type: string };
  contact: { attributes: Record<string, unknown>; tags: readonly string[] };
  /** The events the message carries (a menu click, a follow), with their data. */
  events?: readonly { name: string; data?: Record<string, unknown> }[];
  /** The message's text parts, joined. */
  text: string;
  /** BCP 47 tag from the message, or the contact's `language` attribute. */
  language: string | undefined;
  now: Date;
  /** Whether a calendar (or a group's calendar) is open now; undefined when there is none. */
  isOpen(ref: { calendarId?: string; groupId?: string }): boolean | undefined;
}
