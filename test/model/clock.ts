import { preciseNow } from '../helpers/precise-clock';

/**
 * The emulator's clock for one history (EmulatorOptions.clock). It is real time, except that it can
 * stand still (a tracker being created then stays CREATE PENDING, so the Provider's total timeout
 * passes).
 * Standing still never rewinds: when time starts again the clock jumps to real time, and every
 * status computes from there.
 */
export class ModelClock {
  private frozenAt?: number;

  public readonly now = (): number => this.frozenAt ?? preciseNow();

  public get frozen(): boolean {
    return this.frozenAt !== undefined;
  }

  public freeze(): void {
    this.frozenAt ??= this.now();
  }

  public unfreeze(): void {
    this.frozenAt = undefined;
  }
}
