import { Timings } from '../../test/emulator/personalize-emulator';

/** Every duration the template declares (provider polling, Lambda timeouts) and the handler's own waits run 5x faster. */
export const TIME_SCALE = 0.2;

/** How long the emulated Personalize takes: about a second per tracker (Personalize itself usually takes under a minute). */
export const EMULATOR_TIMINGS: Timings = {
  trackerCreatePendingMs: 300,
  trackerCreateInProgressMs: 700,
  trackerDeletePendingMs: 200,
  trackerDeleteInProgressMs: 400,
  datasetGroupActiveMs: 0,
};

export const TRACKER_TYPE = 'Custom::PersonalizeEventTracker';

/** The interaction the demo records: user-42 clicked item-1001. */
export const SAMPLE_INTERACTION = { userId: 'user-42', sessionId: 'session-2024-0001', itemId: 'item-1001', eventType: 'click' };
