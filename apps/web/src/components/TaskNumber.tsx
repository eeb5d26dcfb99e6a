/**
 * A task's number, "#4", shown the same way in the task list and in the assistant's replies,
 * with what it is for: the assistant understands "complete 4".
 */
export function TaskNumber({ id }: { id: number }) {
  return (
    <span className="task-number" title={`Task number — say “complete ${id}” to the assistant`}>
      <span aria-hidden="true">#{id}</span>
      <span className="visually-hidden">task number {id}</span>
    </span>
  );
}
