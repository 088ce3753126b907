import { check } from './exhaustive-world';

// Every Update, in two halves that jest runs side by side.
test('the decision function keeps every invariant for every Update over the small world (half 1 of 2)', () => {
  const result = check('Update', { index: 0, of: 2 });
  const { done, fail, stuck } = result.outcomes;
  console.log(`exhaustive check of Update, half 1 of 2: ${result.situations} situations, ${result.runs} runs (${done} done, ${fail} failed, ${stuck} stuck)`);
  expect({ kinds: result.kinds, examples: result.examples }).toEqual({ kinds: {}, examples: [] });
  expect(result.situations).toBeGreaterThan(1_000);
}, 600_000);
