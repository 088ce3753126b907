import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { scaled } from './timing';

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 20_000;

/**
 * The SDK's default configuration chain (AWS_REGION, AWS_ENDPOINT_URL_PERSONALIZE, credentials).
 * The SDK's standard retry strategy retries throttling (LimitExceededException, ThrottlingException),
 * 5xx and timeouts, up to `maxAttempts` attempts per call; only its backoff is ours: 0.5 s doubling
 * up to 20 s with jitter, like the SDK's own for throttling, and time-scaled in tests like every wait.
 */
export function createPersonalizeClient(maxAttempts: number): PersonalizeClient {
  return new PersonalizeClient({
    retryStrategy: new ConfiguredRetryStrategy(maxAttempts, backoff),
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 10_000 },
  });
}

/** `attempt` is the attempt about to be made: 2 for the first retry. */
function backoff(attempt: number): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 2));
  return scaled(ceiling / 2 + (Math.random() * ceiling) / 2);
}
