import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';

/**
 * The TypeScript types of an OpenAPI document, as openapi-typescript writes them (`paths`,
 * `components`, `operations`). This package exists apart so that openapi-typescript gets the
 * TypeScript 5 compiler API it is built on, while the repository type-checks with TypeScript 7.
 */
export async function typesOfOpenApi(document: object): Promise<string> {
  const ast = await openapiTS(document as Parameters<typeof openapiTS>[0], { silent: true, alphabetize: false });
  return COMMENT_HEADER + astToString(ast);
}
