import { randomBytes } from 'crypto';
import { isDeepStrictEqual } from 'util';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { buildRequest, RequestInput, ResourceIdentity, stackArn, stringifyProperties, TemplateProperties } from './cloudformation-request';
import { claimStack, DescribedStack } from './local-cloudformation';
import { LocalProvider, LocalProviderOptions, SendResult } from './local-provider';
import type { LogLine } from './log-capture';
import type { InvocationEntry, RequestEntry, ResponseEntry, StackEventEntry, TimelineEntry } from './timeline';
import { preciseNow } from '../helpers/precise-clock';

export type StackStatus =
  | 'NOT_CREATED'
  | 'CREATE_IN_PROGRESS' | 'CREATE_COMPLETE'
  | 'ROLLBACK_IN_PROGRESS' | 'ROLLBACK_COMPLETE' | 'ROLLBACK_FAILED'
  | 'UPDATE_IN_PROGRESS' | 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' | 'UPDATE_COMPLETE'
  | 'UPDATE_ROLLBACK_IN_PROGRESS' | 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS' | 'UPDATE_ROLLBACK_COMPLETE' | 'UPDATE_ROLLBACK_FAILED'
  | 'DELETE_IN_PROGRESS' | 'DELETE_COMPLETE' | 'DELETE_FAILED';

export type DeletionPolicy = 'Delete' | 'Retain' | 'RetainExceptOnCreate';
export type UpdateReplacePolicy = 'Delete' | 'Retain';

/** The stack's custom resource and its Provider come from a synthesized template (LocalProviderOptions). */
export interface CloudFormationStackOptions extends Omit<LocalProviderOptions, 'timeline'> {
  /** @default 'TestStack' */
  readonly stackName?: string;
  /** @default 'Resource' */
  readonly logicalResourceId?: string;
  /** @default the template's type of the custom resource */
  readonly resourceType?: string;
  /**
   * The stack's StackId, for every create. Several driver stacks (one resource each) can stand for
   * one CloudFormation stack this way. @default a new StackId per create
   */
  readonly stackId?: string;
  /** @default 'Delete' */
  readonly deletionPolicy?: DeletionPolicy;
  /** @default 'Delete' */
  readonly updateReplacePolicy?: UpdateReplacePolicy;
}

/** How the operation's own request (the Create or the Update, not the rollback or cleanup) reaches the provider. */
export interface DeliveryOptions {
  /**
   * Lambda delivers an asynchronous invocation at least once: deliver the request a second time this
   * many ms after the first, overlapping it. CloudFormation takes the first response that arrives for
   * the request and ignores the rest; the operation goes on from that response while the other
   * delivery may still run.
   */
  readonly duplicateDeliveryAfterMs?: number;
  /**
   * Whether the operation ends only once every delivery of its requests (and the waiter executions
   * they started) has ended. With false, they may still run during the next operation:
   * untilStragglersFinish() waits for them. @default true
   */
  readonly awaitStragglers?: boolean;
}

export interface DeleteOptions extends DeliveryOptions {
  /**
   * The stack's status while the Delete runs, when this resource is deleted by another operation of
   * a stack with several resources (ROLLBACK_IN_PROGRESS, UPDATE_ROLLBACK_IN_PROGRESS,
   * UPDATE_COMPLETE_CLEANUP_IN_PROGRESS): what DescribeStacks answers. @default 'DELETE_IN_PROGRESS'
   */
  readonly stackStatus?: StackStatus;
}

export interface CreateOptions extends DeliveryOptions {
  /** The resource is added to a live stack by an update: DescribeStacks says UPDATE_IN_PROGRESS (and UPDATE_ROLLBACK_IN_PROGRESS on its rollback). */
  readonly addedByUpdate?: boolean;
  /** Another resource of the stack fails after this one was created: CloudFormation deletes this one again. */
  readonly failStackAfter?: boolean;
}

export interface UpdateOptions extends DeliveryOptions {
  /** Another resource of the stack fails after this one updated: CloudFormation rolls this one back. */
  readonly failStackAfter?: boolean;
}

