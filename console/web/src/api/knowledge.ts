import type { ApiClient } from './client.js';

export type ArticleLocale = 'zh' | 'en';
export type ArticleState = 'draft' | 'published';

export interface ArticleSummary {
  id: string;
  locale: ArticleLocale;
  title: string;
  category: string;
  state: ArticleState;
  updatedAt: string;
  /** Where customers read it; null while a draft. */
  url: string | null;
  score?: number;
  snippet?: string;
}

export interface Article extends ArticleSummary {
  body: string;
  version: number;
  related: { id: string; title: string; state: ArticleState }[];
  createdAt: string;
  publishedAt: string | null;
}

export interface ArticleVersion {
  version: number;
  locale: ArticleLocale;
  title: string;
  body: string;
  category: string;
  state: ArticleState;
  savedByName: string | null;
  savedAt: string;
}

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
      client.get<{ articles: ArticleSummary[]; categories: { name: string; articles: number }[]; helpCenter: string }>('/knowledge/articles', filter),
    get: (id: string) => client.get<Article>(one(id)),
    create: (body: ArticleInput) => client.post<Article>('/knowledge/articles', body),
    update: (id: string, body: Partial<ArticleInput> & { version?: number }) => client.patch<Article>(one(id), body),
    remove: (id: string) => client.delete<unknown>(one(id)),
    versions: (id: string) => client.get<{ versions: ArticleVersion[] }>(`${one(id)}/versions`),
    restore: (id: string, version: number) => client.post<Article>(`${one(id)}/versions/${version}/restore`),
    uploadImage: (file: Blob, name: string) =>
      client.post<{ id: string; name: string; src: string }>(`/knowledge/images?name=${encodeURIComponent(name)}`, file),
  };
}

export type KnowledgeApi = ReturnType<typeof knowledgeApi>;
