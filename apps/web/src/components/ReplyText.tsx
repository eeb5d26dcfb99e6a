import { Fragment, type ReactNode } from 'react';
import { type Block, type Inline, type ListItem, parseReply } from '../lib/reply-markdown';
import { TaskNumber } from './TaskNumber';

// React elements only, never raw HTML: whatever the model or a task title says shows as text.
function renderInline(nodes: Inline[]): ReactNode[] {
  return nodes.map((node, i) => {
    switch (node.kind) {
      case 'text':
        return <Fragment key={i}>{node.text}</Fragment>;
      case 'code':
        return <code key={i}>{node.text}</code>;
      case 'break':
        return <br key={i} />;
      case 'strong':
        return <strong key={i}>{renderInline(node.children)}</strong>;
      case 'em':
        return <em key={i}>{renderInline(node.children)}</em>;
    }
  });
}

function Item({ item }: { item: ListItem }) {
  const task = item.done !== undefined;
  return (
    <li className={task ? `reply-task${item.done ? ' done' : ''}` : undefined}>
      {task && (
        <>
          {/* A mark, not a checkbox: ticking it here would change nothing. */}
          <span className="reply-check" aria-hidden="true">
            {item.done ? '✓' : '○'}
          </span>
          <span className="visually-hidden">{item.done ? 'Done: ' : 'Not done: '}</span>
        </>
      )}
      <span className="reply-item-text">{renderInline(item.content)}</span>
      {item.taskNumber !== undefined && <> <TaskNumber id={item.taskNumber} /></>}
    </li>
  );
}

function renderBlock(block: Block, i: number): ReactNode {
  if (block.kind === 'code') {
    return (
      <pre key={i} className="reply-code">
        <code>{block.text}</code>
      </pre>
    );
  }
  if (block.kind === 'paragraph') return <p key={i}>{renderInline(block.content)}</p>;
  const items = block.items.map((item, n) => <Item key={n} item={item} />);
  const tasks = block.items.some((item) => item.done !== undefined);
  const className = `reply-list${tasks ? ' tasks' : ''}`;
  return block.ordered ? (
    <ol key={i} className={className} start={block.start === 1 ? undefined : block.start}>
      {items}
    </ol>
  ) : (
    <ul key={i} className={className}>
      {items}
    </ul>
  );
}

/** An assistant's reply: paragraphs, lists (task lists with a done mark and the task's number), code. */
export function ReplyText({ text }: { text: string }) {
  return <div className="bubble-text reply">{parseReply(text).map(renderBlock)}</div>;
}
