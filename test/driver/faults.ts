/** The calls of the local endpoints that a test can make fail. */
export type FaultTarget =
  /** lambda:Invoke of a user function: it runs, but its answer is lost (connection reset). */
  | 'Invoke'
  /** states:StartExecution: answered with an error (ThrottlingException unless told otherwise) and not started. */
  | 'StartExecution'
  /** The PUT to the ResponseURL: answered 503, and CloudFormation does not see it. */
  | 'ResponsePut';

export interface InjectedFault {
  readonly target: FaultTarget;
  /** 1-based, counted from when the fault was injected. */
  readonly call: number;
  readonly error?: string;
}

/** Per provider: which of its calls fail. */
export class Faults {
  public readonly injected: InjectedFault[] = [];
  private readonly plans = new Map<FaultTarget, { calls: Set<number>; seen: number; error?: string }>();

  /** The `calls`-th calls (1-based, counted from now) to `target` fail. */
  public inject(target: FaultTarget, calls: readonly number[], error?: string): void {
    this.plans.set(target, { calls: new Set(calls), seen: 0, error });
  }

  /** Counts one call to `target`; returns the fault if this one fails. */
  public next(target: FaultTarget): InjectedFault | undefined {
    const plan = this.plans.get(target);
    if (!plan) return undefined;
    plan.seen++;
    if (!plan.calls.has(plan.seen)) return undefined;
    const fault = { target, call: plan.seen, error: plan.error };
    this.injected.push(fault);
    return fault;
  }
}
