import type { ApiClient } from './client.js';
import type { Answer, Schemas } from './schema.js';

export type ArticleLocale = 'zh' | 'en';
export type ArticleState = 'draft' | 'published';

export type ArticleSummary = Schemas['ArticleSummary'];

export type Article = Schemas['Article'];

export type ArticleVersion = Schemas['ArticleVersion'];

export interface ArticleInput {
  locale: ArticleLocale;
  title: string;
  body: string;
  category: string;
  state: ArticleState;
  related: string[];
}

/** The knowledge base: articles, their versions, images. */
export function knowledgeApi(client: ApiClient) {
  const one = (id: string) => `/knowledge/articles/${encodeURIComponent(id)}`;
  return {
    list: (filter: { q?: string; state?: ArticleState; locale?: ArticleLocale; category?: string } = {}) =>
      client.get<Answer<'/api/knowledge/articles', 'get'>>('/knowledge/articles', filter),
    get: (id: string) => client.get<Article>(one(id)),
    create: (body: ArticleInput) => client.post<Article>('/knowledge/articles', body),
    update: (id: string, body: Partial<ArticleInput> & { version?: number }) => client.patch<Article>(one(id), body),
    remove: (id: string) => client.delete<unknown>(one(id)),
    versions: (id: string) => client.get<Answer<'/api/knowledge/articles/{id}/versions', 'get'>>(`${one(id)}/versions`),
    restore: (id: string, version: number) => client.post<Article>(`${one(id)}/versions/${version}/restore`),
    uploadImage: (file: Blob, name: string) => client.post<Answer<'/api/knowledge/images', 'post'>>(`/knowledge/images?name=${encodeURIComponent(name)}`, file),
  };
}

export type KnowledgeApi = ReturnType<typeof knowledgeApi>;
