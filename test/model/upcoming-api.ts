/**
 * ADAPTER POINTS: the emulator and driver APIs another branch is adding for issue 8, and what this
 * model uses until they are merged. Every use of test/emulator/ or test/driver/ beyond their
 * current public API goes through this file, so switching to the new API is a change here only.
 *
 *   new API (after the merge)                          used until then
 *   emulator.setReadAfterWriteLag(ms)                  feature-detected: without it the lag is not
 *                                                      injected and the figures say so
 *   emulator.createForeignTracker({ createdAgoMs })    the model's own clock (EmulatorOptions.clock)
 *                                                      turned back for the instant of the creation
 *   emulator.advanceClock(ms), toEmulatorTime(ms)      feature-detected: without them "time passes"
 *                                                      is a no-op and the figures say so
 *
 * The emulator's new methods came in one commit: the presence of advanceClock() says that
 * createdAgoMs is understood too (and that a foreign tracker without it is 30 days old).
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { ModelClock } from './clock';
import type { CloudFormationStackOptions, Send, SendResult } from '../driver';
import type { PersonalizeEmulator, Tag, TrackerSnapshot } from '../emulator/personalize-emulator';

type UpgradedEmulator = PersonalizeEmulator & Partial<{
  setReadAfterWriteLag(ms: number): void;
  advanceClock(ms: number): void;
  toEmulatorTime(baseMs: number): number;
}>;

function isUpgraded(emulator: PersonalizeEmulator): boolean {
  return typeof (emulator as UpgradedEmulator).advanceClock === 'function';
}

/** Whether this emulator can answer ResourceNotFoundException for a moment after a create. */
export function readAfterWriteLagAvailable(emulator: PersonalizeEmulator): boolean {
  return typeof (emulator as UpgradedEmulator).setReadAfterWriteLag === 'function';
}

/** Sets the lag if the emulator has it; returns whether it did. */
export function setReadAfterWriteLag(emulator: PersonalizeEmulator, lagMs: number): boolean {
  const upgraded = emulator as UpgradedEmulator;
  if (typeof upgraded.setReadAfterWriteLag !== 'function') return false;
  upgraded.setReadAfterWriteLag(lagMs);
  return true;
}

/** A tracker someone else created `createdAgoMs` ago (ACTIVE). */
export function createForeignTracker(
  emulator: PersonalizeEmulator,
  clock: ModelClock,
  spec: { name: string; datasetGroupArn: string; tags?: readonly Tag[]; createdAgoMs: number },
): TrackerSnapshot {
  if (isUpgraded(emulator)) return emulator.createForeignTracker(spec);
  const { createdAgoMs, ...rest } = spec;
  return clock.inThePast(createdAgoMs, () => emulator.createForeignTracker(rest));
}

/** Makes `ms` pass for the service (every tracker looks that much older); returns whether it could. */
export function advanceClock(emulator: PersonalizeEmulator, ms: number): boolean {
  const upgraded = emulator as UpgradedEmulator;
  if (typeof upgraded.advanceClock !== 'function') return false;
  upgraded.advanceClock(ms);
  return true;
}

/** A driver-timeline time (Date.now) on the emulator's clock, which call records and status histories use. */
export function emulatorTime(emulator: PersonalizeEmulator, baseMs: number): number {
  const upgraded = emulator as UpgradedEmulator;
  return typeof upgraded.toEmulatorTime === 'function' ? upgraded.toEmulatorTime(baseMs) : baseMs;
}

/**
 * Lambda delivers the asynchronous invocation of the framework twice, the second `gapMs` after the
 * first: CloudFormation acts on whichever response reaches it first. The other delivery goes on in
 * the background; `background` collects it so the history can wait for it before checking anything.
 * (The driver's duplicateDeliveryAfterMs does the same for an operation's own request; the model
 * picks the request by its index in the operation, through DeliveryInterceptor.)
 */
export function deliverTwiceOverlapping(
  send: Send,
  request: CloudFormationCustomResourceEvent,
  gapMs: number,
  background: Array<Promise<unknown>>,
): Promise<SendResult> {
  const first = send(request);
  const second = new Promise((resolve) => setTimeout(resolve, gapMs)).then(() => send(request));
  background.push(first.catch(() => undefined), second.catch(() => undefined));
  return Promise.race([first, second]);
}

/** The options object the stack was built with, kept so that its policies can change later. */
export type MutableStackOptions = { -readonly [K in keyof CloudFormationStackOptions]: CloudFormationStackOptions[K] };

/**
 * RemovalPolicy.RETAIN or DESTROY from now on. The construct keeps CloudFormation's own policies at
 * Delete whatever the removal policy (the handler applies it, from the RemovalPolicy property), so
 * every Delete reaches the handler.
 */
export function setRemovalPolicy(options: MutableStackOptions, _retain: boolean): void {
  options.deletionPolicy = 'Delete';
  options.updateReplacePolicy = 'Delete';
}
