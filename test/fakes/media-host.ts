import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A 2×2 red PNG. */
export const RED_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==', 'base64');

export interface MediaHost {
  port: number;
  /** Every request it was sent: path and headers (a browser's carry its user agent and Accept). */
  requests: { path: string; headers: IncomingHttpHeaders }[];
  /** Lets `/held.png` answer: until then it keeps every request waiting, like a stalled host. */
  release(): void;
  close(): Promise<void>;
}

/**
 * A customer's web server: where a customer's app or a provider keeps the images it links to.
 * `/photo.png` is a real image, `/held.png` answers it once released, `/page.png` is HTML posing
 * as an image, `/busy.png` answers 503, `/to-metadata` redirects to the cloud metadata address, anything else is 404.
 */
export async function startMediaHost(): Promise<MediaHost> {
  const requests: MediaHost['requests'] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    requests.push({ path, headers: request.headers });
    if (path === '/photo.png') response.writeHead(200, { 'content-type': 'image/png' }).end(RED_PNG);
    else if (path === '/held.png') void released.then(() => response.writeHead(200, { 'content-type': 'image/png' }).end(RED_PNG));
    else if (path === '/page.png') response.writeHead(200, { 'content-type': 'image/png' }).end('<html><script>alert(1)</script></html>');
    else if (path === '/busy.png') response.writeHead(503).end();
    else if (path === '/to-metadata') response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    release,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
