import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';

export function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : undefined;
}

export function isNotFound(error: unknown): boolean {
  return errorName(error) === 'ResourceNotFoundException';
}

export function isInUse(error: unknown): boolean {
  return errorName(error) === 'ResourceInUseException';
}

export function isAlreadyExists(error: unknown): boolean {
  return errorName(error) === 'ResourceAlreadyExistsException';
}

/**
 * Throttling, 5xx and network trouble that outlived the SDK's own retries, and a call the handler
 * aborted at its own deadline: each only means "not known yet".
 */
export function isTransient(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) {
    return false;
  }
  const sdkError = error as Parameters<typeof isTransientError>[0];
  return isThrottlingError(sdkError) || isTransientError(sdkError) || isServerError(sdkError)
    || errorName(error) === 'TimeoutError' || errorName(error) === 'AbortError';
}
