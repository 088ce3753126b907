import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import type { CloudFormationStackOptions } from './cloudformation-stack';
import { fixtureStack, FixtureProviderProps } from './fixtures/provider';
import { describeStacksCalls, frameworkRuntimeDir, synthesizeEventTracker } from './index';
import { CREATE_FAILED_PHYSICAL_ID_MARKER, MAX_RESPONSE_BYTES } from './local-provider';

// What the real Provider framework (aws-cdk-lib's framework.js, the waiter state machine of the
// synthesized template) does with one request, delivered with send().

const stackFor = (fixture: string, props: Partial<FixtureProviderProps> = {}, options: Partial<CloudFormationStackOptions> = {}) =>
  fixtureStack({ fixture, ...props }, options);

test('runs the framework code the Provider synthesizes: its asset is the runtime folder the driver loads, byte for byte', () => {
  const runtime = frameworkRuntimeDir();
  const asset = synthesizeEventTracker(({ outdir, template }) => {
    const [, onEvent] = Object.entries<any>(template.Resources).find(([, r]) => r.Properties?.Handler === 'framework.onEvent')!;
    const manifest = JSON.parse(readFileSync(join(outdir, 'EventTrackerStack.assets.json'), 'utf8'));
    const [, file] = Object.entries<any>(manifest.files).find(([hash]) => `${hash}.zip` === onEvent.Properties.Code.S3Key)!;
    const dir = join(outdir, file.source.path);
    return Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name)).toString('base64')]));
  });
  // The Provider bundles the folder without its .ts files (Code.fromAsset(RUNTIME_HANDLER_PATH, { exclude: ['*.ts'] }));
  // the empty marker file .is_custom_resource stays out of the asset too.
  const loaded = Object.fromEntries(readdirSync(runtime).filter((name) => !name.endsWith('.ts') && name !== '.is_custom_resource')
    .map((name) => [name, readFileSync(join(runtime, name)).toString('base64')]));
  expect(Object.keys(asset).sort()).toEqual(expect.arrayContaining(['cfn-response.js', 'framework.js', 'outbound.js']));
  expect(asset).toEqual(loaded);
});

describe('what CloudFormation receives', () => {
  test('the isComplete result is spread over the event: Data merged, its PhysicalResourceId replaces onEvent\'s', async () => {
    const stack = stackFor('completes-after-polls');
    const request = stack.buildRequest('Create', { properties: { Name: 'merge' } });
    const sent = await stack.send(request);

    const isCompleteEvent = sent.invocations.find((i) => i.handler === 'isComplete')!.event;
    expect(isCompleteEvent).toMatchObject({
      RequestId: request.RequestId,
      ResponseURL: request.ResponseURL,
      PhysicalResourceId: 'thing-merge',
      CarriedToIsComplete: { Started: 'yes' },
      Data: { Arn: 'arn:aws:thing:::merge', Overridden: 'by onEvent' },
    });
    expect(sent.response).toEqual({
      Status: 'SUCCESS',
      Reason: 'SUCCESS',
      StackId: request.StackId,
      RequestId: request.RequestId,
      PhysicalResourceId: 'thing-merge',
      LogicalResourceId: 'Resource',
      Data: { Arn: 'arn:aws:thing:::merge', Overridden: 'by isComplete', Polls: 1 },
    });
    expect(sent.from).toBe('isComplete');

    const swapped = await stack.send(stack.buildRequest('Create', { properties: { Mode: 'SwapIdInIsComplete' } }));
    expect(swapped.response.PhysicalResourceId).toBe('thing-undefined');
    const misbehaving = await stackFor('misbehaves').send(stack.buildRequest('Create', { properties: { Mode: 'SwapIdInIsComplete' } }));
    expect(misbehaving.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'from-isComplete' });
  });

  test('without isComplete, onEvent\'s answer goes out at once; the physical id defaults to the RequestId', async () => {
    const stack = stackFor('misbehaves', { isComplete: false });
    const request = stack.buildRequest('Create', { properties: { Mode: 'ReturnNothing' } });
    const sent = await stack.send(request);
    expect(sent.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: request.RequestId });
    expect(sent.from).toBe('onEvent');
    expect(stack.timeline.filter((e) => e.kind === 'start-execution')).toEqual([]);
  });

  test('fails a Create in onEvent with the error, its trace, the function\'s log group and the CREATE_FAILED marker', async () => {
    const stack = stackFor('throws');
    const sent = await stack.send(stack.buildRequest('Create', { properties: { Name: 'x', ThrowIn: 'onEvent' } }));

    expect(sent.response.Status).toBe('FAILED');
    expect(sent.response.PhysicalResourceId).toBe(CREATE_FAILED_PHYSICAL_ID_MARKER);
    const functionName = stack.provider.functions.onEvent!.arn.split(':')[6];
    expect(sent.response.Reason).toMatch(new RegExp(`^onEvent exploded on Create\\n\\nLogs: /aws/lambda/${functionName}\\n\\n {4}at .*fixtures[\\\\/]throws\\.js`));
    expect(sent.invocations.map((i) => i.handler)).toEqual(['onEvent']);
  });

  test('fails in isComplete keeping onEvent\'s physical id; Data while incomplete and a changed id on Delete are errors', async () => {
    const thrower = stackFor('throws');
    expect((await thrower.send(thrower.buildRequest('Create', { properties: { Name: 'x', ThrowIn: 'isComplete' } }))).response)
      .toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'thrower-x' });

    const stack = stackFor('misbehaves');
    const early = await stack.send(stack.buildRequest('Create', { properties: { Mode: 'DataWhileIncomplete' } }));
    expect(early.response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'stable-id' });
    expect(early.response.Reason).toMatch(/^Error: "Data" is not allowed if "IsComplete" is "False"\n {4}at isComplete .*framework\.js/);
    const deleted = await stack.send(stack.buildRequest('Delete', { properties: { Mode: 'ChangeIdOnDelete' }, physicalResourceId: 'stable-id' }));
    expect(deleted.response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'stable-id' });
    expect(deleted.response.Reason).toContain('DELETE: cannot change the physical resource ID from "stable-id" to "another-id" during deletion');
  });

  test('answers SUCCESS to a Delete of the CREATE_FAILED marker without calling the user functions', async () => {
    const stack = stackFor('throws');
    const sent = await stack.send(stack.buildRequest('Delete', { properties: { Name: 'x' }, physicalResourceId: CREATE_FAILED_PHYSICAL_ID_MARKER }));
    expect(sent.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID_MARKER });
    expect(sent.invocations).toEqual([]);
  });

  test('measures the body against the 4096-byte limit', async () => {
    const stack = stackFor('logs-event');
    const small = await stack.send(stack.buildRequest('Create', { properties: { DataBytes: 100 } }));
    expect(small.bytes).toBe(Buffer.byteLength(small.body));
    expect(small.tooLarge).toBe(false);
    const large = await stack.send(stack.buildRequest('Create', { properties: { DataBytes: 4_000 } }));
    expect(large.bytes).toBeGreaterThan(MAX_RESPONSE_BYTES);
    expect(large.tooLarge).toBe(true);
  });
});

