import { join } from 'path';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { fixtureStack, FixtureProviderProps } from './fixtures/provider';
import { CloudFormationStack, CloudFormationStackOptions, CREATE_FAILED_PHYSICAL_ID_MARKER } from './index';

// CloudFormation's side of the lifecycle: which requests it sends, and what it makes of the answers.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const recorded = (name: string): Array<{ handler: string; event: any }> => require(join(__dirname, 'fixtures', `${name}.js`)).events;

/** A stack over the fixture's Provider: isComplete every 10 ms, at most 5 times more (1 s and 5 s, 100 times faster). */
function stackFor(name: string, options: Partial<CloudFormationStackOptions> = {}, props: Partial<FixtureProviderProps> = {}) {
  return fixtureStack({ fixture: name, ...props }, options);
}

/** [RequestType, PhysicalResourceId, ResourceProperties.Name] of each request. */
const summary = (requests: CloudFormationCustomResourceEvent[]) =>
  requests.map((r) => [r.RequestType, 'PhysicalResourceId' in r ? r.PhysicalResourceId : undefined, r.ResourceProperties.Name]);

const resourceStatuses = (stack: CloudFormationStack) =>
  stack.stackEvents.filter((e) => e.logicalResourceId === stack.logicalResourceId).map((e) => e.status);

