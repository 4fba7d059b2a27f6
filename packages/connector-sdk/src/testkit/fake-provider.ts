import { serve, type ServerType } from '@hono/node-server';

/** Serves a fake provider (any fetch handler: a Hono app's `fetch`, say) on a free loopback port. */
export async function listen(app: { fetch: (request: Request) => Response | Promise<Response> }): Promise<{ url: string; close(): Promise<void> }> {
  let server: ServerType | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => resolve(info.port));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };
}

/** A file as a fake provider records it from a multipart upload. */
export interface UploadedFile {
  name: string;
  type: string;
  size: number;
  bytes: Buffer;
}

/** Form fields as plain values, files read into UploadedFile. */
export async function formFields(form: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(form)) {
    if (value instanceof File) {
      const bytes = Buffer.from(await value.arrayBuffer());
      out[key] = { name: value.name, type: value.type, size: bytes.length, bytes } satisfies UploadedFile;
    } else out[key] = value;
  }
  return out;
}
