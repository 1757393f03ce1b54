import { createBodyOf, draftOf, emptyDraft, updateBodyOf, type Engine } from './engine-draft';

const saved: Engine = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'GPT',
  provider: 'openai',
  model: 'gpt-4o',
  parameters: { temperature: 0.2, api: 'responses', webSearch: true },
  baseUrl: null,
  credential: { set: true, last4: 'abcd' },
  synthetic: false,
  disabledReason: null,
  maxConcurrency: 4,
  maxRequestsPerMinute: null,
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
};

describe('engine bodies', () => {
  it('send what was typed: numbers as numbers, anything else as typed for the API to refuse', () => {
    const body = createBodyOf({
      ...emptyDraft(),
      name: 'x',
      provider: 'anthropic',
      model: 'claude',
      credential: 'sk-1',
      temperature: '0.7',
      maxTokens: 'lots',
      thinkingBudgetTokens: '',
      maxConcurrency: '2',
    });
    expect(body).toEqual({
      name: 'x',
      provider: 'anthropic',
      model: 'claude',
      credential: 'sk-1',
      parameters: { temperature: 0.7, maxTokens: 'lots' },
      maxConcurrency: 2,
    });
  });

  it('send only the parameters the kind uses', () => {
    const draft = {
      ...emptyDraft(),
      provider: 'demo' as const,
      seed: 's',
      temperature: '1',
      webSearch: true,
    };
    expect(createBodyOf(draft).parameters).toEqual({ seed: 's' });
    expect(createBodyOf({ ...draft, baseUrl: 'http://x', credential: 'k' })).not.toHaveProperty('credential');
  });

  it('an unchanged edit keeps the stored key and base URL; a cleared base URL is null', () => {
    const draft = draftOf(saved);
    expect(updateBodyOf(draft, saved)).toEqual({
      name: 'GPT',
      model: 'gpt-4o',
      parameters: { temperature: 0.2, api: 'responses', webSearch: true },
      maxConcurrency: 4,
      maxRequestsPerMinute: null,
    });
    const withUrl = { ...saved, baseUrl: 'https://proxy.example/v1' };
    expect(updateBodyOf({ ...draftOf(withUrl), baseUrl: '' }, withUrl).baseUrl).toBeNull();
    expect(updateBodyOf({ ...draft, credential: 'sk-new' }, saved).credential).toBe('sk-new');
  });
});
