import { CloudFormationStack } from '../driver';
import { Scenario, tags } from './harness';

let scenario: Scenario;
afterEach(async () => {
  await scenario.finish();
});

/** Every lifecycle step a stack goes through, each of which must converge. */
async function wholeLifecycle(stack: CloudFormationStack): Promise<string[]> {
  const otherGroup = scenario.emulator.createDatasetGroup('other');
  const statuses: string[] = [];
  const run = async (operation: Promise<{ status: string }>) => statuses.push((await operation).status);
  await run(stack.create(scenario.props({ Tags: tags({ team: 'recs' }) })));
  await run(stack.update(scenario.props({ Tags: tags({ team: 'ranking' }) })));
  await run(stack.update(scenario.props({ EventTrackerName: 'shop-views', Tags: tags({ team: 'ranking' }) })));
  await run(stack.update(scenario.props({ EventTrackerName: 'shop-views', DatasetGroupArn: otherGroup }), { failStackAfter: true }));
  await run(stack.update(scenario.props({ EventTrackerName: 'shop-views', DatasetGroupArn: otherGroup })));
  await run(stack.delete());
  return statuses;
}

const CONVERGED = ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'UPDATE_COMPLETE', 'DELETE_COMPLETE'];

test('without faults, the whole lifecycle converges', async () => {
  scenario = await Scenario.start();
  expect(await wholeLifecycle(scenario.newStack())).toEqual(CONVERGED);
});

describe.each([1, 2, 3])('with 30%% throttling on every operation (seed %i)', (seed) => {
  test('the whole lifecycle converges', async () => {
    scenario = await Scenario.start({ seed, faults: { throttleRate: 0.3 } });

    expect(await wholeLifecycle(scenario.newStack())).toEqual(CONVERGED);
    const throttled = scenario.emulator.calls().filter((call) => call.outcome === 'LimitExceededException');
    expect(throttled.length).toBeGreaterThan(5);
  });

  test('a create failing on a foreign tracker still fails cleanly, naming it', async () => {
    scenario = await Scenario.start({ seed, faults: { throttleRate: 0.3 } });
    const foreign = scenario.foreignTracker('legacy', scenario.groupArn);
    const stack = scenario.newStack();

    expect((await stack.create(scenario.props())).status).toBe('ROLLBACK_COMPLETE');
    expect(stack.responses[0].response.Reason).toContain(foreign.arn);
  });
});

test('with 5xx bursts on every operation, the whole lifecycle converges', async () => {
  scenario = await Scenario.start({
    faults: {
      serverErrorRate: 0.1,
      bursts: [
        { operation: 'CreateEventTracker', count: 2, afterApply: true },
        { operation: 'DescribeEventTracker', count: 5 },
        { operation: 'DeleteEventTracker', count: 3 },
        { operation: 'ListEventTrackers', count: 2 },
        { operation: 'TagResource', count: 2 },
      ],
    },
  });

  expect(await wholeLifecycle(scenario.newStack())).toEqual(CONVERGED);
});

test('with added latency on every call, a create still converges', async () => {
  scenario = await Scenario.start({ faults: { latencyMs: 15 } });
  const stack = scenario.newStack();

  expect((await stack.create(scenario.props())).status).toBe('CREATE_COMPLETE');
  scenario.expectRemaining(stack.physicalResourceId);
});
