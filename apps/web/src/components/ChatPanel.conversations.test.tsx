// ChatPanel: past conversations, example prompts, and the drawer on narrow and wide screens.
import { ApiError } from '@todo/api-client';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { ChatPanel } from './ChatPanel';
import { STORAGE_KEY, conversation, fakeApi, input, log, message, renderPanel, reply, sendButton, status, type } from './chat-panel-test-kit';

beforeEach(() => window.localStorage.clear());

describe('ChatPanel: conversations and the drawer', () => {
  it('starts a new conversation, and remembers that across a reload', async () => {
    window.localStorage.setItem(STORAGE_KEY, '5');
    const api = fakeApi({
      listConversations: jest.fn(async () => [conversation(5, 'add buy milk')]),
      messages: jest.fn(async () => [message(1, 'user', 'add buy milk'), message(2, 'assistant', 'Added “Buy milk”.')]),
      send: jest.fn(async () => reply('Hello.', [], 6)),
    });
    await renderPanel(api);
    expect(api.messages).toHaveBeenCalledWith(5);
    expect(within(log()).getByText('Added “Buy milk”.')).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'New conversation' }));
    expect(within(log()).queryByText('add buy milk')).toBeNull();
    expect(input()).toHaveFocus();
    expect(window.localStorage.getItem(STORAGE_KEY)).toBe('new');
    type('hello');
    fireEvent.click(sendButton());
    await waitFor(() => expect(api.send).toHaveBeenCalledWith({ message: 'hello' }));
    await waitFor(() => expect(window.localStorage.getItem(STORAGE_KEY)).toBe('6'));
  });

  it('without a remembered conversation opens the latest; a vanished one falls back to a new one', async () => {
    const api = fakeApi({
      listConversations: jest.fn(async () => [conversation(9, 'latest'), conversation(3, 'older')]),
      messages: jest.fn(async (id: number) => [message(1, 'user', `in ${id}`, id)]),
    });
    await renderPanel(api);
    expect(within(log()).getByText('in 9')).toBeInTheDocument();

    window.localStorage.setItem(STORAGE_KEY, '77');
    const gone = fakeApi({ messages: jest.fn(async () => Promise.reject(new ApiError(404, 'conversation 77 not found'))) });
    const { unmount } = render(<ChatPanel userId="u1" api={gone} />);
    await waitFor(() => expect(window.localStorage.getItem(STORAGE_KEY)).toBeNull());
    unmount();
  });

  it('lists past conversations: select loads its messages, delete removes it', async () => {
    window.localStorage.setItem(STORAGE_KEY, 'new');
    const api = fakeApi({
      listConversations: jest.fn(async () => [conversation(9, 'groceries'), conversation(3, 'work')]),
      messages: jest.fn(async (id: number) => [message(1, 'user', `in ${id}`, id)]),
    });
    await renderPanel(api);
    const list = await screen.findByRole('list', { name: 'Past conversations' });
    fireEvent.click(within(list).getByRole('button', { name: /^work/ }));
    expect(await within(log()).findByText('in 3')).toBeInTheDocument();
    expect(within(list).getByRole('button', { name: /^work/ })).toHaveAttribute('aria-current', 'true');

    fireEvent.click(within(list).getByRole('button', { name: 'Delete conversation “work”' }));
    await waitFor(() => expect(api.deleteConversation).toHaveBeenCalledWith(3));
    await waitFor(() => expect(within(list).queryByText('work')).toBeNull());
    expect(within(log()).queryByText('in 3')).toBeNull(); // it was the open one
  });

  it('sends an example prompt when clicked', async () => {
    const api = fakeApi();
    await renderPanel(api);
    fireEvent.click(screen.getByRole('button', { name: "What's pending?" }));
    expect(api.send).toHaveBeenCalledWith({ message: "What's pending?" });
    expect(input()).toHaveFocus(); // not lost with the example buttons
    await waitFor(() => expect(within(log()).getByText('ok')).toBeInTheDocument());
  });

  it('opens as a drawer from its toggle, and Escape closes it back onto the toggle', async () => {
    await renderPanel(fakeApi());
    const toggle = screen.getByRole('button', { name: 'Assistant' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(toggle).toHaveAttribute('aria-controls', 'chat-panel');
    fireEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(input()).toHaveFocus();
    fireEvent.keyDown(input(), { key: 'Escape' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(toggle).toHaveFocus();
  });

  describe('on a narrow screen', () => {
    const originalMatchMedia = window.matchMedia;
    beforeEach(() => {
      window.matchMedia = ((query: string) => ({
        matches: query === '(max-width: 720px)',
        media: query,
        addEventListener: () => undefined,
        removeEventListener: () => undefined,
      })) as unknown as typeof window.matchMedia;
    });
    afterEach(() => {
      window.matchMedia = originalMatchMedia;
    });

    async function renderInPage() {
      render(
        <>
          <header>
            <a href="/elsewhere">Elsewhere</a>
          </header>
          <main>
            <p>The tasks</p>
            <ChatPanel userId="u1" api={fakeApi()} />
          </main>
        </>,
      );
      await waitFor(() => expect(log()).toHaveAttribute('aria-busy', 'false'));
    }

    it('is a modal dialog while open: the page around is inert, Tab stays inside, Escape gives focus back', async () => {
      await renderInPage();
      const toggle = screen.getByRole('button', { name: 'Assistant' });
      fireEvent.click(toggle);
      const dialog = screen.getByRole('dialog', { name: 'Assistant' });
      expect(dialog).toHaveAttribute('aria-modal', 'true');
      expect(screen.queryByRole('complementary')).toBeNull();
      expect(input()).toHaveFocus();
      expect(screen.getByText('The tasks')).toHaveAttribute('inert');
      expect(screen.getByRole('banner')).toHaveAttribute('inert');
      expect(toggle).toHaveAttribute('inert');
      expect(dialog).not.toHaveAttribute('inert');
      expect(screen.getByRole('main')).not.toHaveAttribute('inert');
      expect(status()).not.toHaveAttribute('inert'); // replies are still announced

      // Tab past the last control comes back to the first, Shift+Tab from the first to the last.
      const close = screen.getByRole('button', { name: 'Close assistant' });
      const newConversation = screen.getByRole('button', { name: 'New conversation' });
      expect(sendButton()).toBeDisabled(); // nothing typed: the message box is the last stop
      input().focus();
      fireEvent.keyDown(input(), { key: 'Tab' });
      expect(newConversation).toHaveFocus();
      fireEvent.keyDown(newConversation, { key: 'Tab', shiftKey: true });
      expect(input()).toHaveFocus();
      close.focus();
      fireEvent.keyDown(close, { key: 'Tab' }); // not the last: the browser moves on
      expect(close).toHaveFocus();

      fireEvent.keyDown(input(), { key: 'Escape' });
      expect(toggle).toHaveAttribute('aria-expanded', 'false');
      expect(toggle).toHaveFocus();
      expect(toggle).not.toHaveAttribute('inert');
      expect(screen.getByText('The tasks')).not.toHaveAttribute('inert');
      expect(screen.getByRole('banner')).not.toHaveAttribute('inert');
    });

    it('the close button closes it too', async () => {
      await renderInPage();
      const toggle = screen.getByRole('button', { name: 'Assistant' });
      fireEvent.click(toggle);
      fireEvent.click(screen.getByRole('button', { name: 'Close assistant' }));
      expect(toggle).toHaveFocus();
      expect(screen.getByText('The tasks')).not.toHaveAttribute('inert');
    });
  });

  it('on a wide screen is a complementary region that traps nothing', async () => {
    render(
      <main>
        <p>The tasks</p>
        <ChatPanel userId="u1" api={fakeApi()} />
      </main>,
    );
    await waitFor(() => expect(log()).toHaveAttribute('aria-busy', 'false'));
    fireEvent.click(screen.getByRole('button', { name: 'Assistant' }));
    expect(screen.getByRole('complementary', { name: 'Assistant' })).not.toHaveAttribute('aria-modal');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByText('The tasks')).not.toHaveAttribute('inert');
  });
});
