import { jsonlValues, plainChatExample, readPlainChatJsonl } from '../../dataset/check';

const chat = (messages: unknown[]) => JSON.stringify({ messages });
const GOOD = chat([
  { role: 'system', content: 'You build n8n workflows.' },
  { role: 'user', content: 'Post RSS items to Slack' },
  { role: 'assistant', content: '{"nodes":[]}' },
]);

describe('jsonlValues', () => {
  test('parses non-blank lines, keeps editor line numbers and strips CR', () => {
    const parsed = [...jsonlValues(['{"a":1}\r', '', '   ', 'nope', '[2]'])];
    expect(parsed).toEqual([
      { line: 1, text: '{"a":1}', value: { a: 1 } },
      { line: 4, text: 'nope', error: expect.stringMatching(/JSON/) as unknown },
      { line: 5, text: '[2]', value: [2] },
    ]);
  });
});

describe('plainChatExample', () => {
  test('a system, user, assistant conversation is an example', () => {
    expect(plainChatExample(JSON.parse(GOOD))).toEqual({ example: JSON.parse(GOOD) as unknown });
  });

  test.each([
    [[1], 'expected a JSON object with a "messages" array'],
    [{ prompt: 'x' }, 'expected a "messages" array (OpenAI chat format)'],
    [{ messages: [] }, '"messages" is empty'],
    [{ messages: ['hi'] }, 'message 1 is not an object'],
    [{ messages: [{ role: 'tool', content: 'x' }] }, 'message 1: role must be "system", "user" or "assistant" (got "tool")'],
    [{ messages: [{ role: 'user', content: null }] }, 'message 1: content must be a string'],
    [{ messages: [{ role: 'user', content: 'a' }, { role: 'system', content: 'b' }] }, 'message 2: a system message may only come first'],
    [{ messages: [{ role: 'assistant', content: 'a' }] }, 'no user message'],
    [{ messages: [{ role: 'user', content: 'a' }] }, 'the last message must be the assistant\'s answer (got "user")'],
    [{ messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: ' ' }] }, "the assistant's answer is empty"],
  ])('%j: %s', (value, problem) => {
    expect(plainChatExample(value)).toEqual({ problem });
  });
});

describe('readPlainChatJsonl', () => {
  test('examples and the problem of every other line, after a byte-order mark', () => {
    const text = `\uFEFF${GOOD}\r\n\n{bad\n${chat([{ role: 'user', content: 'only a question' }])}\n${GOOD}\n`;
    const { examples, problems } = readPlainChatJsonl(text);
    expect(examples).toHaveLength(2);
    expect(problems).toEqual([
      { line: 3, problem: expect.stringMatching(/^not valid JSON \(/) as unknown },
      { line: 4, problem: 'the last message must be the assistant\'s answer (got "user")' },
    ]);
  });
});
