import { PersonalizeClient } from '@aws-sdk/client-personalize';

/**
 * The SDK's default configuration chain (AWS_REGION, AWS_ENDPOINT_URL_PERSONALIZE, credentials).
 * Its standard retry strategy retries throttling (LimitExceededException, ThrottlingException)
 * and 5xx with backoff; more attempts than the default 3 so a throttled account still converges.
 */
export function createPersonalizeClient(): PersonalizeClient {
  return new PersonalizeClient({
    maxAttempts: 8,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 20_000 },
  });
}
