/**
 * One structured JSON line per step. Never pass the whole event: it carries the
 * pre-signed ResponseURL, which must not reach the logs.
 */
export interface LogFields {
  readonly requestType: string;
  readonly step: string;
  readonly eventTrackerArn?: string;
  readonly status?: string;
  readonly [key: string]: string | number | boolean | undefined;
}

export function logStep(fields: LogFields): void {
  console.log(JSON.stringify({ level: 'info', ...fields }));
}

export function logWarning(fields: LogFields): void {
  console.warn(JSON.stringify({ level: 'warn', ...fields }));
}
