import sanitizeHtml from 'sanitize-html';

/** Where an article's images are answered, relative to the help center of its company. */
export const IMAGE_PATH = /^images\/[0-9a-f-]{36}$/;

/**
 * An article body as it may be stored and shown: the HTML an editor writes (headings, lists,
 * links, tables, code, images) with everything that could run or restyle the page removed.
 * Images may only be the knowledge base's own (`images/<id>`, relative to the help center), so a
 * page never loads from a third party and tracks its readers. Links open outside the page.
 */
export function sanitizeBody(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'del', 'ins', 'sub', 'sup', 'u', 's'],
    allowedAttributes: { a: ['href', 'title', 'rel'], img: ['src', 'alt', 'title', 'width', 'height'], td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan'] },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesAppliedToAttributes: ['href'],
    allowProtocolRelative: false,
    exclusiveFilter: (frame) => frame.tag === 'img' && !IMAGE_PATH.test(frame.attribs.src ?? ''),
    transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }) },
  });
}

/** The words of a body without markup, for search and for snippets. */
export function plainText(html: string): string {
  return sanitizeHtml(html.replace(/<\/(p|div|h[1-6]|li|tr|br)>|<br\s*\/?>/gi, '$& '), { allowedTags: [], allowedAttributes: {} })
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A stored body made ready for a page: sanitized once more (a body written before a rule was
 * tightened is held to today's) and its images pointed at `imageBase` + id.
 */
export function renderBody(body: string, imageBase: string): string {
  return sanitizeBody(body).replace(/(<img\b[^>]*?\bsrc=")images\/([0-9a-f-]{36})"/g, (_, head: string, id: string) => `${head}${imageBase}${id}"`);
}