export interface OperationResult {
  /** The stack status at the end of the operation. */
  readonly status: StackStatus;
  /** Every stack status the operation went through. */
  readonly statuses: StackStatus[];
  /** One per request CloudFormation sent, each once however often it was delivered. */
  readonly requests: CloudFormationCustomResourceEvent[];
  /** Every response the framework sent, including ignored ones. */
  readonly responses: ResponseEntry[];
  /** Responses that arrived after CloudFormation had taken one for the same request (duplicate deliveries). */
  readonly ignoredResponses: ResponseEntry[];
}

/** What CloudFormation made of a request: the response it accepted, or the failure it recorded. */
interface Outcome {
  readonly ok: boolean;
  readonly reason: string;
  readonly physicalResourceId: string;
  readonly data: Record<string, any>;
}

const NO_RESPONSE = 'CloudFormation did not receive a response from your Custom Resource.';
const TOO_LONG = 'Response object is too long.';

/** Decides how the `index`-th request of the stack's operations reaches the Provider (e.g. delivered twice). */
export type DeliveryInterceptor = (request: CloudFormationCustomResourceEvent, index: number, send: Send) => Promise<unknown>;
export type Send = (request: CloudFormationCustomResourceEvent) => Promise<SendResult>;

/**
 * A CloudFormation stack holding one custom resource backed by the Provider framework, deployed
 * locally from a synthesized template. CloudFormation's side is played here: the requests it sends
 * (create, update, cleanup, rollback, delete), each as an asynchronous invocation of the ServiceToken,
 * and what it makes of the first response that reaches the request's ResponseURL within ServiceTimeout.
 */
export class CloudFormationStack {
  readonly provider: LocalProvider;
  readonly timeline: TimelineEntry[] = [];
  readonly stackName: string;
  readonly logicalResourceId: string;
  private identity: ResourceIdentity;
  private current: StackStatus = 'NOT_CREATED';
  private physicalId?: string;
  private data: Record<string, any> = {};
  private props?: TemplateProperties;
  private busy = false;
  /** Deliveries (and their waiter executions) that may still run after CloudFormation took a response. */
  private readonly stragglers: Array<Promise<unknown>> = [];
  private interceptor?: DeliveryInterceptor;
  private delivered = 0;
  private readonly described: DescribedStack;
  /** What DescribeStacks says during an operation that is part of a larger one. */
  private describedStatus?: (status: StackStatus) => StackStatus | undefined;
  /** The resource's own status, as DescribeStackResource answers (undefined until CloudFormation has a record of it). */
  private resourceStatus?: string;
  private describedResourceStatus?: string;

  constructor(private readonly options: CloudFormationStackOptions) {
    this.stackName = options.stackName ?? 'TestStack';
    this.provider = new LocalProvider({ ...options, stackName: this.stackName, timeline: this.timeline });
    this.logicalResourceId = options.logicalResourceId ?? 'Resource';
    this.identity = this.newIdentity();
    const stack = this;
    this.described = {
      get stackId() { return stack.stackId; },
      stackName: this.stackName,
      creationTime: new Date(),
      status: () => this.describedStatus?.(this.current) ?? this.current,
      resource: (logicalId) => {
        const status = this.describedResourceStatus ?? this.resourceStatus;
        if (logicalId !== this.logicalResourceId || status === undefined) return undefined;
        return { physicalResourceId: this.physicalId, status, type: this.options.resourceType ?? 'AWS::CloudFormation::CustomResource' };
      },
    };
  }

  get status(): StackStatus { return this.current; }
  get stackId(): string { return this.identity.stackId; }
  /** The physical id CloudFormation holds for the resource (undefined once deleted or rolled back). */
  get physicalResourceId(): string | undefined { return this.physicalId; }
  /** Data of the last accepted SUCCESS response: what Fn::GetAtt resolves against. */
  get attributes(): Record<string, any> { return this.data; }
  /** The template properties in effect (not stringified). */
  get properties(): TemplateProperties | undefined { return this.props; }

