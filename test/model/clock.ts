import { preciseNow } from '../helpers/precise-clock';

/**
 * The emulator's clock for one history (EmulatorOptions.clock). It is real time, except that it can
 * stand still (a tracker being created then stays CREATE PENDING, so the Provider's total timeout
 * passes) and be turned back for an instant (a foreign tracker created "long ago").
 * Standing still never rewinds: when time starts again the clock jumps to real time, and every
 * status computes from there.
 */
export class ModelClock {
  private frozenAt?: number;
  private offset = 0;

  public readonly now = (): number => this.frozenAt ?? preciseNow() + this.offset;

  public get frozen(): boolean {
    return this.frozenAt !== undefined;
  }

  public freeze(): void {
    this.frozenAt ??= this.now();
  }

  public unfreeze(): void {
    this.frozenAt = undefined;
  }

  /** Runs `action` (synchronous) as if it happened `agoMs` ago. */
  public inThePast<T>(agoMs: number, action: () => T): T {
    const saved = { frozenAt: this.frozenAt, offset: this.offset };
    this.frozenAt = undefined;
    this.offset = -agoMs;
    try {
      return action();
    } finally {
      this.frozenAt = saved.frozenAt;
      this.offset = saved.offset;
    }
  }
}
