// The images docker-build made, as its reports in dist/images/ describe them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from '../workspace';

export interface ImageReport {
  image: string;
  tag: string;
  ref: string;
  movingTag: string;
  id: string;
  size: number;
  built: boolean;
  buildSeconds: number;
}

/** The image an `nx run <project>:docker-build` wrote to dist/images/<image>.json. */
export function builtImage(image: string): ImageReport {
  const file = path.join(root, 'dist/images', `${image}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ImageReport;
  } catch {
    throw new Error(`${file} is missing: run \`npm run nx -- run-many -t docker-build -p api web\` first`);
  }
}
