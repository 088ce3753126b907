import { AsyncLocalStorage } from 'async_hooks';

/**
 * Each Lambda function has its own environment (the framework's USER_ON_EVENT_FUNCTION_ARN and
 * WAITER_STATE_MACHINE_ARN, _X_AMZN_TRACE_ID per invocation, ...), but in-process every function reads
 * the one process.env, and several stacks run at once. So process.env is replaced, once, by a view
 * that answers from the environment of the invocation the current code runs for (AsyncLocalStorage
 * follows it across awaits and timers) and falls back to the real one. Outside an invocation it is
 * the real process.env, unchanged.
 */
const storage = new AsyncLocalStorage<InvocationScope>();
const VIEW = Symbol.for('test-driver.invocation-environment');

/** What code running for one Lambda invocation can find out about it. */
export interface InvocationScope {
  readonly environment: Record<string, string>;
  /** The driver's record of the invocation (who is running). */
  readonly invocation: unknown;
}

export function currentInvocation(): InvocationScope | undefined {
  return storage.getStore();
}

/** Runs `fn` as part of an invocation with that environment. */
export function runInInvocation<T>(scope: InvocationScope, fn: () => T): T {
  installEnvironmentView();
  return storage.run(scope, fn);
}

// Idempotent: a test may have put a plain object back into process.env (e.g. restoring a saved copy).
function installEnvironmentView(): void {
  const real = process.env as NodeJS.ProcessEnv & { [VIEW]?: boolean };
  if (real[VIEW]) return;
  const own = (key: string | symbol) => {
    const env = storage.getStore()?.environment;
    return env !== undefined && typeof key === 'string' && Object.prototype.hasOwnProperty.call(env, key) ? env : undefined;
  };
  process.env = new Proxy(real, {
    get: (target, key) => (key === VIEW ? true : (own(key) ?? target)[key as string]),
    has: (target, key) => own(key) !== undefined || key in target,
    set: (target, key, value) => Reflect.set(own(key) ?? target, key, String(value)),
    deleteProperty: (target, key) => Reflect.deleteProperty(own(key) ?? target, key),
    ownKeys: (target) => [...new Set([...Reflect.ownKeys(target), ...Object.keys(storage.getStore()?.environment ?? {})])],
    getOwnPropertyDescriptor: (target, key) => {
      const env = own(key);
      if (!env) return Reflect.getOwnPropertyDescriptor(target, key);
      return { value: env[key as string], writable: true, enumerable: true, configurable: true };
    },
  });
}
