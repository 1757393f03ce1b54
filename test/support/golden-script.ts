// The golden pipeline test's script (test/e2e/golden-pipeline.e2e-spec.ts): eight answers with fixed chunk send
// times, for an OpenAI-compatible engine (E1) and a Perplexity engine with citations (E2).
import { type FakeWrite } from '../fakes/fake-openai-server';

/** Send times (ms since the request) of content chunks 0..3. */
export const CHUNK_AT_MS = [100, 850, 1850, 2850];
export const SETTINGS = { foldTokens: 12, halfLifeMs: 10_000 };

export const E1_ANSWERS = [
  [
    'Acme is the best choice here.\n',
    'Globex is a solid alternative.\n',
    'Initech costs less than Globex.\n',
    'Most teams pick Acme.',
  ],
  [
    'Many teams like Globex for scale.\n',
    'Acme is easier to start with.\n',
    'Some prefer Ini',
    'tech for price.',
  ],
  [
    'There are several good options today.\n',
    'Initech is popular with small firms.\n',
    'Nothing else comes close for them.\n',
    'Ask around before you buy.',
  ],
  [
    'It depends on your needs and budget.\n',
    'Consider your workflow carefully.\n',
    'Then try a few tools for a week.\n',
    'Acme and Globex both offer trials.',
  ],
];
export const E2_ANSWERS: { chunks: string[]; urls: string[] }[] = [
  {
    chunks: [
      'Globex leads this category.\n',
      'Initech follows closely.\n',
      'Acme trails both of them.\n',
      'Globex is my pick.',
    ],
    urls: ['https://acme.com/pricing', 'https://news.example.org/crm'],
  },
  {
    chunks: [
      'No single tool fits everyone.\n',
      'Read reviews first.\n',
      'Compare prices.\n',
      'Decide later.',
    ],
    urls: ['https://docs.globex.com/start'],
  },
  {
    chunks: ['Acme wins on support.\n', 'Acme also wins on price.\n', 'Initech is fine.\n', 'Globex is not.'],
    urls: ['https://acme.com/pricing', 'https://acme.com/support', 'https://news.example.org/crm'],
  },
  {
    chunks: [
      'Initech and Acme are close.\n',
      'Globex is behind them.\n',
      'All three are decent.\n',
      'Pick what fits.',
    ],
    urls: [],
  },
];

/** Role chunk at once, content chunks at CHUNK_AT_MS, then the stream's tail. */
export function timed(events: string[], contentFrom: number, contents: number): FakeWrite[] {
  return events.map((bytes, i) => {
    const k = i - contentFrom;
    const delayMs = k >= 0 && k < contents ? CHUNK_AT_MS[k]! - (k === 0 ? 0 : CHUNK_AT_MS[k - 1]!) : 0;
    return { delayMs, bytes };
  });
}
