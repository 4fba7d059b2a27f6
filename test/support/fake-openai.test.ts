import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeOpenAI, type FakeOpenAI } from './fake-openai.js';

/** The fake answers in OpenAI's wire format, byte for byte where it matters to a client. */
describe('the fake OpenAI server', () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await fakeOpenAI();
  });
  afterAll(() => fake.close());

  const post = (body: unknown, key = fake.key) =>
    fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });

  it('answers a chat.completion object with the message and its usage', async () => {
    fake.answer('Hi there');
    const response = await post({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = await response.json();
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi there', refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 8, completion_tokens: 2, total_tokens: 10 },
    });
    expect(body.id).toMatch(/^chatcmpl-/);
  });

  it('streams chunks as server-sent events, a usage-only last chunk when asked, then [DONE]', async () => {
    fake.next({ text: '你好,欢迎光临', pieces: ['你好', ',欢迎', '光临'] });
    const response = await post({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true } });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const text = await response.text();
    const events = text.split('\n\n').filter(Boolean);
    expect(events.every((e) => e.startsWith('data: '))).toBe(true);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)));
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
    expect(chunks.slice(1, 4).map((c) => c.choices[0].delta.content)).toEqual(['你好', ',欢迎', '光临']);
    expect(chunks[4].choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(chunks[4].usage).toBeNull();
    expect(chunks[5].choices).toEqual([]);
    expect(chunks[5].usage).toMatchObject({ prompt_tokens: 8, completion_tokens: 7 });
  });

  it('answers a wrong key, a rate limit and a server error with OpenAI’s error body', async () => {
    const wrongKey = await post({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, 'sk-wrong-key-1234');
    expect(wrongKey.status).toBe(401);
    expect((await wrongKey.json()).error).toEqual({
      message: expect.stringContaining('Incorrect API key provided: sk-*********1234'),
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_api_key',
    });
    fake.next({ status: 429, retryAfter: 2 }, { status: 500 });
    const limited = await post({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect((await limited.json()).error.code).toBe('rate_limit_exceeded');
    const failed = await post({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect(failed.status).toBe(500);
    expect((await failed.json()).error.type).toBe('server_error');
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${fake.key}`);
  });
});
