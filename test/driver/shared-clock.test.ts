import { ListEventTrackersCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { fixtureStack } from './fixtures/provider';
import { CREATE_FAILED_PHYSICAL_ID_MARKER } from './index';
import { PersonalizeEmulator } from '../emulator/personalize-emulator';

// The contract harness and the model-based test attribute the emulator's calls to a request by time:
// a call belongs to the request when it arrived between the request and its response. So a call
// answered before a request was sent must be recorded as earlier than the request, even when both
// fall in the same millisecond (found when a take-over sent right after a failed create was charged
// the failed create's last call).

test('a request sent right after a call was answered is recorded after that call', async () => {
  const emulator = await PersonalizeEmulator.start();
  const client = new PersonalizeClient({ ...emulator.clientConfig(), maxAttempts: 1 });
  const stack = fixtureStack({ fixture: 'misbehaves' });
  try {
    const misordered: number[] = [];
    for (let round = 0; round < 200; round++) {
      await client.send(new ListEventTrackersCommand({}));
      // A Delete of the CREATE_FAILED marker: answered by the framework, no handler runs.
      const sent = await stack.send(stack.buildRequest('Delete', { properties: {}, physicalResourceId: CREATE_FAILED_PHYSICAL_ID_MARKER }));
      const request = stack.timeline.filter((entry) => entry.kind === 'request').at(-1)!;
      expect(sent.response.Status).toBe('SUCCESS');
      if (emulator.toEmulatorTime(request.at) <= emulator.calls().at(-1)!.at) {
        misordered.push(round);
      }
    }
    expect(misordered).toEqual([]);
  } finally {
    client.destroy();
    await emulator.stop();
  }
});
