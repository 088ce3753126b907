import type { OperationName } from './operations';
import { hashString, mulberry32 } from './prng';
import { ServiceError } from './service-error';

/**
 * The errors a fault can produce: a throttle (400) or a server fault (500 / 503), which the AWS SDK
 * retries, or a refusal it does not retry (403), as a call made before a new role's policy has
 * reached every endpoint of IAM gets.
 */
export type InjectedErrorName = 'LimitExceededException' | 'InternalServerError' | 'ServiceUnavailable' | 'AccessDeniedException';

/** One value for every operation, or a value per operation with `'*'` as the fallback. */
export type PerOperation<T> = T | Partial<Record<OperationName | '*', T>>;

/** "The next `count` calls of `operation` fail with `error`." */
export interface BurstFault {
  readonly operation: OperationName | '*';
  readonly count: number;
  /** Default `ServiceUnavailable` (HTTP 503). */
  readonly error?: InjectedErrorName;
  /** The call takes effect and only its response is an error (a lost response): tests idempotent retries. */
  readonly afterApply?: boolean;
}

export interface FaultConfig {
  /** Probability in [0, 1] that a call is throttled with LimitExceededException. */
  readonly throttleRate?: PerOperation<number>;
  /** Probability in [0, 1] that a call fails with a 5xx (InternalServerError 500 or ServiceUnavailable 503, 50/50). */
  readonly serverErrorRate?: PerOperation<number>;
  /** Latency added to each call, in ms. */
  readonly latencyMs?: PerOperation<number>;
  /** Consumed in order; a matching burst wins over the random rates. */
  readonly bursts?: readonly BurstFault[];
}

export interface FaultDecision {
  readonly latencyMs: number;
  readonly error?: ServiceError;
  readonly afterApply: boolean;
}

export function injectedError(name: InjectedErrorName): ServiceError {
  switch (name) {
    case 'LimitExceededException': return new ServiceError(name, 'Rate exceeded', 400);
    case 'InternalServerError': return new ServiceError(name, 'An internal error occurred (injected)', 500);
    case 'ServiceUnavailable': return new ServiceError(name, 'Service is unavailable (injected)', 503);
    case 'AccessDeniedException': return new ServiceError(name, 'User is not authorized to perform this action (injected)', 403);
  }
}

function forOperation<T>(value: PerOperation<T> | undefined, operation: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'object' || value === null) return value as T;
  const table = value as Partial<Record<string, T>>;
  return table[operation] ?? table['*'] ?? fallback;
}

/**
 * Decides, per call, whether it is delayed or fails. Each operation draws from its own PRNG stream
 * (derived from the seed and the operation name), and every call draws the same amount whatever the
 * configuration, so a given seed yields the same outcomes per operation regardless of other traffic.
 */
export class FaultInjector {
  private config: FaultConfig = {};
  private bursts: Array<BurstFault & { remaining: number }> = [];
  private readonly streams = new Map<string, () => number>();

  constructor(private readonly seed: number) {}

  /** Replaces the whole fault configuration (bursts start over). */
  set(config: FaultConfig): void {
    for (const key of ['throttleRate', 'serverErrorRate'] as const) {
      const value = config[key];
      const rates = typeof value === 'number' ? [value] : Object.values(value ?? {});
      if (rates.some(rate => rate === undefined || rate < 0 || rate > 1)) throw new Error(`${key} must be within [0, 1]`);
    }
    this.config = config;
    this.bursts = (config.bursts ?? []).map(burst => ({ ...burst, remaining: burst.count }));
  }

  decide(operation: string): FaultDecision {
    const random = this.stream(operation);
    const draw = random();
    const serverErrorKind = random();
    const latencyMs = forOperation(this.config.latencyMs, operation, 0);

    const burst = this.bursts.find(b => b.remaining > 0 && (b.operation === operation || b.operation === '*'));
    if (burst) {
      burst.remaining--;
      return { latencyMs, error: injectedError(burst.error ?? 'ServiceUnavailable'), afterApply: burst.afterApply ?? false };
    }
    const throttleRate = forOperation(this.config.throttleRate, operation, 0);
    const serverErrorRate = forOperation(this.config.serverErrorRate, operation, 0);
    if (draw < throttleRate) return { latencyMs, error: injectedError('LimitExceededException'), afterApply: false };
    if (draw < throttleRate + serverErrorRate) {
      return { latencyMs, error: injectedError(serverErrorKind < 0.5 ? 'InternalServerError' : 'ServiceUnavailable'), afterApply: false };
    }
    return { latencyMs, afterApply: false };
  }

  private stream(operation: string): () => number {
    let stream = this.streams.get(operation);
    if (!stream) {
      stream = mulberry32(hashString(operation, this.seed));
      this.streams.set(operation, stream);
    }
    return stream;
  }
}
