'use client';

import type { Task } from '@todo/api-client';
import { useCallback, useState } from 'react';
import { ChatPanel } from './ChatPanel';
import { TaskBoard } from './TaskBoard';

interface Props {
  userId: string;
  initialTasks: Task[] | null;
  initialError?: string | null;
}

/** The task list and the assistant side by side (the assistant is a drawer on narrow screens). */
export function Workspace({ userId, initialTasks, initialError = null }: Props) {
  // The assistant changes tasks on the server; each change it reports bumps this number, and
  // the board reads the list again when it changes.
  const [tasksVersion, setTasksVersion] = useState(0);
  const tasksChanged = useCallback(() => setTasksVersion((v) => v + 1), []);
  return (
    <>
      <TaskBoard userId={userId} initialTasks={initialTasks} initialError={initialError} refreshSignal={tasksVersion} />
      <ChatPanel userId={userId} onTasksChanged={tasksChanged} />
    </>
  );
}
