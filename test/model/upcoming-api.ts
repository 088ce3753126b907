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
 *   provider.untilTimedOutHandlersReturn()             feature-detected: without it, nothing to wait for
 *   the driver's duplicateDeliveryAfterMs option       interceptRequests() below, on the public
 *                                                      ProviderFramework.send of the stack (works with
 *                                                      both drivers; the option covers Create and
 *                                                      Update only, this also a stack delete's Delete)
 *   (no driver API yet) one StackId for several        pinStackIdentity() below
 *   resources, a policy change during a stack's life   setRemovalPolicy() below
 *
 * The emulator's new methods came in one commit: the presence of advanceClock() says that
 * createdAgoMs is understood too (and that a foreign tracker without it is 30 days old).
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { ModelClock } from './clock';
import type { CloudFormationStack, CloudFormationStackOptions, ResourceIdentity, SendResult } from '../driver';
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

/** Waits for handler runs that outlived their Lambda timeout (they go on in-process and may still call Personalize). */
export async function untilTimedOutHandlersReturn(stack: CloudFormationStack): Promise<void> {
  const provider = stack.provider as typeof stack.provider & Partial<{ untilTimedOutHandlersReturn(boundMs?: number): Promise<boolean> }>;
  if (typeof provider.untilTimedOutHandlersReturn === 'function') await provider.untilTimedOutHandlersReturn();
}

export type Send = (request: CloudFormationCustomResourceEvent) => Promise<SendResult>;
/** Decides how CloudFormation's `index`-th request of an operation reaches the Provider framework. */
export type RequestInterceptor = (request: CloudFormationCustomResourceEvent, index: number, send: Send) => Promise<SendResult>;

/**
 * Routes every request the stack sends through `interceptor` until the returned function is called.
 * CloudFormationStack sends each request with `this.provider.send(request)`; this wraps that method
 * on the stack's own ProviderFramework instance.
 */
export function interceptRequests(stack: CloudFormationStack, interceptor: RequestInterceptor): () => void {
  const provider = stack.provider;
  const original: Send = provider.send.bind(provider);
  let index = 0;
  provider.send = (request) => interceptor(request, index++, original);
  return () => {
    provider.send = original;
  };
}

/**
 * Lambda delivers the asynchronous invocation of the framework twice, the second `gapMs` after the
 * first: CloudFormation acts on whichever response reaches it first. The other delivery goes on in
 * the background; `background` collects it so the history can wait for it before checking anything.
 * After the merge: the driver's helper for overlapping duplicate deliveries.
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

/**
 * Makes `stack` use `identity` (one StackId shared by the stack's trackers, each with its own
 * LogicalResourceId) for its next create and every request after. The driver holds one resource per
 * stack and draws a fresh StackId in create(); this replaces its private newIdentity() on the instance.
 */
export function pinStackIdentity(stack: CloudFormationStack, identity: Omit<ResourceIdentity, 'serviceToken'>): void {
  const pinned: ResourceIdentity = { ...identity, serviceToken: stack.provider.serviceToken };
  Object.defineProperty(stack, 'newIdentity', { value: () => pinned, configurable: true });
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
