import { Scenario } from './harness';
import { CREATE_FAILED_PHYSICAL_ID_MARKER, frameworkNamesWaiterExecutions, StartExecutionEntry } from '../driver';

// What aws-cdk-lib's own Provider framework does around the handler, where the mirror the driver
// used before (test/driver/provider-framework.ts, removed) never went.

let scenario: Scenario;
beforeEach(async () => {
  scenario = await Scenario.start();
});
afterEach(async () => {
  await scenario.finish();
});

const onEvents = (stack: ReturnType<Scenario['newStack']>) => stack.invocations.filter((invocation) => invocation.handler === 'onEvent');
const executionsStarted = (stack: ReturnType<Scenario['newStack']>) =>
  stack.timeline.filter((entry): entry is StartExecutionEntry => entry.kind === 'start-execution').map((entry) => entry.outcome);

test('a Create whose Invoke answer is lost: the framework\'s SDK invokes onEvent again in the same delivery, and one tracker remains', async () => {
  const stack = scenario.newStack();
  stack.provider.faults.inject('Invoke', [1]);

  const result = await stack.create(scenario.props());

  expect(result.status).toBe('CREATE_COMPLETE');
  expect(stack.timeline.filter((entry) => entry.kind === 'request')).toHaveLength(1);
  expect(onEvents(stack)).toHaveLength(2);
  expect(scenario.liveTrackers().map((tracker) => tracker.arn)).toEqual([stack.physicalResourceId]);
  scenario.expectRemaining(stack.physicalResourceId);
});

test('the same Create delivered twice, overlapping: one waiter per RequestId (2.224.0) or one per delivery (later), and one tracker either way', async () => {
  const stack = scenario.newStack();

  const result = await stack.create(scenario.props(), { duplicateDeliveryAfterMs: 0 });

  scenario.expectRemaining(stack.physicalResourceId);
  expect(result.status).toBe('CREATE_COMPLETE');
  // The second StartExecution joins the running waiter or, if it comes after that one closed, is
  // refused (ExecutionAlreadyExists); without names it starts a second waiter.
  expect(executionsStarted(stack).filter((outcome) => outcome === 'started')).toHaveLength(frameworkNamesWaiterExecutions() ? 1 : 2);
  expect(scenario.liveTrackers().map((tracker) => tracker.arn)).toEqual([stack.physicalResourceId]);
});

// Failed with the handler whose onEvent acted: onEvent created the tracker, then the framework's
// StartExecution was throttled through all of the SDK's attempts. The framework answers FAILED with the
// CREATE_FAILED marker as the physical id, so CloudFormation's rollback Delete names the marker, which
// the framework answers SUCCESS itself without calling the handler: the tracker onEvent made was left.
// Now onEvent changes nothing, and only the waiter that never started would have acted.
test('a Create whose StartExecution is throttled fails, and leaves no tracker behind', async () => {
  const stack = scenario.newStack();
  stack.provider.faults.inject('StartExecution', [1, 2, 3]);

  const result = await stack.create(scenario.props());

  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.requests.map((request) => [request.RequestType, 'PhysicalResourceId' in request ? request.PhysicalResourceId : undefined]))
    .toEqual([['Create', undefined], ['Delete', CREATE_FAILED_PHYSICAL_ID_MARKER]]);
  expect(scenario.emulator.callCount('CreateEventTracker')).toBe(0);
  scenario.expectRemaining();
});
