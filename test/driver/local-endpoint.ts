import { createServer, IncomingHttpHeaders, Server } from 'http';
import { AddressInfo } from 'net';

/** One HTTP request to the local endpoint. */
export interface HttpCall {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** The answer; `drop` resets the connection instead (the caller sees a network error). */
export interface HttpAnswer {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  readonly drop?: boolean;
}

/** A service of the endpoint: answers the calls that are its own, undefined for the others. */
export type Route = (call: HttpCall) => Promise<HttpAnswer | undefined> | HttpAnswer | undefined;

const routes: Route[] = [];
let started: Promise<{ server: Server; url: string }> | undefined;

/**
 * The AWS services the Provider framework calls (Lambda, Step Functions), the CloudFormation API a
 * handler may call, and the ResponseURL, all on one HTTP server on 127.0.0.1, started on first use.
 * One per module registry: per process in a script, per test file under jest (each test file has
 * its own copy of this module).
 */
export function addRoute(route: Route): void {
  routes.push(route);
}

export async function localEndpoint(): Promise<string> {
  started ??= new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const call: HttpCall = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        void answer(call).then((a) => {
          if (a.drop) {
            req.socket.destroy();
            return;
          }
          res.writeHead(a.status ?? 200, a.headers).end(a.body);
        });
      });
    });
    // Neither the server nor its connections keep a script alive: the callers' own requests do.
    server.on('connection', (socket) => socket.unref());
    // Node's default of 5 s closes idle connections that the SDK's agents may be reusing at that very
    // moment (the request then fails with ECONNRESET and is retried): AWS endpoints keep them far longer.
    server.keepAliveTimeout = 120_000;
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.unref();
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    });
  });
  return (await started).url;
}

async function answer(call: HttpCall): Promise<HttpAnswer> {
  try {
    for (const route of routes) {
      const answered = await route(call);
      if (answered) return answered;
    }
    return { status: 404, body: `no local service answers ${call.method} ${call.path}` };
  } catch (error) {
    return { status: 500, headers: { 'x-amzn-errortype': 'ServiceException' }, body: JSON.stringify({ message: String(error) }) };
  }
}

async function stop(): Promise<void> {
  const running = started && await started;
  started = undefined;
  if (!running) return;
  running.server.closeAllConnections();
  await new Promise((resolve) => running.server.close(resolve));
}

// Under jest, each test file closes its own server (the worker process runs the next file).
const jestAfterAll = (globalThis as { afterAll?: (fn: () => Promise<void>) => void }).afterAll;
jestAfterAll?.(stop);
