import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { LogicalId, STACK_NAME } from './declared';
import { handlerStackOptions } from '../contract/harness';
import { CloudFormationStack, DeliveryOptions, Send, SendResult, stackArn, StackEventEntry, StackStatus, TemplateProperties } from '../driver';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

/** How a stack operation ended, as CloudFormation reports it. */
export type StackOutcome =
  | 'created' | 'create-failed' | 'create-rollback-failed'
  | 'updated' | 'update-failed' | 'rolled-back' | 'rollback-failed'
  | 'deleted' | 'delete-failed';

export type GroupStatus = 'NOT_CREATED' | 'CREATE_COMPLETE' | 'ROLLBACK_COMPLETE' | 'ROLLBACK_FAILED' | 'UPDATE_COMPLETE'
| 'UPDATE_ROLLBACK_COMPLETE' | 'UPDATE_ROLLBACK_FAILED' | 'DELETE_COMPLETE' | 'DELETE_FAILED';

/** One tracker resource of the stack: a driver stack holding that one custom resource. */
export interface ResourceSlot {
  readonly logicalId: LogicalId;
  /** `<incarnation>/<logicalId>`: who created a tracker, in CloudFormation's records. */
  readonly owner: string;
  readonly driver: CloudFormationStack;
}

export interface NewResource {
  readonly logicalId: LogicalId;
  readonly properties: TemplateProperties;
  readonly hooks?: ResourceRequestHooks;
}

/**
 * How the `index`-th request of the resource in an operation (its own request, then the rollback's or
 * the cleanup's) reaches the Provider; `slot` is the resource, e.g. to deliver a request again later.
 */
export type ResourceInterceptor = (request: CloudFormationCustomResourceEvent, index: number, send: Send, slot: ResourceSlot) => Promise<SendResult>;

export interface ResourceRequestHooks {
  readonly intercept?: ResourceInterceptor;
  /** Another resource of the stack fails after this one succeeded. */
  readonly failStackAfter?: boolean;
  /** The driver's delivery options for the operation's own request: a duplicate delivery, stragglers not awaited. */
  readonly delivery?: DeliveryOptions;
}

/**
 * One CloudFormation stack with up to three tracker resources. The driver holds one custom resource
 * per CloudFormationStack, so each resource is a driver stack, all with the stack's StackId and
 * their own LogicalResourceId (what the ownership proof is made of). Stack operations visit the
 * resources one after the other and do what CloudFormation does around them: a failed create rolls
 * back the resources created before it, an update touches only the resource whose properties changed.
 * DescribeStacks answers the status of the stack as a whole (the driver stack at work says it).
 */
export class TrackerStack {
  public incarnation = 0;
  public stackId = '';
  public status: GroupStatus = 'NOT_CREATED';
  /** The resources CloudFormation holds now. */
  public readonly resources = new Map<LogicalId, ResourceSlot>();
  /** Every resource ever created, for the records (responses, skipped deletions). */
  public readonly everyResource: ResourceSlot[] = [];

  public async create(resources: readonly NewResource[]): Promise<StackOutcome> {
    this.incarnation++;
    this.stackId = stackArn(STACK_NAME, REGION, ACCOUNT);
    this.resources.clear();
    const created: ResourceSlot[] = [];
    for (const resource of resources) {
      const slot = this.newSlot(resource.logicalId);
      const result = await this.intercepted(slot, resource.hooks, () => slot.driver.create(resource.properties, resource.hooks?.delivery));
      if (result.status !== 'CREATE_COMPLETE') {
        if (result.status === 'ROLLBACK_FAILED') this.resources.set(slot.logicalId, slot);
        const rolledBack = await this.deleteAll(created, {}, 'ROLLBACK_IN_PROGRESS') && result.status === 'ROLLBACK_COMPLETE';
        return this.end(rolledBack ? 'ROLLBACK_COMPLETE' : 'ROLLBACK_FAILED', rolledBack ? 'create-failed' : 'create-rollback-failed');
      }
      created.push(slot);
      this.resources.set(slot.logicalId, slot);
    }
    if (resources.some((resource) => resource.hooks?.failStackAfter)) {
      const rolledBack = await this.deleteAll(created, {}, 'ROLLBACK_IN_PROGRESS');
      return this.end(rolledBack ? 'ROLLBACK_COMPLETE' : 'ROLLBACK_FAILED', rolledBack ? 'create-failed' : 'create-rollback-failed');
    }
    return this.end('CREATE_COMPLETE', 'created');
  }

  /** An update that changes one resource's properties (any of them at once). */
  public async update(logicalId: LogicalId, properties: TemplateProperties, hooks: ResourceRequestHooks = {}): Promise<StackOutcome> {
    const slot = this.resource(logicalId);
    const start = slot.driver.timeline.length;
    const options = { ...hooks.delivery, failStackAfter: hooks.failStackAfter };
    const result = await this.intercepted(slot, hooks, () => slot.driver.update(properties, options));
    switch (result.status) {
      case 'UPDATE_COMPLETE':
        return this.end('UPDATE_COMPLETE', 'updated');
      case 'UPDATE_ROLLBACK_COMPLETE':
        return this.end('UPDATE_ROLLBACK_COMPLETE', resourceFailed(slot, start) ? 'update-failed' : 'rolled-back');
      default:
        return this.end('UPDATE_ROLLBACK_FAILED', 'rollback-failed');
    }
  }