  /** Each request once, however often it was delivered. */
  get requests(): CloudFormationCustomResourceEvent[] { return firstDeliveries(this.entries<RequestEntry>('request')); }
  get responses(): ResponseEntry[] { return this.entries<ResponseEntry>('response'); }
  get invocations(): InvocationEntry[] { return this.entries<InvocationEntry>('invocation'); }
  get stackEvents(): StackEventEntry[] { return this.entries<StackEventEntry>('stack-event'); }
  get logs(): LogLine[] { return this.provider.logs; }
  responseUrlLeaks(): LogLine[] { return this.provider.responseUrlLeaks(); }

  /** Fn::GetAtt: fails like CloudFormation when the provider did not return the attribute. */
  getAtt(name: string): any {
    if (!(name in this.data)) {
      throw new Error(`CustomResource attribute error: Vendor response doesn't contain ${name} key in object ${this.stackId}|${this.logicalResourceId}`);
    }
    return this.data[name];
  }

  /** A request for this resource, to hand to send() (e.g. to deliver it twice). */
  buildRequest(requestType: 'Create' | 'Update' | 'Delete', input: RequestInput): CloudFormationCustomResourceEvent {
    return buildRequest(this.identity, requestType, input);
  }

  /**
   * Delivers one request to the ServiceToken, outside any stack operation (the stack state is
   * untouched), and resolves with the response that delivery led to. `stackStatus` and
   * `resourceStatus` are what DescribeStacks and DescribeStackResource answer meanwhile: the status
   * of the operation the request belongs to (a Create's own: CREATE_IN_PROGRESS).
   */
  async send(request: CloudFormationCustomResourceEvent, options: { stackStatus?: StackStatus; resourceStatus?: string } = {}): Promise<SendResult> {
    const { stackStatus, resourceStatus } = options;
    claimStack(this.described, this.logicalResourceId);
    this.describedStatus = stackStatus === undefined ? undefined : () => stackStatus;
    this.describedResourceStatus = resourceStatus;
    try {
      return await this.provider.send(request);
    } finally {
      this.describedStatus = undefined;
      this.describedResourceStatus = undefined;
    }
  }

  /**
   * Delivers `request` again `afterMs` from now, as Lambda's at-least-once delivery of an asynchronous
   * invocation may, long after the first: after it was answered, after its operation ended, during the
   * next one. CloudFormation ignores whatever it answers unless the request has no answer yet.
   * untilStragglersFinish() also waits for it.
   */
  redeliver(request: CloudFormationCustomResourceEvent, afterMs = 0): Promise<SendResult> {
    const delivery = new Promise((ok) => setTimeout(ok, afterMs)).then(() => this.provider.send(request));
    this.stragglers.push(delivery.catch(() => undefined));
    return delivery;
  }

  /** From now on, each request of the stack's operations reaches the Provider through `interceptor` (undefined: directly). */
  interceptDeliveries(interceptor: DeliveryInterceptor | undefined): void {
    this.interceptor = interceptor;
    this.delivered = 0;
  }

  /** Waits for every delivery and waiter execution still running, including those left by operations with awaitStragglers: false. */
  async untilStragglersFinish(): Promise<void> {
    while (this.stragglers.length > 0) await Promise.all(this.stragglers.splice(0));
  }

