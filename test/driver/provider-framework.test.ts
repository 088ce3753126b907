import { join } from 'path';
import { CloudFormationStack, CloudFormationStackOptions, CREATE_FAILED_PHYSICAL_ID_MARKER, MAX_RESPONSE_BYTES, ProviderFramework } from './index';

// Request-level behaviour of the Provider framework, driven through send().

const fixture = (name: string) => join(__dirname, 'fixtures', `${name}.js`);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const recorded = (name: string): Array<{ handler: string; event: any }> => require(fixture(name)).events;

function stackFor(name: string, options: Partial<CloudFormationStackOptions> = {}) {
  return new CloudFormationStack({ handlerPath: fixture(name), queryInterval: 10, totalTimeout: 50, ...options });
}

describe('merging onEvent and isComplete results', () => {
  test('isComplete receives the event merged with onEvent result, and Data is merged into the response', async () => {
    const stack = stackFor('completes-after-polls');
    const request = stack.buildRequest('Create', { properties: { Name: 'merge' } });
    const sent = await stack.send(request);

    const isCompleteEvent = sent.invocations.find((i) => i.handler === 'isComplete')!.event;
    expect(isCompleteEvent).toMatchObject({
      RequestType: 'Create',
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
  });

  test('the physical id defaults to the RequestId on Create when onEvent returns nothing', async () => {
    const stack = stackFor('misbehaves', { isComplete: false });
    const request = stack.buildRequest('Create', { properties: { Mode: 'ReturnNothing' } });
    const sent = await stack.send(request);
    expect(sent.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: request.RequestId });
  });

  test('isComplete may replace the physical id chosen by onEvent', async () => {
    const stack = stackFor('misbehaves');
    const sent = await stack.send(stack.buildRequest('Create', { properties: { Mode: 'SwapIdInIsComplete' } }));
    expect(sent.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'from-isComplete' });
  });

  test('fails when isComplete returns Data while not complete', async () => {
    const stack = stackFor('misbehaves');
    const sent = await stack.send(stack.buildRequest('Create', { properties: { Mode: 'DataWhileIncomplete' } }));
    expect(sent.response.Status).toBe('FAILED');
    expect(sent.response.Reason).toMatch(/^Error: "Data" is not allowed if "IsComplete" is "False"\n {4}at isComplete /);
    expect(sent.response.PhysicalResourceId).toBe('stable-id');
  });

  test('fails when isComplete returns nothing', async () => {
    const stack = stackFor('misbehaves');
    const sent = await stack.send(stack.buildRequest('Create', { properties: { Mode: 'ReturnNothing' } }));
    expect(sent.response.Status).toBe('FAILED');
    expect(sent.response.Reason).toMatch(/^TypeError: Cannot read properties of null \(reading 'IsComplete'\)/);
  });

  test('fails a Delete whose onEvent changes the physical id', async () => {
    const stack = stackFor('misbehaves');
    const sent = await stack.send(stack.buildRequest('Delete', { properties: { Mode: 'ChangeIdOnDelete' }, physicalResourceId: 'stable-id' }));
    expect(sent.response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'stable-id' });
    expect(sent.response.Reason).toContain('DELETE: cannot change the physical resource ID from "stable-id" to "another-id" during deletion');
  });
});

describe('polling', () => {
  test('calls isComplete at once, then every queryInterval until it completes', async () => {
    const stack = stackFor('completes-after-polls', { queryInterval: 100, totalTimeout: 1_000 });
    const sent = await stack.send(stack.buildRequest('Create', { properties: { Name: 'poll', Polls: 3 } }));

    const polls = sent.invocations.filter((i) => i.handler === 'isComplete');
    expect(polls.map((p) => p.attempt)).toEqual([1, 2, 3]);
    expect(polls[0].at - sent.invocations[0].at).toBeLessThan(50);
    expect(polls[1].at - polls[0].at).toBeGreaterThanOrEqual(99);
    expect(polls[2].at - polls[1].at).toBeGreaterThanOrEqual(99);
    expect(sent.response.Data).toMatchObject({ Polls: 3 });
  });

  test('fails with "Operation timed out" after 1 + totalTimeout/queryInterval calls', async () => {
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
  });

  test('fails to construct when totalTimeout is not a multiple of queryInterval', () => {
    expect(() => new ProviderFramework({ handlerPath: fixture('throws'), queryInterval: 30, totalTimeout: 100 }))
      .toThrow(/not integrally dividable/);
  });

  test('without isComplete, answers right after onEvent', async () => {
    const stack = stackFor('completes-after-polls', { isComplete: false });
    const sent = await stack.send(stack.buildRequest('Create', { properties: { Name: 'sync' } }));
    expect(sent.invocations.map((i) => i.handler)).toEqual(['onEvent']);
    expect(sent.response).toMatchObject({ Status: 'SUCCESS', Data: { Overridden: 'by onEvent' } });
  });
});

