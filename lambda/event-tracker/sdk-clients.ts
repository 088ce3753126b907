import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { scaled } from './timing';

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 20_000;

/** Anything that says how much time is left; the SDK's waits between retries never outlast it. */
export interface TimeLeft {
  remainingMs(): number;
}

/**
 * Options for the SDK clients, which otherwise take the default configuration chain (AWS_REGION,
 * AWS_ENDPOINT_URL_<SERVICE>, credentials). The SDK's standard retry strategy retries throttling,
 * 5xx and timeouts, up to `maxAttempts` attempts per call; only its backoff is ours: 0.5 s doubling
 * up to 20 s with jitter, time-scaled in tests like every wait, and cut short by the time left, so
 * that the call's abort signal ends it in time.
 */
export function clientOptions(maxAttempts: number, timeLeft: TimeLeft) {
  const backoff = (attempt: number): number => {
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 2));
    const wait = scaled(ceiling / 2 + (Math.random() * ceiling) / 2);
    return Math.max(0, Math.min(wait, timeLeft.remainingMs()));
  };
  return {
    retryStrategy: new ConfiguredRetryStrategy(maxAttempts, backoff),
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 10_000 },
  };
}
