import { ApiError, type Task } from '@todo/api-client';
import type { TasksApi } from '@todo/api-client/browser';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { TaskBoard } from './TaskBoard';

const task = (id: number, title: string, completed = false): Task => ({
  id, title, completed, description: null, user_id: 'u1', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z',
});

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

function fakeApi(overrides: Partial<TasksApi> = {}): TasksApi {
  return {
    list: jest.fn(async () => []),
    listAll: jest.fn(async () => []),
    create: jest.fn(async (body) => task(100, body.title)),
    update: jest.fn(),
    setCompleted: jest.fn(),
    remove: jest.fn(async () => undefined),
    ...overrides,
  } as TasksApi;
}

const titleInput = () => screen.getAllByLabelText('Title')[0]!;
const list = () => screen.getByRole('list', { name: 'Tasks' });

describe('TaskBoard', () => {
  it('shows the empty state, then a new task at once (optimistic), then confirmed', async () => {
    const pending = deferred<Task>();
    const api = fakeApi({ create: jest.fn(() => pending.promise) });
    render(<TaskBoard userId="u1" initialTasks={[]} api={api} />);
    expect(screen.getByText(/No tasks yet/)).toBeInTheDocument();

    fireEvent.change(titleInput(), { target: { value: '  Buy milk ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add task' }));
    expect(within(list()).getByText('Buy milk')).toBeInTheDocument(); // before the API answers
    expect(api.create).toHaveBeenCalledWith({ title: 'Buy milk', description: null });

    await act(async () => pending.resolve(task(7, 'Buy milk')));
    expect(within(list()).getByRole('checkbox', { name: 'Buy milk' })).toBeEnabled();
    expect(titleInput()).toHaveValue('');
  });

  it('rolls an add back on failure, keeps what was typed, and offers a retry', async () => {
    const api = fakeApi({ create: jest.fn(async () => Promise.reject(new ApiError(502, 'down'))) });
    render(<TaskBoard userId="u1" initialTasks={[]} api={api} />);
    fireEvent.change(titleInput(), { target: { value: 'Pay bills' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add task' }));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('not answering'));
    expect(within(list()).queryByText('Pay bills')).toBeNull();
    expect(titleInput()).toHaveValue('Pay bills'); // no lost edit
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });

  it('validates before sending, with the API limits', async () => {
    const api = fakeApi();
    render(<TaskBoard userId="u1" initialTasks={[]} api={api} />);
    fireEvent.change(titleInput(), { target: { value: 'x'.repeat(201) } });
    fireEvent.click(screen.getByRole('button', { name: 'Add task' }));
    expect(await screen.findByText(/Keep the title to 200 characters/)).toBeInTheDocument();
    expect(titleInput()).toHaveAttribute('aria-invalid', 'true');
    expect(api.create).not.toHaveBeenCalled();
  });

  it('shows the API’s 422 message on the field', async () => {
    const error = new ApiError(422, 'title: bad', [{ loc: ['body', 'title'], msg: 'Value error, must not contain control characters', type: 'value_error' }]);
    const api = fakeApi({ create: jest.fn(async () => Promise.reject(error)) });
    render(<TaskBoard userId="u1" initialTasks={[]} api={api} />);
    fireEvent.change(titleInput(), { target: { value: 'ok title' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add task' }));
    expect(await screen.findByText(/must not contain control characters/)).toBeInTheDocument();
  });

  it('toggles optimistically and reverts when the API fails', async () => {
    const failing = deferred<Task>();
    const api = fakeApi({ setCompleted: jest.fn(() => failing.promise) });
    render(<TaskBoard userId="u1" initialTasks={[task(1, 'Walk dog')]} api={api} />);
    const box = screen.getByRole('checkbox', { name: 'Walk dog' });
    fireEvent.click(box);
    expect(box).toBeChecked();
    expect(box).toHaveAttribute('aria-disabled', 'true');
    fireEvent.click(box); // ignored while the first change is on its way
    expect(api.setCompleted).toHaveBeenCalledTimes(1);
    await act(async () => failing.reject(new ApiError(503, 'db down')));
    expect(screen.getByRole('checkbox', { name: 'Walk dog' })).not.toBeChecked();
    expect(screen.getByRole('alert')).toBeInTheDocument();
  });

  it('filters and searches', () => {
    render(<TaskBoard userId="u1" initialTasks={[task(1, 'Buy milk'), task(2, 'Call mom', true)]} api={fakeApi()} />);
    fireEvent.click(screen.getByRole('button', { name: 'Completed' }));
    expect(within(list()).queryByText('Buy milk')).toBeNull();
    expect(within(list()).getByText('Call mom')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'All' }));
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search tasks' }), { target: { value: 'MILK' } });
    expect(within(list()).getByText('Buy milk')).toBeInTheDocument();
    expect(within(list()).queryByText('Call mom')).toBeNull();
  });

  it('deletes with undo, and restores on failure', async () => {
    const api = fakeApi({ create: jest.fn(async (body) => task(50, body.title)) });
    render(<TaskBoard userId="u1" initialTasks={[task(1, 'Old task')]} api={api} />);
    fireEvent.click(screen.getByRole('button', { name: 'Delete “Old task”' }));
    expect(await screen.findByRole('button', { name: 'Undo' })).toBeInTheDocument();
    expect(within(list()).queryByText('Old task')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await within(list()).findByText('Old task')).toBeInTheDocument();

    const failing = fakeApi({ remove: jest.fn(async () => Promise.reject(new ApiError(502, 'down'))) });
    render(<TaskBoard userId="u1" initialTasks={[task(2, 'Keep me')]} api={failing} />);
    fireEvent.click(screen.getByRole('button', { name: 'Delete “Keep me”' }));
    expect(await screen.findByText('Keep me')).toBeInTheDocument();
  });

  it('edits in place; Escape cancels', async () => {
    const api = fakeApi({ update: jest.fn(async (_id, body) => ({ ...task(1, 'Old'), ...body })) });
    render(<TaskBoard userId="u1" initialTasks={[task(1, 'Old')]} api={api} />);
    fireEvent.click(screen.getByRole('button', { name: 'Edit “Old”' }));
    const editTitle = screen.getAllByLabelText('Title')[1]!;
    fireEvent.change(editTitle, { target: { value: 'New' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await within(list()).findByText('New')).toBeInTheDocument();
    expect(api.update).toHaveBeenCalledWith(1, { title: 'New', description: null });

    fireEvent.click(screen.getByRole('button', { name: 'Edit “New”' }));
    fireEvent.keyDown(screen.getAllByLabelText('Title')[1]!, { key: 'Escape' });
    expect(screen.getAllByLabelText('Title')).toHaveLength(1);
  });

  it('shows a server-side load error with a retry that reloads', async () => {
    const api = fakeApi({ listAll: jest.fn(async () => [task(9, 'Back again')]) });
    render(<TaskBoard userId="u1" initialTasks={null} initialError="The task service is not answering." api={api} />);
    expect(screen.getByRole('alert')).toHaveTextContent('not answering');
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Back again')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('keeps an edit open with the API’s 422 message on the field, and the user’s text', async () => {
    const error = new ApiError(422, 'title: bad', [{ loc: ['body', 'title'], msg: 'must be valid Unicode text', type: 'value_error' }]);
    const api = fakeApi({ update: jest.fn(async () => Promise.reject(error)) });
    render(<TaskBoard userId="u1" initialTasks={[task(1, 'Old')]} api={api} />);
    fireEvent.click(screen.getByRole('button', { name: 'Edit “Old”' }));
    const editTitle = screen.getAllByLabelText('Title')[1]!;
    expect(editTitle).toHaveFocus();
    fireEvent.change(editTitle, { target: { value: 'New text' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('must be valid Unicode text')).toBeInTheDocument();
    expect(screen.getAllByLabelText('Title')[1]).toHaveValue('New text');
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull(); // same change, same answer
  });

  it('keeps an edit open with the user’s text when the API is down, and offers a retry', async () => {
    const api = fakeApi({ update: jest.fn(async () => Promise.reject(new ApiError(502, 'down'))) });
    render(<TaskBoard userId="u1" initialTasks={[task(1, 'Old')]} api={api} />);
    fireEvent.click(screen.getByRole('button', { name: 'Edit “Old”' }));
    fireEvent.change(screen.getAllByLabelText('Title')[1]!, { target: { value: 'Unsaved' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('button', { name: 'Retry' })).toBeInTheDocument();
    expect(screen.getAllByLabelText('Title')[1]).toHaveValue('Unsaved');
    expect(within(list()).queryByText('Unsaved')).toBeNull(); // rolled back in the list
  });

  it('undo of a completed task restores it completed; a failed undo keeps the offer', async () => {
    const create = jest
      .fn()
      .mockRejectedValueOnce(new ApiError(502, 'down'))
      .mockImplementation(async (body: { title: string }) => task(60, body.title));
    const api = fakeApi({ create, setCompleted: jest.fn(async () => task(60, 'Done thing', true)) });
    render(<TaskBoard userId="u1" initialTasks={[task(3, 'Done thing', true)]} api={api} />);
    fireEvent.click(screen.getByRole('button', { name: 'Delete “Done thing”' }));
    const undo = await screen.findByRole('button', { name: 'Undo' });
    fireEvent.click(undo);
    expect(await screen.findByRole('button', { name: 'Retry' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Undo' })).toBeInTheDocument(); // still offered
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByRole('checkbox', { name: 'Done thing' })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('checkbox', { name: 'Done thing' })).toBeChecked());
    expect(api.setCompleted).toHaveBeenCalledWith(60, true);
  });

  it('reads the list again when its refresh signal changes (the assistant changed tasks)', async () => {
    const api = fakeApi({ listAll: jest.fn(async () => [task(4, 'Buy milk', true)]) });
    const { rerender } = render(<TaskBoard userId="u1" initialTasks={[]} api={api} refreshSignal={0} />);
    rerender(<TaskBoard userId="u1" initialTasks={[]} api={api} refreshSignal={0} />);
    expect(api.listAll).not.toHaveBeenCalled(); // not on first render, nor without a change
    rerender(<TaskBoard userId="u1" initialTasks={[]} api={api} refreshSignal={1} />);
    expect(await screen.findByRole('checkbox', { name: 'Buy milk' })).toBeChecked();
    expect(api.listAll).toHaveBeenCalledTimes(1);
  });
});
