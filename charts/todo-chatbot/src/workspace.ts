// Paths the chart's scripts and tests agree on.
import path from 'node:path';

/** The workspace root (this file is charts/todo-chatbot/src/workspace.ts). */
export const root = path.resolve(__dirname, '../../..');
/** The Helm chart itself. */
export const chartDir = path.resolve(__dirname, '..');
