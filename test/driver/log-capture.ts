import { AsyncLocalStorage } from 'async_hooks';
import { format } from 'util';
import { preciseNow } from '../helpers/precise-clock';

/** One thing a handler wrote: a console.* call or a raw process.stdout/stderr write. */
export interface LogLine {
  readonly at: number;
  /** console method name, or 'stdout' / 'stderr' for raw writes. */
  readonly source: ConsoleMethod | 'stdout' | 'stderr';
  readonly text: string;
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
type ConsoleMethod = typeof CONSOLE_METHODS[number];

type Write = typeof process.stdout.write;
const ROUTE = Symbol.for('test-driver.log-capture.route');

// Invocations are told apart with AsyncLocalStorage rather than by swapping globals per call,
// so that independent stacks driven concurrently (Promise.all) do not steal each other's lines.
// console is patched only while a capture is open (jest's console reports the caller's location).
const storage = new AsyncLocalStorage<LogCapture>();
let openCaptures = 0;
let restoreConsole: (() => void) | undefined;

/** Captures what code run through `run()` writes, until `close()`. */
export class LogCapture {
  static active(): LogCapture | undefined {
    return storage.getStore();
  }

  static consoleCall(method: ConsoleMethod, original: (...args: unknown[]) => void, args: unknown[]): void {
    const capture = LogCapture.active();
    if (!capture || capture.insideConsole) return original(...args);
    if (!capture.record(method, format(...args))) return;
    // The real console may write to process.stdout itself: that line is already recorded.
    capture.insideConsole = true;
    try {
      original(...args);
    } finally {
      capture.insideConsole = false;
    }
  }

  static streamWrite(source: 'stdout' | 'stderr', original: Write, args: Parameters<Write>): boolean {
    const capture = LogCapture.active();
    if (!capture || capture.insideConsole) return original(...args);
    const [chunk] = args;
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (!capture.record(source, text.replace(/\n$/, ''))) {
      const callback = args.find((a): a is () => void => typeof a === 'function');
      callback?.();
      return true;
    }
    return original(...args);
  }

  readonly lines: LogLine[] = [];
  private open = true;
  private insideConsole = false;

  /** @param echo also let the output through to the real console / streams */
  constructor(private readonly echo: boolean) {
    if (openCaptures++ === 0) restoreConsole = install();
  }

  run<T>(fn: () => T): T {
    return storage.run(this, fn);
  }

  /** Stops capturing: later output of code still running (a handler past its timeout) is not recorded. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    if (--openCaptures === 0) restoreConsole?.();
  }

  /** @returns whether the output should also reach the original sink */
  record(source: LogLine['source'], text: string): boolean {
    if (this.open) this.lines.push({ at: preciseNow(), source, text });
    return this.echo;
  }
}

function install(): () => void {
  const originals = CONSOLE_METHODS.map((method) => [method, console[method]] as const);
  for (const [method, original] of originals) {
    console[method] = (...args: unknown[]) => LogCapture.consoleCall(method, original.bind(console), args);
  }
  // process.stdout/stderr outlive a jest test file (console does not): wrap them once per process and
  // route to the newest copy of this module.
  for (const source of ['stdout', 'stderr'] as const) {
    const stream = process[source] as NodeJS.WriteStream & { [ROUTE]?: typeof LogCapture.streamWrite };
    if (!stream[ROUTE]) {
      const original = stream.write.bind(stream) as Write;
      stream.write = ((...args: Parameters<Write>) => stream[ROUTE]!(source, original, args)) as Write;
    }
    stream[ROUTE] = LogCapture.streamWrite;
  }
  return () => originals.forEach(([method, original]) => { console[method] = original; });
}
