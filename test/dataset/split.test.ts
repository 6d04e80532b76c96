import { DEFAULT_BUILD_SETTINGS } from '../../dataset/build';
import { DEFAULT_VALIDATION_SPLIT, NODE_VALIDATION_SPLIT } from '../../dataset/split';
import { FineTune } from '../../nodes/FineTune/FineTune.node';

describe('validation split defaults', () => {
  test('the CLI build starts from DEFAULT_VALIDATION_SPLIT', () => {
    expect(DEFAULT_BUILD_SETTINGS.validationSplit).toBe(DEFAULT_VALIDATION_SPLIT);
  });

  test("every Validation Split of the Fine-Tune node defaults to NODE_VALIDATION_SPLIT (n8n's lint wants the literal)", () => {
    const splits = new FineTune().description.properties.filter((p) => p.name === 'validationSplit');
    // Dataset → Build Training Data and Job → Create.
    expect(splits.length).toBe(2);
    for (const property of splits) expect(property.default).toBe(NODE_VALIDATION_SPLIT);
  });
});
