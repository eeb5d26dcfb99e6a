// Paths every infra script agrees on.
import path from 'node:path';

/** The workspace root (this file is infra/src/workspace.ts). */
export const root = path.resolve(__dirname, '../..');
/** The Helm chart: its own project says where it is. */
export { chartDir } from '@todo/chart';
