import { check } from './exhaustive-world';

test('the decision function keeps every invariant for every Delete over the small world', () => {
  const result = check('Delete');
  const { done, fail, stuck } = result.outcomes;
  console.log(`exhaustive check of Delete: ${result.situations} situations, ${result.runs} runs (${done} done, ${fail} failed, ${stuck} stuck)`);
  expect({ kinds: result.kinds, examples: result.examples }).toEqual({ kinds: {}, examples: [] });
  expect(result.situations).toBeGreaterThan(1_000);
}, 600_000);