  async create(properties: TemplateProperties, options: CreateOptions = {}): Promise<OperationResult> {
    if (this.current !== 'NOT_CREATED' && this.current !== 'DELETE_COMPLETE') throw new Error(`cannot create: stack is ${this.current}`);
    this.identity = this.newIdentity();
    const asUpdate: Partial<Record<StackStatus, StackStatus>> = { CREATE_IN_PROGRESS: 'UPDATE_IN_PROGRESS', ROLLBACK_IN_PROGRESS: 'UPDATE_ROLLBACK_IN_PROGRESS' };
    this.describedStatus = options.addedByUpdate ? (status) => asUpdate[status] : undefined;
    return this.operation(options, async () => {
      this.stackEvent('CREATE_IN_PROGRESS');
      this.resourceEvent('CREATE_IN_PROGRESS');
      const created = await this.request('Create', { properties }, options);
      if (created.ok && !options.failStackAfter) {
        this.accepted(created, properties);
        this.resourceEvent('CREATE_COMPLETE');
        return this.stackEvent('CREATE_COMPLETE');
      }
      if (created.ok) {
        // Another resource of the stack failed to create: CloudFormation deletes this one again.
        this.resourceEvent('CREATE_COMPLETE', undefined, created.physicalResourceId);
        this.stackEvent('ROLLBACK_IN_PROGRESS', 'The following resource(s) failed to create: [AnotherResource]. Rollback requested by user.');
      } else {
        this.resourceEvent('CREATE_FAILED', created.reason, created.physicalResourceId);
        this.stackEvent('ROLLBACK_IN_PROGRESS', `The following resource(s) failed to create: [${this.logicalResourceId}]. Rollback requested by user.`);
      }
      if (this.options.deletionPolicy === 'Retain') {
        this.resourceEvent('DELETE_SKIPPED', undefined, created.physicalResourceId);
        return this.stackEvent('ROLLBACK_COMPLETE');
      }
      const deleted = await this.request('Delete', { properties, physicalResourceId: created.physicalResourceId });
      if (!deleted.ok) {
        this.physicalId = created.physicalResourceId;
        this.props = properties;
        this.resourceEvent('DELETE_FAILED', deleted.reason);
        return this.stackEvent('ROLLBACK_FAILED');
      }
      this.resourceEvent('DELETE_COMPLETE', undefined, created.physicalResourceId);
      return this.stackEvent('ROLLBACK_COMPLETE');
    });
  }