  /** An update that adds a resource to the template. */
  public async add(logicalId: LogicalId, properties: TemplateProperties, hooks: ResourceRequestHooks = {}): Promise<StackOutcome> {
    const slot = this.newSlot(logicalId);
    const result = await this.intercepted(slot, hooks, () => slot.driver.create(properties, { ...hooks.delivery, addedByUpdate: true }));
    if (result.status === 'CREATE_COMPLETE') {
      this.resources.set(logicalId, slot);
      if (!hooks.failStackAfter) return this.end('UPDATE_COMPLETE', 'updated');
      const rolledBack = await this.deleteAll([slot], {}, 'UPDATE_ROLLBACK_IN_PROGRESS');
      return this.end(rolledBack ? 'UPDATE_ROLLBACK_COMPLETE' : 'UPDATE_ROLLBACK_FAILED', rolledBack ? 'rolled-back' : 'rollback-failed');
    }
    if (result.status === 'ROLLBACK_COMPLETE') return this.end('UPDATE_ROLLBACK_COMPLETE', 'update-failed');
    this.resources.set(logicalId, slot);
    return this.end('UPDATE_ROLLBACK_FAILED', 'rollback-failed');
  }

  /** An update that removes a resource from the template: CloudFormation deletes it in the cleanup phase. */
  public async remove(logicalId: LogicalId, hooks: ResourceRequestHooks = {}): Promise<StackOutcome> {
    const deleted = await this.deleteAll([this.resource(logicalId)], { [logicalId]: hooks }, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    return this.end('UPDATE_COMPLETE', deleted ? 'updated' : 'delete-failed');
  }

  public async delete(hooks: Partial<Record<LogicalId, ResourceRequestHooks>> = {}): Promise<StackOutcome> {
    const deleted = await this.deleteAll([...this.resources.values()], hooks);
    return deleted ? this.end('DELETE_COMPLETE', 'deleted') : this.end('DELETE_FAILED', 'delete-failed');
  }

  public resource(logicalId: LogicalId): ResourceSlot {
    const slot = this.resources.get(logicalId);
    if (!slot) throw new Error(`the stack holds no resource ${logicalId}`);
    return slot;
  }

  /**
   * Deletes in reverse order of creation; a resource whose Delete failed stays in the stack.
   * `stackStatus`: the stack's status meanwhile (a rollback or a cleanup; a stack delete by default).
   */
  private async deleteAll(
    slots: readonly ResourceSlot[], hooks: Partial<Record<LogicalId, ResourceRequestHooks>> = {}, stackStatus?: StackStatus,
  ): Promise<boolean> {
    let allDeleted = true;
    for (const slot of [...slots].reverse()) {
      const status: StackStatus = slot.driver.status;
      if (status === 'NOT_CREATED' || status === 'DELETE_COMPLETE') continue;
      const own = hooks[slot.logicalId];
      const result = await this.intercepted(slot, own, () => slot.driver.delete({ ...own?.delivery, stackStatus }));
      if (result.status === 'DELETE_COMPLETE') {
        this.resources.delete(slot.logicalId);
      } else {
        allDeleted = false;
      }
    }
    return allDeleted;
  }

  private async intercepted<T>(slot: ResourceSlot, hooks: ResourceRequestHooks | undefined, run: () => Promise<T>): Promise<T> {
    const intercept = hooks?.intercept;
    slot.driver.interceptDeliveries(intercept && ((request, index, send) => intercept(request, index, send, slot)));
    try {
      return await run();
    } finally {
      slot.driver.interceptDeliveries(undefined);
    }
  }

  /**
   * The construct keeps CloudFormation's own DeletionPolicy and UpdateReplacePolicy at Delete whatever
   * the removal policy (the handler applies it, from the RemovalPolicy property), so every Delete
   * reaches the handler: the driver's defaults.
   */
  private newSlot(logicalId: LogicalId): ResourceSlot {
    const driver = new CloudFormationStack({
      ...handlerStackOptions(),
      logicalResourceId: logicalId,
      stackName: STACK_NAME,
      stackId: this.stackId,
      region: REGION,
      account: ACCOUNT,
    });
    const slot: ResourceSlot = { logicalId, owner: `${this.incarnation}/${logicalId}`, driver };
    this.everyResource.push(slot);
    return slot;
  }

  private end(status: GroupStatus, outcome: StackOutcome): StackOutcome {
    this.status = status;
    return outcome;
  }
}

/** Whether the resource's own Update failed in this operation (rather than another resource after it). */
function resourceFailed(slot: ResourceSlot, fromTimelineIndex: number): boolean {
  const event = slot.driver.timeline.slice(fromTimelineIndex).find((entry): entry is StackEventEntry =>
    entry.kind === 'stack-event' && entry.logicalResourceId === slot.logicalId && (entry.status === 'UPDATE_COMPLETE' || entry.status === 'UPDATE_FAILED'));
  return event?.status === 'UPDATE_FAILED';
}
