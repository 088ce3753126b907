import * as http from 'http';
import { AddressInfo } from 'net';
import { ServiceError } from './service-error';
import { JsonObject } from './validation';

/** A decoded request: the operation (from x-amz-target, or the REST route) and its JSON body. */
export interface IncomingCall {
  readonly operation: string;
  readonly input: JsonObject;
}

export type CallHandler = (call: IncomingCall) => Promise<JsonObject>;

const JSON_TARGET_PREFIX = 'AmazonPersonalize.';
// The personalize-events data plane is REST-JSON; the only route served is PutEvents.
const REST_ROUTES: Record<string, string> = { 'POST /events': 'PutEvents' };

type Wire = 'json-1.1' | 'rest-json';

let requestCounter = 0;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, headers: http.OutgoingHttpHeaders, body: string): void {
  const requestId = `00000000-0000-4000-8000-${(++requestCounter).toString(16).padStart(12, '0')}`;
  res.writeHead(status, { ...headers, 'x-amzn-requestid': requestId, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * AWS JSON 1.1 puts the error code in the body's `__type`; REST-JSON puts it in the
 * `x-amzn-errortype` header. The SDK reads `message` from the body in both cases.
 */
function sendError(res: http.ServerResponse, wire: Wire, error: ServiceError): void {
  if (wire === 'json-1.1') {
    send(res, error.httpStatus, { 'content-type': 'application/x-amz-json-1.1' },
      JSON.stringify({ __type: error.name, message: error.message }));
  } else {
    send(res, error.httpStatus, { 'content-type': 'application/json', 'x-amzn-errortype': error.name },
      JSON.stringify({ message: error.message }));
  }
}

function route(req: http.IncomingMessage): { wire: Wire; operation?: string } {
  const restOperation = REST_ROUTES[`${req.method} ${(req.url ?? '').split('?')[0]}`];
  if (restOperation) return { wire: 'rest-json', operation: restOperation };
  const target = req.headers['x-amz-target'];
  if (req.method !== 'POST' || typeof target !== 'string') return { wire: req.url === '/' ? 'json-1.1' : 'rest-json' };
  return { wire: 'json-1.1', operation: target.startsWith(JSON_TARGET_PREFIX) ? target.slice(JSON_TARGET_PREFIX.length) : target };
}

async function respond(req: http.IncomingMessage, res: http.ServerResponse, handler: CallHandler): Promise<void> {
  const body = await readBody(req);
  const { wire, operation } = route(req);
  if (operation === undefined) {
    sendError(res, wire, new ServiceError('UnknownOperationException', `No operation for ${req.method} ${req.url}`, wire === 'json-1.1' ? 400 : 404));
    return;
  }
  let input: unknown;
  try {
    input = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    input = undefined;
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    sendError(res, wire, new ServiceError('SerializationException', 'The request body is not a JSON object'));
    return;
  }
  try {
    const output = await handler({ operation, input: input as JsonObject });
    if (wire === 'json-1.1') {
      send(res, 200, { 'content-type': 'application/x-amz-json-1.1' }, JSON.stringify(output));
    } else {
      // PutEvents has no output members: an empty 200.
      send(res, 200, {}, '');
    }
  } catch (error) {
    sendError(res, wire, error instanceof ServiceError ? error : new ServiceError('InternalServerError', String(error), 500));
  }
}

/** Serves `handler` over HTTP on 127.0.0.1 and a random free port. */
export async function listenLocally(handler: CallHandler): Promise<{ server: http.Server; endpoint: string }> {
  const server = http.createServer((req, res) => {
    respond(req, res, handler).catch(() => {
      if (!res.headersSent) send(res, 500, { 'content-type': 'application/json' }, '{"message":"emulator failure"}');
    });
  });
  // Node's default closes idle keep-alive sockets after 5 s; a client reusing one just then sees its
  // request reset, and may retry a call that was served. Real endpoints keep them far longer.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { server, endpoint: `http://127.0.0.1:${port}` };
}

/** Closes the server, dropping the SDK's idle keep-alive connections instead of waiting for them. */
export async function closeServer(server: http.Server): Promise<void> {
  const closed = new Promise<void>((resolve, reject) => server.close(error => (error ? reject(error) : resolve())));
  server.closeAllConnections();
  await closed;
}