  async update(properties: TemplateProperties, options: UpdateOptions = {}): Promise<OperationResult> {
    if (!['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'].includes(this.current)) {
      throw new Error(`cannot update: stack is ${this.current}`);
    }
    return this.operation(options, async () => {
      const oldProperties = this.props!;
      const oldId = this.physicalId!;
      this.stackEvent('UPDATE_IN_PROGRESS');
      // CloudFormation leaves a resource whose properties did not change alone.
      if (isDeepStrictEqual(stringifyProperties(properties), stringifyProperties(oldProperties))) {
        if (options.failStackAfter) {
          this.stackEvent('UPDATE_ROLLBACK_IN_PROGRESS');
          return this.stackEvent('UPDATE_ROLLBACK_COMPLETE');
        }
        this.stackEvent('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
        return this.stackEvent('UPDATE_COMPLETE');
      }
      this.resourceEvent('UPDATE_IN_PROGRESS');
      const updated = await this.request('Update', { properties, oldProperties, physicalResourceId: oldId }, options);
      if (!updated.ok) {
        this.resourceEvent('UPDATE_FAILED', updated.reason);
        this.stackEvent('UPDATE_ROLLBACK_IN_PROGRESS', `The following resource(s) failed to update: [${this.logicalResourceId}].`);
        return this.rollbackUpdate(oldId, oldProperties, properties);
      }
      this.accepted(updated, properties);
      this.resourceEvent('UPDATE_COMPLETE');
      if (options.failStackAfter) {
        this.stackEvent('UPDATE_ROLLBACK_IN_PROGRESS', 'The following resource(s) failed to update: [AnotherResource].');
        return this.rollbackUpdate(updated.physicalResourceId, oldProperties, properties);
      }
      this.stackEvent('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
      if (updated.physicalResourceId !== oldId) await this.cleanupDelete(oldId, oldProperties);
      return this.stackEvent('UPDATE_COMPLETE');
    });
  }

  async delete(options: DeleteOptions = {}): Promise<OperationResult> {
    if (this.current === 'NOT_CREATED' || this.current === 'DELETE_COMPLETE') throw new Error(`cannot delete: stack is ${this.current}`);
    this.describedStatus = options.stackStatus ? () => options.stackStatus : undefined;
    return this.operation(options, async () => {
      this.stackEvent('DELETE_IN_PROGRESS');
      if (this.physicalId !== undefined) {
        if (this.options.deletionPolicy === 'Retain' || this.options.deletionPolicy === 'RetainExceptOnCreate') {
          this.resourceEvent('DELETE_SKIPPED');
        } else {
          this.resourceEvent('DELETE_IN_PROGRESS');
          const deleted = await this.request('Delete', { properties: this.props!, physicalResourceId: this.physicalId }, options);
          if (!deleted.ok) {
            this.resourceEvent('DELETE_FAILED', deleted.reason);
            return this.stackEvent('DELETE_FAILED');
          }
          this.resourceEvent('DELETE_COMPLETE');
        }
      }
      this.physicalId = undefined;
      this.data = {};
      return this.stackEvent('DELETE_COMPLETE');
    });
  }

  /** Rollback Update with the old properties to `targetId`; a new physical id from it replaces (deletes) `targetId`. */
  private async rollbackUpdate(targetId: string, oldProperties: TemplateProperties, failedProperties: TemplateProperties): Promise<StackStatus> {
    this.resourceEvent('UPDATE_IN_PROGRESS', undefined, targetId);
    const rolledBack = await this.request('Update', { properties: oldProperties, oldProperties: failedProperties, physicalResourceId: targetId });
    if (!rolledBack.ok) {
      this.resourceEvent('UPDATE_FAILED', rolledBack.reason, targetId);
      return this.stackEvent('UPDATE_ROLLBACK_FAILED');
    }
    this.accepted(rolledBack, oldProperties);
    this.resourceEvent('UPDATE_COMPLETE');
    this.stackEvent('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    if (rolledBack.physicalResourceId !== targetId) await this.cleanupDelete(targetId, failedProperties);
    return this.stackEvent('UPDATE_ROLLBACK_COMPLETE');
  }

  /** Deletes a replaced resource. A failure here is recorded but does not fail the stack. */
  private async cleanupDelete(physicalResourceId: string, properties: TemplateProperties): Promise<void> {
    if (this.options.updateReplacePolicy === 'Retain') {
      this.resourceEvent('DELETE_SKIPPED', undefined, physicalResourceId, true);
      return;
    }
    this.resourceEvent('DELETE_IN_PROGRESS', undefined, physicalResourceId, true);
    const deleted = await this.request('Delete', { properties, physicalResourceId });
    this.resourceEvent(deleted.ok ? 'DELETE_COMPLETE' : 'DELETE_FAILED', deleted.ok ? undefined : deleted.reason, physicalResourceId, true);
  }

  private async request(requestType: 'Create' | 'Update' | 'Delete', input: RequestInput, options: DeliveryOptions = {}): Promise<Outcome> {
    const request = this.buildRequest(requestType, input);
    this.provider.watch(request);
    const answered = this.provider.firstResponse(request.ResponseURL);
    const deliveries = [this.deliver(request)];
    const again = options.duplicateDeliveryAfterMs;
    if (again !== undefined) {
      deliveries.push(new Promise((ok) => setTimeout(ok, again)).then(() => this.provider.send(request)));
    }
    this.stragglers.push(Promise.all(deliveries.map((d) => d.catch(() => undefined)))
      .then(() => this.provider.untilExecutionCloses(request.RequestId)));
    // CloudFormation acts on the first response that reaches the request's URL, if one does within ServiceTimeout.
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<undefined>((ok) => { timer = setTimeout(() => ok(undefined), this.provider.serviceTimeoutMs); });
    const first = await Promise.race([answered, timedOut]);
    clearTimeout(timer);
    return this.accept(request, first);
  }

  private deliver(request: CloudFormationCustomResourceEvent): Promise<unknown> {
    if (!this.interceptor) return this.provider.send(request);
    return this.interceptor(request, this.delivered++, (r) => this.provider.send(r));
  }

  /** CloudFormation's side: a response only counts if it reaches the request's URL, matches it, and fits in 4096 bytes. */
  private accept(request: CloudFormationCustomResourceEvent, sent: ResponseEntry | undefined): Outcome {
    const r = sent?.response;
    const matches = sent !== undefined && r !== undefined && r.RequestId === request.RequestId
      && r.StackId === request.StackId && r.LogicalResourceId === request.LogicalResourceId;
    if (!matches || sent.tooLarge || !r) {
      // With no usable response CloudFormation has no physical id of the provider's: it makes one up.
      const physicalResourceId = 'PhysicalResourceId' in request ? request.PhysicalResourceId
        : `${this.stackName}-${this.logicalResourceId}-${randomBytes(6).toString('hex').toUpperCase()}`;
      const reason = matches ? TOO_LONG : `${NO_RESPONSE} Please check your logs for requestId [${request.RequestId}].`;
      return { ok: false, reason, physicalResourceId, data: {} };
    }
    return { ok: r.Status === 'SUCCESS', reason: r.Reason, physicalResourceId: r.PhysicalResourceId, data: r.Data ?? {} };
  }

  private accepted(outcome: Outcome, properties: TemplateProperties): void {
    this.physicalId = outcome.physicalResourceId;
    this.data = outcome.data;
    this.props = properties;
  }

  private async operation(options: DeliveryOptions, run: () => Promise<StackStatus>): Promise<OperationResult> {
    if (this.busy) throw new Error('another operation is in progress on this stack');
    this.busy = true;
    claimStack(this.described, this.logicalResourceId);
    const start = this.timeline.length;
    let status: StackStatus;
    try {
      status = await run();
    } finally {
      if (options.awaitStragglers ?? true) await this.untilStragglersFinish();
      this.busy = false;
      this.describedStatus = undefined;
    }
    const entries = this.timeline.slice(start);
    const responses = entries.filter((e): e is ResponseEntry => e.kind === 'response');
    return {
      status,
      statuses: entries.filter((e): e is StackEventEntry => e.kind === 'stack-event' && e.logicalResourceId === this.stackName)
        .map((e) => e.status as StackStatus),
      requests: firstDeliveries(entries.filter((e): e is RequestEntry => e.kind === 'request')),
      responses,
      ignoredResponses: responses.filter((r) => !r.accepted),
    };
  }

  private stackEvent(status: StackStatus, reason?: string): StackStatus {
    this.current = status;
    this.timeline.push({ kind: 'stack-event', at: preciseNow(), logicalResourceId: this.stackName, physicalResourceId: this.stackId, status, reason });
    return status;
  }

  /** `replaced`: the event is of a physical id the resource no longer holds (a cleanup Delete): its own status stays. */
  private resourceEvent(status: string, reason?: string, physicalResourceId = this.physicalId, replaced = false): void {
    if (!replaced) this.resourceStatus = status;
    this.timeline.push({ kind: 'stack-event', at: preciseNow(), logicalResourceId: this.logicalResourceId, physicalResourceId, status, reason });
  }

  private entries<T extends TimelineEntry>(kind: T['kind']): T[] {
    return this.timeline.filter((e): e is T => e.kind === kind);
  }

  private newIdentity(): ResourceIdentity {
    const region = this.options.region ?? 'us-east-1';
    const declared = this.provider.declaration.customResource;
    return {
      stackId: this.options.stackId ?? stackArn(this.stackName, region, this.options.account ?? '123456789012'),
      logicalResourceId: this.logicalResourceId,
      resourceType: this.options.resourceType ?? declared.type,
      serviceToken: this.provider.serviceToken,
      serviceTimeout: serviceTimeoutProperty(this.options.template.Resources[declared.logicalId].Properties?.ServiceTimeout),
      region,
    };
  }
}

function serviceTimeoutProperty(value: unknown): string | undefined {
  return value === undefined ? undefined : String(value);
}

function firstDeliveries(entries: RequestEntry[]): CloudFormationCustomResourceEvent[] {
  return entries.filter((e) => e.delivery === 1).map((e) => e.request);
}