describe('handler failures', () => {
  test('fails with the onEvent error, its trace and the CREATE_FAILED marker', async () => {
    const stack = stackFor('throws');
    const sent = await stack.send(stack.buildRequest('Create', { properties: { Name: 'x', ThrowIn: 'onEvent' } }));

    expect(sent.response.Status).toBe('FAILED');
    expect(sent.response.PhysicalResourceId).toBe(CREATE_FAILED_PHYSICAL_ID_MARKER);
    expect(sent.response.Reason).toMatch(/^onEvent exploded on Create\n\nLogs: \/aws\/lambda\/OnEventHandler\n\n {4}at .*fixtures[\\/]throws\.js/);
    expect(sent.invocations.map((i) => i.handler)).toEqual(['onEvent']);
    expect(sent.invocations[0].error).toMatchObject({ errorType: 'Error', errorMessage: 'onEvent exploded on Create' });
  });

  test('fails with the bare message when stack traces are off', async () => {
    const stack = stackFor('throws', { includeStackTraces: false });
    const sent = await stack.send(stack.buildRequest('Create', { properties: { Name: 'x', ThrowIn: 'onEvent' } }));
    expect(sent.response.Reason).toBe('onEvent exploded on Create\n\nLogs: /aws/lambda/OnEventHandler\n');
  });

  test('fails with the thrown value when a handler throws a non-Error', async () => {
    const stack = stackFor('throws');
    const sent = await stack.send(stack.buildRequest('Create', { properties: { Name: 'x', ThrowIn: 'onEvent', ThrowString: true } }));
    expect(sent.response.Reason).toBe('onEvent threw a string\n\nLogs: /aws/lambda/OnEventHandler\n');
  });

  test('fails with the isComplete error, keeping the physical id onEvent chose', async () => {
    const stack = stackFor('throws');
    const sent = await stack.send(stack.buildRequest('Create', { properties: { Name: 'x', ThrowIn: 'isComplete' } }));
    expect(sent.response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'thrower-x' });
    expect(sent.response.Reason).toMatch(/^isComplete exploded on Create\n\nLogs: \/aws\/lambda\/IsCompleteHandler\n/);
  });

  test('answers SUCCESS to a Delete of the CREATE_FAILED marker without calling the handler', async () => {
    const stack = stackFor('throws');
    const before = recorded('throws').length;
    const sent = await stack.send(stack.buildRequest('Delete', {
      properties: { Name: 'x', ThrowIn: 'onEvent' }, physicalResourceId: CREATE_FAILED_PHYSICAL_ID_MARKER,
    }));
    expect(sent.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID_MARKER });
    expect(sent.invocations).toHaveLength(0);
    expect(recorded('throws')).toHaveLength(before);
  });
});

describe('Lambda context', () => {
  test('hands each invocation a context naming the function and the remaining time', async () => {
    const stack = stackFor('logs-event', { onEvent: { functionName: 'TrackerOnEvent', timeoutMs: 2_000 } });
    const sent = await stack.send(stack.buildRequest('Create', { properties: {} }));
    const [onEvent] = sent.invocations;

    expect(onEvent.logs.map((l) => l.text)).toContain(
      `function TrackerOnEvent request ${onEvent.awsRequestId} arn arn:aws:lambda:us-east-1:123456789012:function:TrackerOnEvent`);
    const remaining = Number(onEvent.logs.find((l) => l.source === 'warn')!.text.split(' ')[1]);
    expect(remaining).toBeGreaterThan(1_000);
    expect(remaining).toBeLessThanOrEqual(2_000);
  });

  test('fails an invocation that runs past its timeout like Lambda does', async () => {
    const stack = stackFor('logs-event', { onEvent: { timeoutMs: 50 } });
    const sent = await stack.send(stack.buildRequest('Create', { properties: { SleepMs: 150 } }));

    expect(sent.response.Status).toBe('FAILED');
    expect(sent.response.Reason).toMatch(
      /^Error: \d{4}-\d\d-\d\dT[\d:.]+Z [0-9a-f-]{36} Task timed out after 0\.05 seconds\n\nLogs: \/aws\/lambda\/OnEventHandler\n/);
    expect(sent.invocations[0]).toMatchObject({ timedOut: true });
    expect(sent.invocations[0].durationMs).toBeLessThan(150);
    expect(await stack.provider.untilTimedOutHandlersReturn()).toBe(true);
    expect(Date.now() - sent.invocations[0].at).toBeGreaterThanOrEqual(140);
    expect(stack.logs.map((l) => l.text)).not.toContain('woke up after 150');
  });

  test('tells when a run past its timeout is still going after a bound', async () => {
    const stack = stackFor('logs-event', { onEvent: { timeoutMs: 20 } });
    await stack.send(stack.buildRequest('Create', { properties: { SleepMs: 300 } }));
    expect(await stack.provider.untilTimedOutHandlersReturn(50)).toBe(false);
    expect(await stack.provider.untilTimedOutHandlersReturn()).toBe(true);
  });
});

