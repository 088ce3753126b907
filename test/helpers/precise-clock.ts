import { performance } from 'perf_hooks';

/**
 * Wall-clock time in ms with sub-millisecond resolution, monotonic within the process. The driver's
 * timeline and the emulator's call log both read it, so a call answered before a request was sent
 * is always earlier than the request: with Date.now() both often fall in the same millisecond.
 */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