describe('the waiter state machine', () => {
  test('calls isComplete at once, then after each Retry interval, until it completes', async () => {
    const stack = stackFor('completes-after-polls', { queryIntervalSeconds: 10, totalTimeoutSeconds: 100 });
    expect(stack.provider.queryInterval).toBe(100);
    const sent = await stack.send(stack.buildRequest('Create', { properties: { Name: 'poll', Polls: 3 } }));

    const polls = sent.invocations.filter((i) => i.handler === 'isComplete');
    expect(polls.map((p) => p.attempt)).toEqual([1, 2, 3]);
    expect(polls[1].at - polls[0].at).toBeGreaterThanOrEqual(99);
    expect(polls[2].at - polls[1].at).toBeGreaterThanOrEqual(99);
    expect(sent.response.Data).toMatchObject({ Polls: 3 });
  });

  test('after 1 + MaxAttempts calls, Catch hands the error to onTimeout, which answers "Operation timed out"', async () => {
    const stack = stackFor('completes-after-polls');
    expect(stack.provider.maxAttempts).toBe(5);
    const sent = await stack.send(stack.buildRequest('Create', { properties: { Name: 'slow', Polls: 'never' } }));

    expect(sent.invocations.filter((i) => i.handler === 'isComplete')).toHaveLength(6);
    expect(sent.response).toMatchObject({
      Status: 'FAILED',
      Reason: 'Operation timed out',
      PhysicalResourceId: 'thing-slow',
      Data: { Arn: 'arn:aws:thing:::slow', Overridden: 'by onEvent' },
    });
    expect(sent.from).toBe('onTimeout');
    // Step Functions' Lambda error: Error is the errorType, Cause the error payload as JSON text.
    const onTimeout = stack.timeline.find((e) => e.kind === 'framework' && e.handler === 'onTimeout')!;
    expect(onTimeout.kind === 'framework' && onTimeout.logs[0].text).toMatch(/^\[provider-framework\] timeoutHandler \{\n {2}"Error": "Error",\n {2}"Cause": "\{\\"errorType\\":\\"Error\\",\\"errorMessage\\":/);
  });

  test('a user isComplete past its Lambda timeout fails the request (the framework catches it; no Retry)', async () => {
    const stack = stackFor('times-out', {}, { userFunctionTimeoutMs: { isComplete: 50 } });
    const sent = await stack.send(stack.buildRequest('Create', { properties: { TimeOut: 'once', SleepMs: 200 } }));

    expect(sent.response.Status).toBe('FAILED');
    expect(sent.response.Reason).toMatch(/^Error: \d{4}-\d\d-\d\dT[\d:.]+Z [0-9a-f-]{36} Task timed out after 0\.05 seconds\n\nLogs: \/aws\/lambda\//);
    expect(sent.invocations.map((i) => [i.handler, i.timedOut])).toEqual([['onEvent', false], ['isComplete', true]]);
    expect(await stack.provider.untilTimedOutHandlersReturn()).toBe(true);
  });
});

describe('Step Functions execution names (the RequestId)', () => {
  test('a second delivery after the first was answered meets ExecutionAlreadyExists: its FAILED answer is ignored', async () => {
    const stack = stackFor('completes-after-polls');
    const request = stack.buildRequest('Create', { properties: { Name: 'twice' } });
    const first = await stack.send(request);
    const second = await stack.send(request);

    expect(first).toMatchObject({ accepted: true, response: { Status: 'SUCCESS' } });
    expect(second).toMatchObject({ accepted: false, from: 'onEvent', response: { Status: 'FAILED', PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID_MARKER } });
    expect(second.response.Reason).toMatch(/^ExecutionAlreadyExists: Execution Already Exists: 'arn:aws:states:us-east-1:123456789012:execution:[^:]+:[0-9a-f-]{36}'\n {4}at /);
    expect(stack.timeline.filter((e) => e.kind === 'start-execution').map((e) => e.kind === 'start-execution' && e.outcome)).toEqual(['started', 'ExecutionAlreadyExists']);
  });

  test('two deliveries with the same input while the execution runs: the second joins it, one response', async () => {
    const stack = stackFor('completes-after-polls');
    const request = stack.buildRequest('Create', { properties: { Name: 'concurrent', Polls: 3 } });
    const [first, second] = await Promise.all([stack.send(request), stack.send(request)]);

    expect([first.joinedRunningExecution, second.joinedRunningExecution].sort()).toEqual([false, true]);
    expect(second.response).toBe(first.response);
    expect(stack.responses).toHaveLength(1);
    expect(stack.invocations.filter((i) => i.handler === 'onEvent')).toHaveLength(2);
  });

  test('two deliveries whose onEvent answers differ: the later StartExecution is refused', async () => {
    const stack = stackFor('misbehaves');
    const request = stack.buildRequest('Create', { properties: { Mode: 'RandomId' } });
    const sent = await Promise.all([stack.send(request), stack.send(request)]);
    expect(sent.map((s) => s.response.Status).sort()).toEqual(['FAILED', 'SUCCESS']);
    expect(sent.find((s) => s.response.Status === 'FAILED')!.response.Reason).toMatch(/^ExecutionAlreadyExists/);
  });
});

describe('faults of the services the framework calls', () => {
  test('StartExecution throttled through the SDK\'s retries: the framework answers FAILED with the error', async () => {
    const stack = stackFor('completes-after-polls');
    stack.provider.faults.inject('StartExecution', [1, 2, 3]);
    const sent = await stack.send(stack.buildRequest('Create', { properties: { Name: 'throttled' } }));
    expect(sent.response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID_MARKER });
    expect(sent.response.Reason).toMatch(/^ThrottlingException: Rate exceeded/);
    expect(stack.timeline.filter((e) => e.kind === 'start-execution').map((e) => e.kind === 'start-execution' && e.outcome)).toEqual(Array(3).fill('ThrottlingException'));
  });

  test('a lost Invoke answer: the user function ran, and runs again (the SDK retries)', async () => {
    const stack = stackFor('completes-after-polls');
    stack.provider.faults.inject('Invoke', [1]);
    const sent = await stack.send(stack.buildRequest('Create', { properties: { Name: 'lost' } }));
    expect(sent.response.Status).toBe('SUCCESS');
    expect(sent.invocations.map((i) => i.handler)).toEqual(['onEvent', 'onEvent', 'isComplete']);
  });

  test('an Invoke answer lost through all the SDK\'s attempts: outbound.js waits for the function (GetFunction) and invokes once more', async () => {
    const stack = stackFor('completes-after-polls');
    stack.provider.faults.inject('Invoke', [1, 2, 3]);
    const sent = await stack.send(stack.buildRequest('Create', { properties: { Name: 'lost-thrice' } }));
    expect(sent.response.Status).toBe('SUCCESS');
    expect(sent.invocations.filter((i) => i.handler === 'onEvent')).toHaveLength(4);
  });

  test('a failed ResponseURL PUT is retried by cfn-response: CloudFormation gets the second one', async () => {
    const stack = stackFor('completes-after-polls');
    stack.provider.faults.inject('ResponsePut', [1]);
    const result = await stack.create({ Name: 'put' });
    expect(result.status).toBe('CREATE_COMPLETE');
    expect(result.responses.map((r) => [r.httpStatus, r.accepted])).toEqual([[503, false], [200, true]]);
  });
});

describe('Lambda', () => {
  test('hands each invocation a context naming the function and its remaining time; a run past the timeout is "Task timed out"', async () => {
    const stack = stackFor('logs-event', {}, { userFunctionTimeoutMs: { onEvent: 2_000 } });
    const sent = await stack.send(stack.buildRequest('Create', { properties: {} }));
    const [onEvent] = sent.invocations;
    expect(onEvent.logs.map((l) => l.text)).toContain(`function ${onEvent.functionName} request ${onEvent.awsRequestId} arn ${stack.provider.functions.onEvent!.arn}`);
    const remaining = Number(onEvent.logs.find((l) => l.source === 'warn')!.text.split(' ')[1]);
    expect(remaining).toBeGreaterThan(1_000);
    expect(remaining).toBeLessThanOrEqual(2_000);

    const late = stackFor('logs-event', {}, { userFunctionTimeoutMs: { onEvent: 50 } });
    const timedOut = await late.send(late.buildRequest('Create', { properties: { SleepMs: 150 } }));
    expect(timedOut.response.Reason).toMatch(/^Error: \d{4}-\d\d-\d\dT[\d:.]+Z [0-9a-f-]{36} Task timed out after 0\.05 seconds\n\nLogs: \/aws\/lambda\//);
    expect(await late.provider.untilTimedOutHandlersReturn()).toBe(true);
    expect(late.logs.map((l) => l.text)).not.toContain('woke up after 150');
  });

  test('the template\'s timeouts, scaled, with the allowance for what does not shrink', () => {
    const stack = stackFor('completes-after-polls', { onEventTimeoutSeconds: 600 });
    expect(stack.provider.functions.onEvent!.timeoutMs).toBe(600_000 * 0.01 + 10_000);
    expect(stack.provider.functions.isComplete!.timeoutMs).toBe(3_000 * 0.01 + 10_000);
    expect(stack.provider.functions.frameworkOnEvent!.timeoutMs).toBe(900_000 * 0.01 + 10_000);
  });

  test('the ResponseURL reaches the user functions, never their logs; framework.js logs it only in onTimeout', async () => {
    const stack = stackFor('logs-event');
    const request = stack.buildRequest('Create', { properties: {} });
    const sent = await stack.send(request);
    expect(sent.invocations[0].event.ResponseURL).toBe(request.ResponseURL);
    expect(stack.responseUrlLeaks()).toEqual([]);
    const frameworkLines = stack.timeline.flatMap((e) => (e.kind === 'framework' ? e.logs.map((l) => l.text) : []));
    expect(frameworkLines.some((line) => line.includes('"ResponseURL": "..."'))).toBe(true);
    expect(frameworkLines.filter((line) => line.includes('X-Amz-Signature'))).toEqual([]);

    const leaking = stackFor('logs-event');
    await leaking.send(leaking.buildRequest('Create', { properties: { LeakUrl: true } }));
    expect(leaking.responseUrlLeaks().map((l) => l.source)).toEqual(['error']);
  });
});

describe('DescribeStacks on the local CloudFormation endpoint', () => {
  test('answers the stack status at the moment of the call: forward, rollback and cleanup requests each see their own', async () => {
    const stack = stackFor('describes-stack', {}, { stackName: 'Described' });
    await stack.create({ Name: 'a' });
    expect(stack.attributes).toEqual({ OnEventSaw: 'CREATE_IN_PROGRESS', IsCompleteSaw: 'CREATE_IN_PROGRESS' });
    await stack.update({ Name: 'b' }, { failStackAfter: true });
    const saw = stack.responses.map((r) => [r.response.Data?.OnEventSaw, r.response.Data?.IsCompleteSaw]);
    expect(saw.slice(1)).toEqual([['UPDATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS'], ['UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS']]);
    await stack.delete();
    expect(describeStacksCalls(stack.stackId).map((c) => c.answer)).toEqual([
      'CREATE_IN_PROGRESS', 'CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS',
      'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'DELETE_IN_PROGRESS', 'DELETE_IN_PROGRESS',
    ]);
  });

  test('fails with ValidationError for a stack it does not know', async () => {
    const stack = stackFor('describes-stack');
    const sent = await stack.send({ ...stack.buildRequest('Create', { properties: { Name: 'x' } }), StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Nowhere/1' });
    expect(sent.response.Status).toBe('FAILED');
    expect(sent.response.Reason).toMatch(/^Stack with id arn:aws:cloudformation:us-east-1:123456789012:stack\/Nowhere\/1 does not exist\n/);
    expect(sent.invocations[0].error).toMatchObject({ errorType: 'ValidationError' });
  });
});