describe('create', () => {
  test('delivers the properties as strings and holds the physical id and attributes', async () => {
    const stack = stackFor('completes-after-polls');
    const result = await stack.create({
      Name: 'str',
      Count: 3,
      Enabled: true,
      Ratio: 0.5,
      Missing: undefined,
      Nothing: null,
      Nested: { List: [1, false, { Deep: 2 }], Text: 'kept' },
    });

    expect(result.status).toBe('CREATE_COMPLETE');
    expect(result.statuses).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE']);
    const [request] = result.requests;
    expect(request.ResourceProperties).toEqual({
      ServiceToken: stack.provider.serviceToken,
      Name: 'str',
      Count: '3',
      Enabled: 'true',
      Ratio: '0.5',
      Nested: { List: ['1', 'false', { Deep: '2' }], Text: 'kept' },
    });
    expect(request).toMatchObject({ RequestType: 'Create', ServiceToken: stack.provider.serviceToken, StackId: stack.stackId, ResourceType: 'Custom::Fixture' });
    expect(stack.invocations[0].event.ResourceProperties.Count).toBe('3');
    expect(stack.physicalResourceId).toBe('thing-str');
    expect(stack.attributes).toEqual({ Arn: 'arn:aws:thing:::str', Overridden: 'by isComplete', Polls: 1 });
    expect(stack.getAtt('Arn')).toBe('arn:aws:thing:::str');
  });

  test('fails the stack after a successful create: the rollback deletes the created id', async () => {
    const stack = stackFor('completes-after-polls');
    const result = await stack.create({ Name: 'later-fails' }, { failStackAfter: true });

    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(result.statuses).toEqual(['CREATE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_COMPLETE']);
    expect(summary(result.requests)).toEqual([['Create', undefined, 'later-fails'], ['Delete', 'thing-later-fails', 'later-fails']]);
    expect(resourceStatuses(stack)).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE', 'DELETE_COMPLETE']);
    expect(stack.physicalResourceId).toBeUndefined();
  });

  test('fails Fn::GetAtt on an attribute the provider did not return', async () => {
    const stack = stackFor('completes-after-polls');
    await stack.create({ Name: 'getatt' });
    expect(() => stack.getAtt('Nope')).toThrow(/Vendor response doesn't contain Nope key/);
  });

  test('records requests, invocations (user and framework functions), StartExecution, responses and stack events', async () => {
    const stack = stackFor('completes-after-polls');
    await stack.create({ Name: 'order', Polls: 2 });
    const kinds = stack.timeline.map((e) => (e.kind === 'invocation' || e.kind === 'framework' ? `${e.kind}:${e.handler}` : e.kind));
    // Entries of invocations are recorded when they end (with the time they began).
    expect(kinds).toEqual([
      'stack-event', 'stack-event', 'request', 'invocation:onEvent', 'start-execution', 'framework:onEvent',
      'invocation:isComplete', 'framework:isComplete', 'invocation:isComplete', 'response', 'stack-event', 'stack-event', 'framework:isComplete',
    ]);
    const sorted = stack.timeline.filter((e) => e.kind !== 'framework' && e.kind !== 'invocation').map((e) => e.at);
    expect(sorted).toEqual([...sorted].sort((a, b) => a - b));
  });

  test('fails a Create in onEvent, then sends the rollback Delete for the marker, which never reaches the handler', async () => {
    const stack = stackFor('throws');
    const result = await stack.create({ Name: 'bad', ThrowIn: 'onEvent' });

    expect(result.statuses).toEqual(['CREATE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_COMPLETE']);
    expect(summary(result.requests)).toEqual([['Create', undefined, 'bad'], ['Delete', CREATE_FAILED_PHYSICAL_ID_MARKER, 'bad']]);
    expect(result.responses.map((r) => r.response.Status)).toEqual(['FAILED', 'SUCCESS']);
    expect(stack.invocations.map((i) => i.event.RequestType)).toEqual(['Create']);
    const failed = stack.stackEvents.find((e) => e.status === 'CREATE_FAILED')!;
    expect(failed.reason).toMatch(/^onEvent exploded on Create/);
    expect(stack.physicalResourceId).toBeUndefined();
  });

  test('fails a Create in isComplete, then the rollback Delete reaches the handler with the real physical id', async () => {
    const stack = stackFor('throws');
    const result = await stack.create({ Name: 'late', ThrowIn: 'isComplete', ThrowOn: 'Create' });

    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(summary(result.requests)).toEqual([['Create', undefined, 'late'], ['Delete', 'thrower-late', 'late']]);
    expect(recorded('throws').filter((e) => e.event.RequestId === result.requests[1].RequestId).map((e) => e.handler))
      .toEqual(['onEvent', 'isComplete']);
  });

  test('fails a Create that times out, and its rollback Delete (same properties) times out too', async () => {
    const stack = stackFor('completes-after-polls');
    const result = await stack.create({ Name: 'never', Polls: 'never' });
    expect(stack.stackEvents.find((e) => e.status === 'CREATE_FAILED')!.reason).toBe('Operation timed out');
    expect(summary(result.requests)[1]).toEqual(['Delete', 'thing-never', 'never']);
    expect(result.status).toBe('ROLLBACK_FAILED');
    expect(stack.physicalResourceId).toBe('thing-never');
  });

  test('fails a Create whose response is over 4096 bytes', async () => {
    const stack = stackFor('logs-event');
    const result = await stack.create({ DataBytes: 5_000 });
    expect(result.responses[0]).toMatchObject({ tooLarge: true, response: { Status: 'SUCCESS' } });
    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(stack.stackEvents.find((e) => e.status === 'CREATE_FAILED')!.reason).toBe('Response object is too long.');
    expect(result.requests[1].RequestType).toBe('Delete');
  });

  test('fails a Create whose response does not carry the RequestId (onEvent overrode it)', async () => {
    const stack = stackFor('misbehaves');
    const result = await stack.create({ Mode: 'OverrideRequestId' });
    expect(result.responses[0].response.RequestId).toBe('not-the-request-id');
    expect(stack.stackEvents.find((e) => e.status === 'CREATE_FAILED')!.reason)
      .toMatch(/^CloudFormation did not receive a response from your Custom Resource/);
    // CloudFormation invents a physical id for the rollback Delete, which this handler then mishandles too.
    expect(result.requests[1]).toMatchObject({ RequestType: 'Delete', PhysicalResourceId: expect.stringMatching(/^TestStack-Resource-[0-9A-F]{12}$/) });
    // The framework named the waiter execution after the RequestId onEvent returned.
    expect(stack.timeline.find((e) => e.kind === 'start-execution')).toMatchObject({ requestId: 'not-the-request-id' });
    expect(result.status).toBe('ROLLBACK_FAILED');
  });

  test('fails a Create and retains the resource on rollback with DeletionPolicy Retain', async () => {
    const stack = stackFor('throws', { deletionPolicy: 'Retain' });
    const result = await stack.create({ Name: 'kept', ThrowIn: 'isComplete' });
    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(summary(result.requests)).toEqual([['Create', undefined, 'kept']]);
    expect(resourceStatuses(stack)).toEqual(['CREATE_IN_PROGRESS', 'CREATE_FAILED', 'DELETE_SKIPPED']);
  });
});

describe('update', () => {
  test('updates in place: no cleanup Delete', async () => {
    const stack = stackFor('replaces-on-update');
    await stack.create({ Name: 'same', Size: 1 });
    const id = stack.physicalResourceId;
    const result = await stack.update({ Name: 'same', Size: 2 });

    expect(result.statuses).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_COMPLETE']);
    expect(result.requests).toHaveLength(1);
    expect(result.requests[0]).toMatchObject({
      RequestType: 'Update',
      PhysicalResourceId: id,
      ResourceProperties: { Name: 'same', Size: '2' },
      OldResourceProperties: { Name: 'same', Size: '1' },
    });
    expect(stack.physicalResourceId).toBe(id);
  });

  test('sends nothing when the delivered properties do not change', async () => {
    const stack = stackFor('replaces-on-update');
    await stack.create({ Name: 'same', Size: 1 });
    const result = await stack.update({ Name: 'same', Size: '1' });
    expect(result.status).toBe('UPDATE_COMPLETE');
    expect(result.requests).toEqual([]);
  });

  test('replaces: a new physical id makes CloudFormation delete the old one in the cleanup phase', async () => {
    const stack = stackFor('replaces-on-update');
    await stack.create({ Name: 'old' });
    const oldId = stack.physicalResourceId!;
    const result = await stack.update({ Name: 'new' });
    const newId = stack.physicalResourceId!;

    expect(newId).not.toBe(oldId);
    expect(summary(result.requests)).toEqual([['Update', oldId, 'new'], ['Delete', oldId, 'old']]);
    expect(result.status).toBe('UPDATE_COMPLETE');
    expect(stack.attributes).toEqual({ Name: 'new' });
  });

  test('replaces without deleting the old resource when UpdateReplacePolicy is Retain', async () => {
    const stack = stackFor('replaces-on-update', { updateReplacePolicy: 'Retain' });
    await stack.create({ Name: 'old' });
    const result = await stack.update({ Name: 'new' });
    expect(result.requests.map((r) => r.RequestType)).toEqual(['Update']);
    expect(resourceStatuses(stack)).toContain('DELETE_SKIPPED');
  });

  test('fails the stack after an in-place update: rollback Update with the old properties', async () => {
    const stack = stackFor('replaces-on-update');
    await stack.create({ Name: 'same', Size: 1 });
    const id = stack.physicalResourceId;
    const result = await stack.update({ Name: 'same', Size: 2 }, { failStackAfter: true });

    expect(result.statuses).toEqual([
      'UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE',
    ]);
    expect(result.requests[1]).toMatchObject({
      RequestType: 'Update',
      PhysicalResourceId: id,
      ResourceProperties: { Size: '1' },
      OldResourceProperties: { Size: '2' },
    });
    expect(result.requests).toHaveLength(2);
    expect(stack.properties).toEqual({ Name: 'same', Size: 1 });
  });

  test('fails the stack after a replacement with UpdateReplacePolicy Retain: the rollback cleanup keeps the id it replaced', async () => {
    const stack = stackFor('replaces-on-update', { updateReplacePolicy: 'Retain' });
    await stack.create({ Name: 'a' });
    const first = stack.physicalResourceId!;
    const result = await stack.update({ Name: 'b' }, { failStackAfter: true });
    const second = result.responses[0].response.PhysicalResourceId;

    expect(summary(result.requests)).toEqual([['Update', first, 'b'], ['Update', second, 'a']]);
    expect(resourceStatuses(stack).slice(-3)).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE', 'DELETE_SKIPPED']);
    expect(stack.stackEvents.at(-2)).toMatchObject({ status: 'DELETE_SKIPPED', physicalResourceId: second });
    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  });

  test('fails the stack after a replacement: the rollback replaces again and the cleanup deletes the id it replaced', async () => {
    const stack = stackFor('replaces-on-update');
    await stack.create({ Name: 'a' });
    const first = stack.physicalResourceId!;
    const result = await stack.update({ Name: 'b' }, { failStackAfter: true });
    const second = result.responses[0].response.PhysicalResourceId;
    const third = stack.physicalResourceId!;

    expect(new Set([first, second, third]).size).toBe(3);
    expect(summary(result.requests)).toEqual([['Update', first, 'b'], ['Update', second, 'a'], ['Delete', second, 'b']]);
    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  });

  test('fails an in-place Update: rollback Update to the same physical id', async () => {
    const stack = stackFor('replaces-on-update');
    await stack.create({ Name: 'a' });
    const id = stack.physicalResourceId!;
    const result = await stack.update({ Name: 'a', FailIn: 'isComplete' });

    expect(result.statuses).toEqual([
      'UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE',
    ]);
    expect(stack.stackEvents.find((e) => e.status === 'UPDATE_FAILED')!.reason).toMatch(/^could not finish updating/);
    expect(summary(result.requests)).toEqual([['Update', id, 'a'], ['Update', id, 'a']]);
    expect(result.requests[1].ResourceProperties).not.toHaveProperty('FailIn');
    expect(stack.physicalResourceId).toBe(id);
  });

  test('fails a replacing Update: the rollback goes to the pre-update id, not the one in the failure response', async () => {
    const stack = stackFor('replaces-on-update');
    await stack.create({ Name: 'a' });
    const before = stack.physicalResourceId!;
    const result = await stack.update({ Name: 'b', FailIn: 'isComplete' });
    const attempted = result.responses[0].response.PhysicalResourceId;

    expect(result.responses[0].response.Status).toBe('FAILED');
    expect(attempted).not.toBe(before);
    // This handler replaces again on the rollback (names differ), so CloudFormation deletes the pre-update id
    // and nothing ever deletes the one the failed update created.
    expect(summary(result.requests)).toEqual([['Update', before, 'b'], ['Update', before, 'a'], ['Delete', before, 'b']]);
    expect(result.requests.some((r) => 'PhysicalResourceId' in r && r.PhysicalResourceId === attempted)).toBe(false);
  });

  test('fails the rollback too: UPDATE_ROLLBACK_FAILED', async () => {
    const stack = stackFor('throws');
    await stack.create({ Name: 'x', ThrowIn: 'onEvent', ThrowOn: 'Update' });
    const result = await stack.update({ Name: 'y', ThrowIn: 'onEvent', ThrowOn: 'Update' });
    expect(result.status).toBe('UPDATE_ROLLBACK_FAILED');
    expect(result.requests.map((r) => r.RequestType)).toEqual(['Update', 'Update']);
  });

  test('fails to update a stack that never got created', async () => {
    const stack = stackFor('throws');
    await stack.create({ Name: 'bad', ThrowIn: 'onEvent' });
    await expect(stack.update({ Name: 'again' })).rejects.toThrow('cannot update: stack is ROLLBACK_COMPLETE');
  });
});

describe('delete', () => {
  test('deletes with the current physical id and properties', async () => {
    const stack = stackFor('replaces-on-update');
    await stack.create({ Name: 'gone' });
    const id = stack.physicalResourceId;
    const result = await stack.delete();

    expect(result.statuses).toEqual(['DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
    expect(summary(result.requests)).toEqual([['Delete', id, 'gone']]);
    expect(stack.physicalResourceId).toBeUndefined();
    expect(stack.attributes).toEqual({});
  });

  test('fails a Delete: DELETE_FAILED keeps the resource', async () => {
    const stack = stackFor('throws');
    await stack.create({ Name: 'stuck', ThrowIn: 'onEvent', ThrowOn: 'Delete' });
    const result = await stack.delete();
    expect(result.status).toBe('DELETE_FAILED');
    expect(stack.physicalResourceId).toBe('thrower-stuck');
    expect(stack.stackEvents.find((e) => e.status === 'DELETE_FAILED')!.reason).toMatch(/^onEvent exploded on Delete/);
  });

  test('sends no event with DeletionPolicy Retain', async () => {
    const stack = stackFor('replaces-on-update', { deletionPolicy: 'Retain' });
    await stack.create({ Name: 'kept' });
    const result = await stack.delete();
    expect(result.status).toBe('DELETE_COMPLETE');
    expect(result.requests).toEqual([]);
    expect(resourceStatuses(stack).pop()).toBe('DELETE_SKIPPED');
  });

  test('sends no event for a stack whose create was rolled back', async () => {
    const stack = stackFor('throws');
    await stack.create({ Name: 'bad', ThrowIn: 'onEvent' });
    const result = await stack.delete();
    expect(result.status).toBe('DELETE_COMPLETE');
    expect(result.requests).toEqual([]);
  });
});

describe('a request delivered twice, overlapping', () => {
  // The second delivery starts 5 ms after the first, whose onEvent takes 30 ms; its waiter then polls
  // every 50 ms, so a second onEvent answering at ~35 ms finds the first waiter still running.
  const slowStack = () => stackFor('slow-on-event', {}, { queryIntervalSeconds: 5, totalTimeoutSeconds: 50 });
  const onEvents = (stack: CloudFormationStack) => stack.invocations.filter((i) => i.handler === 'onEvent');
  const deliveries = (stack: CloudFormationStack) =>
    stack.timeline.flatMap((e) => (e.kind === 'request' ? [[e.request.RequestType, e.delivery]] : []));

  test('with the same onEvent answer, the second delivery joins the waiter execution: one response, CREATE_COMPLETE', async () => {
    const stack = slowStack();
    const result = await stack.create({ Name: 'x', SleepMs: 30, Polls: 3 }, { duplicateDeliveryAfterMs: 5 });

    expect(result.status).toBe('CREATE_COMPLETE');
    expect(deliveries(stack)).toEqual([['Create', 1], ['Create', 2]]);
    const [first, second] = onEvents(stack);
    expect(second.event.RequestId).toBe(first.event.RequestId);
    expect(second.at).toBeLessThan(first.at + first.durationMs);
    expect(result.requests).toHaveLength(1);
    expect(result.responses).toHaveLength(1);
    expect(result.ignoredResponses).toEqual([]);
    expect(stack.timeline.flatMap((e) => (e.kind === 'start-execution' ? [e.outcome] : []))).toEqual(['started', 'joined']);
    expect(stack.physicalResourceId).toBe('slow-x');
  });

  test('with differing answers, CloudFormation takes the first response (ExecutionAlreadyExists) and rolls back while the first waiter still runs', async () => {
    const stack = slowStack();
    const result = await stack.create({ Name: 'x', SleepMs: 30, Polls: 3, Stamp: true }, { duplicateDeliveryAfterMs: 5 });

    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(stack.stackEvents.find((e) => e.status === 'CREATE_FAILED')!.reason).toMatch(/^ExecutionAlreadyExists: Execution Already Exists: 'arn:aws:states:/);
    expect(summary(result.requests)).toEqual([['Create', undefined, 'x'], ['Delete', CREATE_FAILED_PHYSICAL_ID_MARKER, 'x']]);
    // The first delivery's waiter answered SUCCESS for the resource it made, after the rollback: ignored.
    expect(result.ignoredResponses.map((r) => [r.response.Status, r.response.PhysicalResourceId])).toEqual([['SUCCESS', 'slow-x']]);
    const rollbackDelete = stack.timeline.find((e) => e.kind === 'request' && e.request.RequestType === 'Delete')!;
    expect(rollbackDelete.at).toBeLessThan(result.ignoredResponses[0].at);
    expect(stack.physicalResourceId).toBeUndefined();
  });

  test('an Update delivered twice with the same answer replaces once: one Update response, one cleanup Delete', async () => {
    const stack = slowStack();
    await stack.create({ Name: 'a' });
    const result = await stack.update({ Name: 'b', SleepMs: 30, Polls: 3 }, { duplicateDeliveryAfterMs: 5 });

    expect(result.status).toBe('UPDATE_COMPLETE');
    expect(deliveries(stack).slice(1)).toEqual([['Update', 1], ['Update', 2], ['Delete', 1]]);
    expect(summary(result.requests)).toEqual([['Update', 'slow-a', 'b'], ['Delete', 'slow-a', 'a']]);
    expect(result.ignoredResponses).toEqual([]);
    expect(stack.physicalResourceId).toBe('slow-b');
  });

  test('a duplicate that arrives after the waiter finished fails (the execution name is taken), and the operation waits for it', async () => {
    const stack = slowStack();
    const result = await stack.create({ Name: 'x' }, { duplicateDeliveryAfterMs: 60 });

    expect(result.status).toBe('CREATE_COMPLETE');
    expect(result.ignoredResponses.map((r) => r.response.Status)).toEqual(['FAILED']);
    expect(result.ignoredResponses[0].response.Reason).toMatch(/^ExecutionAlreadyExists/);
    expect(onEvents(stack)).toHaveLength(2);
    expect(stack.physicalResourceId).toBe('slow-x');
  });
});

describe('several stacks', () => {
  test('run concurrently without mixing their logs or state', async () => {
    const a = stackFor('logs-event', { stackName: 'StackA' });
    const b = stackFor('logs-event', { stackName: 'StackB' });
    const c = stackFor('completes-after-polls', { stackName: 'StackC' });
    const [ra, rb, rc] = await Promise.all([a.create({ SleepMs: 20 }), b.create({ SleepMs: 5 }), c.create({ Name: 'c', Polls: 3 })]);

    expect([ra.status, rb.status, rc.status]).toEqual(['CREATE_COMPLETE', 'CREATE_COMPLETE', 'CREATE_COMPLETE']);
    // Each stack's functions ran with their own environment and context (the framework read its own function ARNs).
    expect(a.logs.some((l) => l.text.includes(a.provider.functions.onEvent!.arn))).toBe(true);
    expect(a.logs.some((l) => l.text.includes('StackB'))).toBe(false);
    expect(b.logs.filter((l) => l.text.includes('StackA'))).toEqual([]);
    expect(a.logs).toHaveLength(6);
    expect(b.logs).toHaveLength(6);
    expect(c.attributes).toMatchObject({ Polls: 3 });
  });

  test('keep the ResponseURL out of the logs across a whole lifecycle', async () => {
    const stack = stackFor('logs-event');
    await stack.create({ Size: 1 });
    await stack.update({ Size: 2 });
    await stack.delete();
    expect(stack.requests).toHaveLength(3);
    expect(stack.logs.length).toBeGreaterThan(10);
    expect(stack.responseUrlLeaks()).toEqual([]);
  });
});

describe('late deliveries, stragglers and ServiceTimeout', () => {
  test('a redelivery during the next operation meets ExecutionAlreadyExists; CloudFormation ignores its FAILED answer', async () => {
    const stack = stackFor('completes-after-polls');
    const created = await stack.create({ Name: 'late' });
    const updating = stack.update({ Name: 'late', Size: 2 });
    const redelivered = await stack.redeliver(created.requests[0]);
    expect((await updating).status).toBe('UPDATE_COMPLETE');

    expect(redelivered).toMatchObject({ accepted: false, from: 'onEvent', response: { Status: 'FAILED' } });
    expect(redelivered.response.Reason).toMatch(/^ExecutionAlreadyExists/);
    expect(stack.physicalResourceId).toBe('thing-late');
    expect(stack.timeline.filter((e) => e.kind === 'request').map((e) => e.kind === 'request' && [e.request.RequestType, e.delivery]))
      .toEqual([['Create', 1], ['Update', 1], ['Create', 2]]);
  });

  test('an operation that leaves its stragglers ends while the other delivery still runs; untilStragglersFinish waits for it', async () => {
    const stack = stackFor('slow-on-event');
    // The second delivery waits for the test to let it go: it cannot start before the operation ends.
    let letGo!: () => void;
    const gate = new Promise<void>((ok) => { letGo = ok; });
    stack.interceptDeliveries((request, _index, send) => Promise.all([send(request), gate.then(() => send(request))]));
    const result = await stack.create({ Name: 'x' }, { awaitStragglers: false });
    expect(result.status).toBe('CREATE_COMPLETE');
    expect(stack.invocations.filter((i) => i.handler === 'onEvent')).toHaveLength(1);

    letGo();
    await stack.untilStragglersFinish();
    expect(stack.invocations.filter((i) => i.handler === 'onEvent')).toHaveLength(2);
    expect(stack.responses.map((r) => [r.response.Status, r.accepted])).toEqual([['SUCCESS', true], ['FAILED', false]]);
  });

  test('fails a resource whose answer does not come within its ServiceTimeout, with CloudFormation\'s message', async () => {
    // Real time: a 1 s ServiceTimeout against an onEvent that takes 1.5 s (within its 3 s Lambda timeout).
    const stack = fixtureStack({ fixture: 'slow-on-event', serviceTimeoutSeconds: 1 }, { timeScale: 1 });
    expect(stack.provider.serviceTimeoutMs).toBe(1_000);
    const result = await stack.create({ Name: 'x', SleepMs: 1_500 });

    const failed = stack.stackEvents.find((e) => e.status === 'CREATE_FAILED')!;
    expect(failed.reason).toBe(`CloudFormation did not receive a response from your Custom Resource. Please check your logs for requestId [${result.requests[0].RequestId}].`);
    expect(result.requests.map((r) => r.RequestType)).toEqual(['Create', 'Delete']);
    expect(result.requests[0].ResourceProperties.ServiceTimeout).toBe('1');
    // The rollback Delete takes as long, and fails the same way.
    expect(result.status).toBe('ROLLBACK_FAILED');
  });
});
