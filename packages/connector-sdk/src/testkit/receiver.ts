import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface ReceivedRequest {
  /** The status it was answered with. */
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
  json: unknown;
}

/** A local HTTP endpoint that records what it gets, for connectors that deliver by webhook. */
export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Requests it answered with 2xx. */
  accepted(): ReceivedRequest[];
  /** Answers the next requests with these statuses, in order; then 200 again. */
  failNext(...statuses: number[]): void;
  close(): Promise<void>;
}

export async function webhookReceiver(): Promise<WebhookReceiver> {
  const queue: number[] = [];
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = queue.shift() ?? 200;
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      requests.push({ status, headers: req.headers, body, json });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}/webhook`,
    requests,
    accepted: () => requests.filter((r) => r.status < 300),
    failNext: (...statuses) => queue.push(...statuses),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