describe('logs and the ResponseURL', () => {
  test('hands the handler a pre-signed ResponseURL and captures what it writes', async () => {
    const stack = stackFor('logs-event');
    const request = stack.buildRequest('Create', { properties: {} });
    expect(request.ResponseURL).toMatch(/^https:\/\/cloudformation-custom-resource-response-useast1\.s3\.us-east-1\.amazonaws\.com\/.+X-Amz-Signature=[0-9a-f]{64}$/);

    const sent = await stack.send(request);
    expect(sent.invocations[0].event.ResponseURL).toBe(request.ResponseURL);
    expect(stack.logs.map((l) => [l.source, l.text.split(' ')[0]])).toEqual([
      ['log', 'onEvent'], ['info', 'function'], ['warn', 'remaining'], ['stdout', 'raw'], ['log', 'isComplete'],
    ]);
    expect(stack.responseUrlLeaks()).toEqual([]);
  });

  test('finds a ResponseURL that reached the logs', async () => {
    const stack = stackFor('logs-event');
    const request = stack.buildRequest('Create', { properties: { LeakUrl: true } });
    await stack.send(request);
    const leaks = stack.responseUrlLeaks();
    expect(leaks).toHaveLength(1);
    expect(leaks[0].source).toBe('error');
    expect(leaks[0].text).toContain(new URL(request.ResponseURL).searchParams.get('X-Amz-Signature'));
  });
});

describe('response size', () => {
  test('measures the JSON body sent to CloudFormation', async () => {
    const stack = stackFor('logs-event');
    const sent = await stack.send(stack.buildRequest('Create', { properties: { DataBytes: 100 } }));
    expect(sent.bytes).toBe(Buffer.byteLength(JSON.stringify(sent.response)));
    expect(sent.bytes).toBeGreaterThan(100);
    expect(sent.tooLarge).toBe(false);
  });

  test('fails the 4096-byte limit with a large Data', async () => {
    const stack = stackFor('logs-event');
    const sent = await stack.send(stack.buildRequest('Create', { properties: { DataBytes: 4_000 } }));
    expect(sent.response.Status).toBe('SUCCESS');
    expect(sent.bytes).toBeGreaterThan(MAX_RESPONSE_BYTES);
    expect(sent.tooLarge).toBe(true);
  });
});

describe('the same request delivered twice', () => {
  test('fails the second delivery once the first has answered (the waiter execution name is taken)', async () => {
    const stack = stackFor('completes-after-polls');
    const request = stack.buildRequest('Create', { properties: { Name: 'twice' } });
    const first = await stack.send(request);
    const second = await stack.send(request);

    expect(first.response.Status).toBe('SUCCESS');
    expect(second.response.Status).toBe('FAILED');
    expect(second.response.Reason).toMatch(/^ExecutionAlreadyExists: Execution Already Exists: 'arn:aws:states:.*:execution:.*:[0-9a-f-]{36}'/);
    expect(second.invocations.map((i) => i.handler)).toEqual(['onEvent']);
  });

  test('joins the running waiter when onEvent answers the same, so CloudFormation gets one response', async () => {
    const stack = stackFor('completes-after-polls');
    const request = stack.buildRequest('Create', { properties: { Name: 'concurrent', Polls: 3 } });
    const [first, second] = await Promise.all([stack.send(request), stack.send(request)]);

    expect(second.joinedRunningExecution).toBe(true);
    expect(second.response).toBe(first.response);
    expect(stack.responses).toHaveLength(1);
    expect(stack.invocations.filter((i) => i.handler === 'onEvent')).toHaveLength(2);
  });

  test('fails the concurrent delivery when onEvent answers differently', async () => {
    const stack = stackFor('misbehaves');
    const request = stack.buildRequest('Create', { properties: { Mode: 'RandomId' } });
    const [first, second] = await Promise.all([stack.send(request), stack.send(request)]);
    expect(first.response.Status).toBe('SUCCESS');
    expect(second.response.Status).toBe('FAILED');
    expect(second.response.Reason).toMatch(/^ExecutionAlreadyExists/);
  });
});
