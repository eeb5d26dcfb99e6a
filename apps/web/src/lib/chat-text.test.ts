import { ApiError } from '@todo/api-client';
import { RetryLaterError } from '@todo/api-client/browser';
import { describe as describeError } from './chat-text';

describe('what the chat says about a failure', () => {
  it('gives the request id of a failure on our side, for the user to quote', () => {
    expect(describeError(new ApiError(502, 'the assistant is unavailable', [], 'abc123'))).toBe(
      'The assistant is not answering right now. (Reference: abc123)',
    );
    expect(describeError(new ApiError(404, 'no such conversation', [], 'def456'))).toBe('no such conversation (Reference: def456)');
  });

  it('leaves it out where the user can act alone, or where there is none', () => {
    expect(describeError(new ApiError(401, 'session ended', [], 'x1'))).toBe('Your session has ended. Sign in again.');
    expect(describeError(new RetryLaterError(429, 'slow down', [], 3, 'x2'))).toBe('You are sending messages too quickly. Try again in 3 seconds.');
    expect(describeError(new ApiError(0, 'offline'))).toBe('Cannot reach the server. Check your connection.');
  });
});
