import { Logger } from '@nestjs/common';
import { ApiError } from '../infra/http/api-error';
import { answer, toolError, toolResult } from './mcp-tool-result';

describe('tool results', () => {
  it('carries the structured result and the one-line summary', () => {
    expect(toolResult({ a: 1 }, 'one line')).toEqual({
      content: [{ type: 'text', text: 'one line' }],
      structuredContent: { a: 1 },
    });
  });

  it("turns an ApiError into a tool error with the REST API's code and message", () => {
    expect(toolError(ApiError.notFound('Project'))).toEqual({
      isError: true,
      content: [{ type: 'text', text: 'not_found: Project not found' }],
    });
  });

  it('never shows an unexpected error (it may carry SQL or internals), but logs it', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const result = await answer(() => Promise.reject(new Error('relation "secret_table" does not exist')));
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result)).not.toContain('secret_table');
    expect(logged).toHaveBeenCalledTimes(1);
    logged.mockRestore();
  });
});
